package discover

// Hit is one value the detector found. Value (as found) and Norm
// (normalised for the HMAC, see Normalise) point into the text or the
// detector's own buffers: they are only valid during the emit call, so
// that finding a value allocates nothing.
type Hit struct {
	Type  Type
	Value []byte
	Norm  []byte
	// Validated says a checksum or structural check passed.
	Validated  bool
	Confidence float64
	// Country is the ISO 3166 code the value implies, "" if none, and
	// Subdivision its ISO 3166-2 state or province ("AU-VIC") if known.
	Country, Subdivision string
	Offset               int // byte offset in the text scanned
}

// Byte classes for the single pass.
const (
	cOther uint8 = iota
	cDelim       // white space and punctuation a value can start after
	cDigit
	cUpper
	cLower
	cAt
	cPlus
	cParen
	cJoin // characters that glue a token to the word before it: _ - . /
)

var class = func() (t [256]uint8) {
	for c := 0; c < 256; c++ {
		switch {
		case c >= '0' && c <= '9':
			t[c] = cDigit
		case c >= 'A' && c <= 'Z':
			t[c] = cUpper
		case c >= 'a' && c <= 'z', c >= 0x80:
			t[c] = cLower
		}
	}
	for _, c := range " \t\r\n,;:\"'[]{}=|<>#*" {
		t[c] = cDelim
	}
	t['@'], t['+'], t['('], t[')'] = cAt, cPlus, cParen, cDelim
	for _, c := range "_-./\\%&" {
		t[c] = cJoin
	}
	return t
}()

// Detector finds personal data in text. Zero value is ready to use.
type Detector struct {
	digits [32]byte
	groups [12]int
	seps   [12]byte
	norm   []byte // normalised values the detector builds
}

// Detect reports every value of the contract's pattern types in text.
// hint is the type the text's column or key was classified as (noType
// when none): it stands in for context words, so a bare 9-digit value in
// a "tfn" column is checked as a TFN.
func (d *Detector) Detect(text []byte, hint Type, emit func(Hit)) {
	n := len(text)
	for i := 0; i < n; i++ {
		c := text[i]
		switch class[c] {
		case cDigit, cPlus, cParen:
			if i > 0 && class[text[i-1]] != cDelim {
				continue
			}
			if j := d.number(text, i, hint, emit); j > i {
				i = j - 1
			}
		case cUpper:
			if i > 0 && class[text[i-1]] != cDelim {
				continue
			}
			if j := d.upper(text, i, hint, emit); j > i {
				i = j - 1
			}
		case cAt:
			if j := d.email(text, i, emit); j > i {
				i = j - 1
			}
		}
	}
}

// email expands an '@' into an address if one is there, returning where
// it ends.
func (d *Detector) email(text []byte, at int, emit func(Hit)) int {
	s := at
	for s > 0 {
		c := text[s-1]
		if class[c] == cDigit || class[c] == cUpper || (c >= 'a' && c <= 'z') || c == '.' || c == '_' || c == '%' || c == '+' || c == '-' {
			s--
			continue
		}
		break
	}
	e := at + 1
	dot, lastDot := false, -1
	for e < len(text) {
		c := text[e]
		if class[c] == cDigit || class[c] == cUpper || (c >= 'a' && c <= 'z') || c == '-' {
			e++
			continue
		}
		if c == '.' && e+1 < len(text) && text[e-1] != '.' && (class[text[e+1]] == cDigit || class[text[e+1]] == cUpper || (text[e+1] >= 'a' && text[e+1] <= 'z')) {
			dot, lastDot = true, e
			e++
			continue
		}
		break
	}
	if s == at || at-s > 64 || !dot || text[s] == '.' || text[at-1] == '.' {
		return at + 1
	}
	tld := text[lastDot+1 : e]
	if len(tld) < 2 {
		return at + 1
	}
	for _, c := range tld {
		if class[c] == cDigit {
			return at + 1
		}
	}
	d.norm = appendLower(d.norm[:0], text[s:e])
	emit(Hit{Type: Email, Value: text[s:e], Norm: d.norm, Validated: true, Confidence: 0.95, Country: emailCountry(text[at+1 : e]), Offset: s})
	return e
}

