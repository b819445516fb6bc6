package discover

// countryCodes maps E.164 calling codes to ISO 3166 codes for the
// countries breachdesk's laws cover (NZ, AU, UK, US, the EU and EEA).
var countryCodes = map[string]string{
	"64": "NZ", "61": "AU", "44": "GB", "1": "US", "353": "IE", "33": "FR", "49": "DE", "31": "NL", "32": "BE",
	"34": "ES", "39": "IT", "351": "PT", "43": "AT", "45": "DK", "46": "SE", "47": "NO", "358": "FI", "48": "PL",
	"420": "CZ", "36": "HU", "30": "GR", "40": "RO", "359": "BG", "385": "HR", "386": "SI", "421": "SK", "370": "LT",
	"371": "LV", "372": "EE", "352": "LU", "356": "MT", "357": "CY", "354": "IS", "41": "CH",
}

// phoneCountry finds the country of an international number and checks
// its length is one that country uses (E.164: at most 15 digits).
func phoneCountry(dg []byte) (string, bool) {
	for l := 1; l <= 3 && l < len(dg); l++ {
		cc, ok := countryCodes[string(dg[:l])]
		if !ok {
			continue
		}
		rest := len(dg) - l
		switch cc {
		case "NZ":
			return cc, rest >= 8 && rest <= 10
		case "AU":
			return cc, rest == 9
		case "GB":
			return cc, rest == 10
		case "US":
			return cc, rest == 10 && dg[1] >= '2'
		}
		return cc, rest >= 6 && rest <= 12
	}
	return "", false
}

// nationalPhone reads a number written the national way, with a leading
// 0 (NZ, AU, UK) or as a US number of ten digits, and returns it in
// E.164 with its country when the numbering plan makes that clear.
// groups are the written groups of digits; paren says the number began
// with "(". The normalised number is appended to dst.
func nationalPhone(dst, dg []byte, groups []int, paren bool) ([]byte, string, bool) {
	n := len(dg)
	if n == 10 && dg[0] >= '2' && dg[0] <= '9' && dg[3] >= '2' && (paren || len(groups) == 3 && groups[0] == 3 && groups[1] == 3) {
		return append(append(dst, "+1"...), dg...), "US", true
	}
	if dg[0] != '0' || n < 9 || n > 11 {
		return dst, "", false
	}
	// Written groups after the area code are of three digits or more
	// ("021 234 5678", "0412 345 678"); "078-05-1120" is not a phone.
	for _, g := range groups[1:] {
		if g < 3 {
			return dst, "", false
		}
	}
	e164 := func(cc, code string) ([]byte, string, bool) {
		return append(append(append(dst, '+'), code...), dg[1:]...), cc, true
	}
	first := groups[0]
	if paren {
		first = 0 // "(09) 123 4567": the area code is in brackets
	}
	switch {
	case n == 10 && dg[1] == '4': // AU mobile: 04nn nnn nnn
		return e164("AU", "61")
	case dg[1] == '2' && n >= 9 && n <= 11 && (first == 3 || first == n): // NZ mobile: 02n nnn nnnn
		if n == 10 && first == n {
			return append(dst, dg...), "", true // ten digits from 02 in one group: NZ mobile or AU landline
		}
		return e164("NZ", "64")
	case n == 10 && (dg[1] == '2' || dg[1] == '3' || dg[1] == '7' || dg[1] == '8'): // AU landline: 0n nnnn nnnn
		return e164("AU", "61")
	case n == 9 && (dg[1] == '3' || dg[1] == '4' || dg[1] == '6' || dg[1] == '7' || dg[1] == '9'): // NZ landline: 0n nnn nnnn
		return e164("NZ", "64")
	case n == 11 && (dg[1] == '1' || dg[1] == '2' || dg[1] == '3' || dg[1] == '7'): // UK: 0nnnn nnnnnn
		return e164("GB", "44")
	}
	return dst, "", false
}
