package discover

// Check-digit algorithms for the identifiers the scanner validates, as
// ../shared/reference/identifiers.md describes them with test vectors.
// Each takes the identifier's digits (or characters) only.

// luhn is the card-number check (ISO/IEC 7812).
func luhn(d []byte) bool {
	sum, double := 0, false
	for i := len(d) - 1; i >= 0; i-- {
		n := int(d[i] - '0')
		if double {
			n *= 2
			if n > 9 {
				n -= 9
			}
		}
		sum += n
		double = !double
	}
	return sum%10 == 0
}

// cardIssuer says whether a Luhn-valid number has an issuer prefix and a
// length that issuer uses, so 16-digit order numbers that happen to pass
// Luhn (one in ten) are not called cards.
func cardIssuer(d []byte) bool {
	n := len(d)
	p2 := int(d[0]-'0')*10 + int(d[1]-'0')
	p4 := p2*100 + int(d[2]-'0')*10 + int(d[3]-'0')
	switch {
	case d[0] == '4': // Visa
		return n == 13 || n == 16 || n == 19
	case p2 >= 51 && p2 <= 55, p4 >= 2221 && p4 <= 2720: // Mastercard
		return n == 16
	case p2 == 34 || p2 == 37: // American Express
		return n == 15
	case p4 == 6011, p2 == 65, p4 >= 6440 && p4 <= 6499: // Discover
		return n >= 16 && n <= 19
	case p4 >= 3528 && p4 <= 3589: // JCB
		return n >= 16 && n <= 19
	case p2 == 36, p2 == 38, p2 == 39, p4 >= 3000 && p4 <= 3059: // Diners Club
		return n >= 14 && n <= 19
	case p2 == 62: // UnionPay
		return n >= 16 && n <= 19
	}
	return false
}

func weighted(d []byte, w []int) int {
	s := 0
	for i, x := range w {
		s += int(d[i]-'0') * x
	}
	return s
}

// auTFN checks a 9-digit tax file number (or the legacy 8-digit form).
func auTFN(d []byte) bool {
	switch len(d) {
	case 9:
		return weighted(d, []int{1, 4, 3, 7, 5, 8, 6, 9, 10})%11 == 0
	case 8:
		return weighted(d, []int{10, 7, 8, 4, 6, 3, 5, 1})%11 == 0
	}
	return false
}

// auABN checks an 11-digit Australian Business Number.
func auABN(d []byte) bool {
	if len(d) != 11 || d[0] == '0' {
		return false
	}
	w := []int{10, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19}
	s := (int(d[0]-'0') - 1) * w[0]
	for i := 1; i < 11; i++ {
		s += int(d[i]-'0') * w[i]
	}
	return s%89 == 0
}

// auMedicare checks a 10- or 11-digit Medicare card number.
func auMedicare(d []byte) bool {
	if (len(d) != 10 && len(d) != 11) || d[0] < '2' || d[0] > '6' {
		return false
	}
	return weighted(d, []int{1, 3, 7, 9, 1, 3, 7, 9})%10 == int(d[8]-'0')
}

// nzIRD checks an 8- or 9-digit IRD number.
func nzIRD(d []byte) bool {
	if len(d) != 8 && len(d) != 9 {
		return false
	}
	var p [9]byte
	copy(p[9-len(d):], d)
	for i := 0; i < 9-len(d); i++ {
		p[i] = '0'
	}
	n := 0
	for _, c := range p {
		n = n*10 + int(c-'0')
	}
	if n <= 10_000_000 || n >= 200_000_000 {
		return false
	}
	check := func(w []int) int {
		r := weighted(p[:8], w) % 11
		if r == 0 {
			return 0
		}
		return 11 - r
	}
	c := check([]int{3, 2, 7, 6, 5, 4, 3, 2})
	if c == 10 {
		c = check([]int{7, 4, 3, 2, 5, 2, 7, 6})
	}
	return c != 10 && c == int(p[8]-'0')
}

// nhiLetter is a letter's value in an NHI: A=1..Z=24, skipping I and O.
func nhiLetter(c byte) int {
	if c < 'A' || c > 'Z' || c == 'I' || c == 'O' {
		return -1
	}
	v := int(c-'A') + 1
	if c > 'I' {
		v--
	}
	if c > 'O' {
		v--
	}
	return v
}

// nzNHI checks an NHI in the current AAANNNC or the new AAANNAX format.
func nzNHI(s []byte) bool {
	if len(s) != 7 {
		return false
	}
	sum := 0
	for i := 0; i < 3; i++ {
		v := nhiLetter(s[i])
		if v < 0 {
			return false
		}
		sum += v * (7 - i)
	}
	if !isDigit(s[3]) || !isDigit(s[4]) {
		return false
	}
	sum += int(s[3]-'0')*4 + int(s[4]-'0')*3
	switch {
	case isDigit(s[5]) && isDigit(s[6]): // AAANNNC
		sum += int(s[5]-'0') * 2
		r := sum % 11
		return r != 0 && (11-r)%10 == int(s[6]-'0')
	case nhiLetter(s[5]) > 0 && nhiLetter(s[6]) > 0: // AAANNAX
		sum += nhiLetter(s[5]) * 2
		return 23-sum%23 == nhiLetter(s[6])
	}
	return false
}