// number reads a run of digits with single separators (space, - . /) and
// an optional leading + or (, then classifies it.
func (d *Detector) number(text []byte, i int, hint Type, emit func(Hit)) int {
	n := len(text)
	j, nd, ng := i, 0, 0
	plus, paren := false, false
	switch text[i] {
	case '+':
		plus = true
		j++
	case '(':
		paren = true
		j++
	}
	if j >= n || !isDigit(text[j]) {
		return i + 1
	}
	d.groups[0] = 0
	for j < n {
		c := text[j]
		if isDigit(c) {
			if nd == len(d.digits) {
				return skipRun(text, j)
			}
			d.digits[nd] = c
			nd++
			d.groups[ng]++
			j++
			continue
		}
		sep := c
		k := j + 1
		if c == ')' && paren {
			if k < n && text[k] == ' ' {
				k++
			}
			sep = ' '
		} else if c != ' ' && c != '-' && c != '.' && c != '/' {
			break
		}
		if k >= n || !isDigit(text[k]) || ng+1 == len(d.groups) {
			break
		}
		d.seps[ng] = sep
		ng++
		d.groups[ng] = 0
		j = k
	}
	ng++
	// A value glued to a following word ("12ab", "123@x") is not one.
	if j < n && (class[text[j]] == cUpper || class[text[j]] == cLower || text[j] == '@' || text[j] == '_' || (class[text[j]] == cDigit)) {
		return j
	}
	d.classify(text, i, j, nd, ng, plus, hint, emit)
	return j
}

// skipRun moves past a run of digits too long to be any identifier.
func skipRun(text []byte, j int) int {
	for j < len(text) && (isDigit(text[j]) || text[j] == ' ' || text[j] == '-') {
		j++
	}
	return j
}

func (d *Detector) sameSeps(ng int, set string) bool {
	for k := 0; k < ng-1; k++ {
		ok := false
		for i := 0; i < len(set); i++ {
			if d.seps[k] == set[i] {
				ok = true
			}
		}
		if !ok || d.seps[k] != d.seps[0] {
			return false
		}
	}
	return true
}

func (d *Detector) shape(ng int, want ...int) bool {
	if ng != len(want) {
		return false
	}
	for k, w := range want {
		if d.groups[k] != w {
			return false
		}
	}
	return true
}

func (d *Detector) classify(text []byte, start, end, nd, ng int, plus bool, hint Type, emit func(Hit)) {
	dg := d.digits[:nd]
	hit := func(t Type, norm []byte, conf float64, country string) {
		emit(Hit{Type: t, Value: text[start:end], Norm: norm, Validated: true, Confidence: conf, Country: country, Offset: start})
	}
	var cm uint32
	cmDone := false
	mask := func() uint32 {
		if !cmDone {
			cm, cmDone = contextMask(text, start), true
		}
		return cm
	}
	ctx := func(t Type) bool {
		return hint == t || mask()&(1<<uint(t.index())) != 0 && mask()&nearOtherBit == 0
	}
	if plus {
		if cc, ok := phoneCountry(dg); ok {
			conf := 0.9
			if ctx(Phone) {
				conf = 0.98
			}
			d.norm = append(append(d.norm[:0], '+'), dg...)
			hit(Phone, d.norm, conf, cc)
		}
		return
	}
	// A house number may start a street address.
	if nd <= 5 && (ng == 1 || ng == 2 && d.seps[0] == '/') && d.street(text, start, end, emit) {
		return
	}
	// Nothing shorter than eight digits is an identifier or a phone
	// number; most numbers in text (times, amounts, counts) end here.
	if nd < 8 && ng != 4 && ng != 3 {
		d.fallback(text[start:end], hint, emit, start == 0 && end == len(text))
		return
	}
	// IPv4: four dotted groups of at most three digits, each up to 255.
	if ng == 4 && d.sameSeps(ng, ".") {
		off := 0
		for k := 0; k < 4; k++ {
			g := d.groups[k]
			v := atoi(dg[off : off+g])
			if g > 3 || v > 255 {
				return
			}
			off += g
		}
		conf := 0.85
		if ctx(IPAddress) {
			conf = 0.95
		}
		hit(IPAddress, text[start:end], conf, "")
		return
	}
	// Dates: only dates of birth are personal data, so a date needs a
	// date-of-birth column or words such as "born" or "DOB" before it.
	if ng == 3 && d.sameSeps(ng, "-/.") {
		if iso, ok := dateISO(dg, d.groups[0], d.groups[1], d.groups[2]); ok {
			if ctx(DateOfBirth) {
				conf := 0.85
				if hint == DateOfBirth {
					conf = 0.95
				}
				d.norm = append(d.norm[:0], iso[:]...)
				hit(DateOfBirth, d.norm, conf, "")
			}
			return
		}
	}
	// Bank accounts. NZ numbers have a shape no other number has (bank 2,
	// branch 4, account 7, suffix 2 or 3) and, for most banks, check
	// digits: an account that passes its bank's check is validated, one
	// that fails it is most likely a typing slip or not an account (low
	// confidence), and one of a bank whose check is not applied keeps
	// the confidence of its shape. An AU account is a BSB (3-3) and an
	// account number after the word BSB.
	if (d.shape(ng, 2, 4, 7, 2) || d.shape(ng, 2, 4, 7, 3)) && d.sameSeps(ng, "- ") {
		ok, known := nzBankAccount(dg)
		conf := 0.8
		switch {
		case ok:
			conf = 0.95
		case known:
			conf = 0.5
		}
		if ctx(NZBankAccount) {
			conf = min(conf+0.1, 0.99)
		}
		emit(Hit{Type: NZBankAccount, Value: text[start:end], Norm: dg, Validated: ok, Confidence: conf, Country: "NZ", Offset: start})
		return
	}
	if ng == 3 && d.groups[0] == 3 && d.groups[1] == 3 && d.groups[2] >= 5 && d.groups[2] <= 10 && (d.seps[0] == '-' || d.seps[0] == ' ') && ctx(AUBSBAccount) {
		emit(Hit{Type: AUBSBAccount, Value: text[start:end], Norm: dg, Confidence: 0.85, Country: "AU", Offset: start})
		return
	}
	switch {
	case nd >= 13 && nd <= 19:
		if luhn(dg) && cardIssuer(dg) && (ng == 1 || d.sameSeps(ng, " -")) {
			switch {
			case ctx(CreditCard):
				hit(CreditCard, dg, 0.99, "")
				return
			case mask()&otherBit == 0:
				hit(CreditCard, dg, 0.9, "")
				return
			}
		}
	case nd == 9 && (d.shape(ng, 3, 2, 4) && d.sameSeps(ng, "- ") || ctx(USSSN)):
		if usSSN(dg) {
			conf := 0.85
			if ctx(USSSN) {
				conf = 0.97
			}
			hit(USSSN, dg, conf, "US")
			return
		}
	}
	// Checksummed national identifiers, told apart by context first and
	// then by their usual written shape. A bare number that merely passes
	// a check (one in eleven does) is not reported without either.
	if nd >= 8 && nd <= 11 {
		var passed [len(nationalIDs)]bool
		for k, id := range nationalIDs {
			if passed[k] = id.check(dg); passed[k] && ctx(id.t) {
				hit(id.t, dg, 0.97, id.country)
				return
			}
		}
		for k, id := range nationalIDs {
			if passed[k] && mask() == 0 && d.writtenAs(id.t, ng, dg) {
				hit(id.t, dg, 0.8, id.country)
				return
			}
		}
	}
	// A phone-shaped number after "invoice", "order" and the like is one of those.
	if norm, cc, ok := nationalPhone(d.norm[:0], dg, d.groups[:ng], text[start] == '('); ok && (ctx(Phone) || (ng > 1 || text[start] == '(') && mask()&otherBit == 0) {
		conf := 0.8
		if ctx(Phone) {
			conf = 0.95
		}
		d.norm = norm // keep the buffer it may have grown
		hit(Phone, norm, conf, cc)
		return
	}
	d.fallback(text[start:end], hint, emit, start == 0 && end == len(text))
}

// nationalIDs are the checksummed national identifiers of eight to
// eleven digits, in the order they are tried.
var nationalIDs = [...]struct {
	t       Type
	check   func([]byte) bool
	country string
}{{AUTFN, auTFN, "AU"}, {NZIRD, nzIRD, "NZ"}, {AUABN, auABN, "AU"}, {AUMedicare, auMedicare, "AU"}}

// writtenAs says whether the number just read is grouped the way an
// identifier of type t is usually written: 123 456 782 for a TFN,
// 49-091-850 for an IRD, 51 824 753 556 for an ABN, 2123 45670 1 for
// Medicare.
func (d *Detector) writtenAs(t Type, ng int, dg []byte) bool {
	switch t {
	case AUTFN:
		return (d.shape(ng, 3, 3, 3) || d.shape(ng, 3, 3, 2)) && d.sameSeps(ng, " ") && dg[0] != '0'
	case NZIRD:
		return (d.shape(ng, 3, 3, 3) || d.shape(ng, 2, 3, 3)) && d.sameSeps(ng, "-")
	case AUABN:
		return d.shape(ng, 2, 3, 3, 3) && d.sameSeps(ng, " ")
	case AUMedicare:
		return (d.shape(ng, 4, 5, 1) || d.shape(ng, 4, 5, 1, 1)) && d.sameSeps(ng, " ")
	}
	return false
}

// fallback reports a value its column is named for but which fails the
// type's check: unvalidated, with low confidence.
// whole says the value is the entire field, not a number inside it.
func (d *Detector) fallback(raw []byte, hint Type, emit func(Hit), whole bool) {
	if whole && hint != noType && hint != Phone && hint != DateOfBirth && hint != IPAddress {
		d.norm = appendNormalise(d.norm[:0], hint, raw)
		emit(Hit{Type: hint, Value: raw, Norm: d.norm, Confidence: 0.4})
	}
}