// ibanLengths are the lengths of IBANs by country, for the countries a
// breach in NZ, AU, the UK or the EU is likely to meet.
var ibanLengths = map[string]int{
	"AD": 24, "AT": 20, "BE": 16, "BG": 22, "CH": 21, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "EE": 20, "ES": 24,
	"FI": 18, "FR": 27, "GB": 22, "GR": 27, "HR": 21, "HU": 28, "IE": 22, "IS": 26, "IT": 27, "LI": 21, "LT": 20,
	"LU": 20, "LV": 21, "MC": 27, "MT": 31, "NL": 18, "NO": 15, "PL": 28, "PT": 25, "RO": 24, "SE": 24, "SI": 19,
	"SK": 24, "SM": 27,
}

// iban checks an IBAN without spaces, upper-case.
func iban(s []byte) bool {
	if len(s) < 15 || len(s) > 34 || ibanLengths[string(s[:2])] != len(s) {
		return false
	}
	r := 0
	add := func(c byte) bool {
		switch {
		case isDigit(c):
			r = (r*10 + int(c-'0')) % 97
		case c >= 'A' && c <= 'Z':
			r = (r*100 + int(c-'A') + 10) % 97
		default:
			return false
		}
		return true
	}
	for _, c := range s[4:] {
		if !add(c) {
			return false
		}
	}
	for _, c := range s[:4] {
		if !add(c) {
			return false
		}
	}
	return r == 1
}

// usSSN checks the structure rules of a social security number.
func usSSN(d []byte) bool {
	if len(d) != 9 {
		return false
	}
	area, group, serial := string(d[:3]), string(d[3:5]), string(d[5:])
	switch {
	case area == "000", area == "666", area[0] == '9', group == "00", serial == "0000":
		return false
	case string(d) == "078051120", string(d) == "219099999":
		return false
	}
	return true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// nzBankWeights are the weights of the NZ bank account check (Inland
// Revenue's RWT/NRWT specification, "Bank account number validation")
// over bank (2), branch (4), account base (7) and suffix (3) digits, with
// the modulus. Algorithms E and G also reduce each product to one digit
// by adding its digits; published implementations differ on a product
// such as 18 (9 by adding digits, 0 by taking it modulo 9), so for those
// an account is judged only when both readings agree.
var nzBankWeights = map[byte]struct {
	w      [16]int
	mod    int
	reduce bool
}{
	'A': {[16]int{0, 0, 6, 3, 7, 9, 0, 10, 5, 8, 4, 2, 1, 0, 0, 0}, 11, false},
	'B': {[16]int{0, 0, 0, 0, 0, 0, 0, 10, 5, 8, 4, 2, 1, 0, 0, 0}, 11, false},
	'D': {[16]int{0, 0, 0, 0, 0, 0, 7, 6, 5, 4, 3, 2, 1, 0, 0, 0}, 11, false},
	'E': {[16]int{0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 4, 3, 2, 0, 0, 1}, 11, true},
	'F': {[16]int{0, 0, 0, 0, 0, 0, 1, 7, 3, 1, 7, 3, 1, 0, 0, 0}, 10, false},
	'G': {[16]int{0, 0, 0, 0, 0, 0, 1, 3, 7, 1, 3, 7, 1, 3, 7, 1}, 10, true},
}

// nzBankAlgorithm is the algorithm of each bank number (A becomes B for
// account bases from 0990000); 0 for a bank with none (31 has no check,
// X) or one breachdesk does not know.
var nzBankAlgorithm = func() (t [100]byte) {
	for _, b := range []int{1, 2, 3, 4, 6, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 27, 30, 35, 38} {
		t[b] = 'A'
	}
	t[8], t[9], t[25], t[33] = 'D', 'E', 'F', 'F'
	t[26], t[28], t[29] = 'G', 'G', 'G'
	return t
}()

// nzBankAccount checks the digits of an NZ bank account (bank, branch,
// base of 7 and a suffix of 2 or 3 digits). known says the check could
// be applied (a known bank, and for E and G both readings agreeing); ok
// that the digits pass it.
func nzBankAccount(d []byte) (ok, known bool) {
	var n [16]byte
	switch len(d) {
	case 16:
		copy(n[:], d)
	case 15: // a two-digit suffix reads as 0SS
		copy(n[:13], d[:13])
		n[13], n[14], n[15] = '0', d[13], d[14]
	default:
		return false, false
	}
	alg := nzBankAlgorithm[int(n[0]-'0')*10+int(n[1]-'0')]
	if alg == 0 {
		return false, false
	}
	if alg == 'A' && string(n[6:13]) >= "0990000" {
		alg = 'B'
	}
	c := nzBankWeights[alg]
	if !c.reduce {
		return weighted(n[:], c.w[:])%c.mod == 0, true
	}
	digitSums, modNine := 0, 0
	for i, w := range c.w {
		p := int(n[i]-'0') * w
		if p > 0 {
			digitSums += (p-1)%9 + 1 // its digits added until one is left
		}
		if p > 9 {
			p %= 9
		}
		modNine += p
	}
	a, b := digitSums%c.mod == 0, modNine%c.mod == 0
	return a && b, a == b
}