// dateISO reads a date written y-m-d, d-m-y or (when the day is over 12)
// m-d-y, and returns it as YYYY-MM-DD if it is a real date.
func dateISO(dg []byte, g0, g1, g2 int) (iso [10]byte, ok bool) {
	num := func(b []byte) int { return atoi(b) }
	var y, m, day int
	switch {
	case g0 == 4 && g1 <= 2 && g2 <= 2:
		y, m, day = num(dg[:4]), num(dg[4:4+g1]), num(dg[4+g1:])
	case g0 <= 2 && g1 <= 2 && g2 == 4:
		day, m, y = num(dg[:g0]), num(dg[g0:g0+g1]), num(dg[g0+g1:])
		if m > 12 && day <= 12 {
			day, m = m, day
		}
	default:
		return iso, false
	}
	if y < 1900 || y > 2030 || m < 1 || m > 12 || day < 1 || day > daysIn(y, m) {
		return iso, false
	}
	iso = [10]byte{byte('0' + y/1000), byte('0' + y/100%10), byte('0' + y/10%10), byte('0' + y%10), '-',
		byte('0' + m/10), byte('0' + m%10), '-', byte('0' + day/10), byte('0' + day%10)}
	return iso, true
}

// atoi reads a short run of ASCII digits.
func atoi(digits []byte) int {
	v := 0
	for _, c := range digits {
		v = v*10 + int(c-'0')
	}
	return v
}

// appendLower appends b lower-cased (ASCII letters only) to dst.
func appendLower(dst, b []byte) []byte {
	for _, c := range b {
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// upper looks for the identifiers that start with capital letters: IBANs
// everywhere, NHIs, passports and licences where context says so.
func (d *Detector) upper(text []byte, i int, hint Type, emit func(Hit)) int {
	n := len(text)
	j := i
	for j < n && (class[text[j]] == cUpper || class[text[j]] == cDigit) {
		j++
	}
	word := text[i:j]
	if j < n && class[text[j]] == cLower {
		return max(j, d.name(text, i, emit)) // a capitalised word: perhaps a name after "Dear", "Client", "Ms"
	}
	// IBAN, possibly written in groups of four.
	if len(word) >= 4 && isDigit(word[2]) && isDigit(word[3]) && class[word[0]] == cUpper && class[word[1]] == cUpper {
		buf := d.norm[:0]
		k := i
		for k < n && len(buf) < 34 {
			c := text[k]
			if class[c] == cUpper || class[c] == cDigit {
				buf = append(buf, c)
				k++
				continue
			}
			if c == ' ' && k+1 < n && (class[text[k+1]] == cUpper || class[text[k+1]] == cDigit) && len(buf)%4 == 0 {
				k++
				continue
			}
			break
		}
		d.norm = buf
		if iban(buf) && (k >= n || class[text[k]] != cLower) {
			emit(Hit{Type: IBAN, Value: text[i:k], Norm: buf, Validated: true, Confidence: 0.97, Offset: i})
			return k
		}
	}
	if len(word) < 5 || len(word) > 10 || !hasDigit(word) {
		return j
	}
	cm := contextMask(text, i)
	ctx := func(t Type) bool { return hint == t || cm&(1<<uint(t.index())) != 0 }
	if len(word) == 7 && nzNHI(word) && ctx(NZNHI) {
		emit(Hit{Type: NZNHI, Value: word, Norm: word, Validated: true, Confidence: 0.97, Country: "NZ", Offset: i})
		return j
	}
	if len(word) >= 6 && len(word) <= 9 && passportShape(word) && ctx(Passport) {
		emit(Hit{Type: Passport, Value: word, Norm: word, Confidence: 0.75, Offset: i})
		return j
	}
	if ctx(DriverLicence) {
		emit(Hit{Type: DriverLicence, Value: word, Norm: word, Confidence: 0.7, Offset: i})
	}
	return j
}

// passportShape is one or two letters then six to eight digits, the shape
// of NZ, AU, UK and most EU passport numbers.
func passportShape(w []byte) bool {
	k := 0
	for k < len(w) && k < 2 && class[w[k]] == cUpper {
		k++
	}
	if k == 0 || len(w)-k < 6 || len(w)-k > 8 {
		return false
	}
	for _, c := range w[k:] {
		if !isDigit(c) {
			return false
		}
	}
	return true
}

func hasDigit(w []byte) bool {
	for _, c := range w {
		if isDigit(c) {
			return true
		}
	}
	return false
}
