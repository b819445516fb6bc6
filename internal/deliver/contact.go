package deliver

import (
	"fmt"
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"
)

// CheckEmail says what is wrong with an email address, or nil when a mail
// server could be asked to deliver to it: one address, no display name,
// a local part and a domain with a dot, within RFC 5321's lengths.
func CheckEmail(addr string) error {
	switch {
	case addr == "":
		return fmt.Errorf("no email address")
	case len(addr) > 254:
		return fmt.Errorf("the email address is longer than 254 characters")
	case strings.ContainsAny(addr, " \t\r\n,;<>"):
		return fmt.Errorf("%q is not one email address", addr)
	}
	a, err := mail.ParseAddress(addr)
	if err != nil || a.Address != addr {
		return fmt.Errorf("%q is not an email address", addr)
	}
	at := strings.LastIndexByte(addr, '@')
	local, domain := addr[:at], addr[at+1:]
	switch {
	case len(local) > 64:
		return fmt.Errorf("%q: the part before @ is longer than 64 characters", addr)
	case !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") || strings.Contains(domain, ".."):
		return fmt.Errorf("%q: %q is not a mail domain", addr, domain)
	}
	return nil
}

// callingCodes are the country calling codes of the countries whose
// national numbers breachdesk can turn into international ones, keyed by
// ISO 3166-1 alpha-2 code. A number already written with + or 00 needs
// none of this.
var callingCodes = map[string]string{
	"NZ": "64", "AU": "61", "GB": "44", "UK": "44", "US": "1", "CA": "1", "IE": "353", "FR": "33", "DE": "49",
	"NL": "31", "BE": "32", "ES": "34", "IT": "39", "PT": "351", "AT": "43", "DK": "45", "SE": "46", "NO": "47",
	"FI": "358", "PL": "48", "CH": "41", "SG": "65", "IN": "91", "ZA": "27", "JP": "81", "KR": "82", "BR": "55",
	"PH": "63", "HK": "852",
}

// CountryOf returns the ISO 3166-1 country of a jurisdiction code, which
// may be a subdivision ("AU-VIC", "US-CA").
func CountryOf(jurisdiction string) string {
	j := strings.ToUpper(strings.TrimSpace(jurisdiction))
	if i := strings.IndexByte(j, '-'); i > 0 {
		j = j[:i]
	}
	return j
}

// PhoneE164 writes a phone number in E.164 (+ and 8 to 15 digits), for an
// SMS gateway. A number written with + or 00 is international already; a
// national number (leading 0 or, in North America, ten digits) takes the
// calling code of the person's country. It says why when it cannot.
func PhoneE164(phone, country string) (string, error) {
	var dg strings.Builder
	intl := false
	for i, r := range strings.TrimSpace(phone) {
		switch {
		case r >= '0' && r <= '9':
			dg.WriteRune(r)
		case r == '+' && i == 0:
			intl = true
		case r == ' ' || r == '-' || r == '.' || r == '(' || r == ')' || r == '/':
		default:
			return "", fmt.Errorf("%q is not a phone number", phone)
		}
	}
	d := dg.String()
	if !intl && strings.HasPrefix(d, "00") {
		intl, d = true, d[2:]
	}
	if !intl {
		cc, ok := callingCodes[CountryOf(country)]
		switch {
		case !ok:
			return "", fmt.Errorf("%q has no country code and the person's country is not known: write it as +<country code> <number>", phone)
		case cc == "1" && len(d) == 11 && d[0] == '1':
			d = d[1:]
		case cc != "1":
			if !strings.HasPrefix(d, "0") {
				return "", fmt.Errorf("%q: a national number starts with 0; write it with its country code (+%s ...)", phone, cc)
			}
			d = d[1:]
		}
		d = cc + d
	}
	if len(d) < 8 || len(d) > 15 || d[0] == '0' {
		return "", fmt.Errorf("%q does not have the length of a phone number", phone)
	}
	return "+" + d, nil
}

// MaxAddressLineRunes is the longest address line that fits the window of
// a DL or C5 envelope in the letter's font.
const MaxAddressLineRunes = 45

// CheckAddress says what stops a letter reaching a postal address: no
// lines, too few to hold a street and a town, a line too long for the
// envelope window, too many lines, or no postcode where the country uses
// one. It returns every problem, for the list a person corrects.
func CheckAddress(lines []string, country string) []string {
	var out []string
	var kept []string
	for _, l := range lines {
		if strings.TrimSpace(l) != "" {
			kept = append(kept, strings.TrimSpace(l))
		}
	}
	switch {
	case len(kept) == 0:
		return []string{"no postal address"}
	case len(kept) < 2:
		out = append(out, "the address has one line: a street and a town are both needed")
	case len(kept) > 6:
		out = append(out, "the address has more than 6 lines: it will not fit the envelope window")
	}
	for _, l := range kept {
		if utf8.RuneCountInString(l) > MaxAddressLineRunes {
			out = append(out, fmt.Sprintf("the line %q is longer than %d characters and will be cut off in the envelope window", l, MaxAddressLineRunes))
		}
	}
	if needsPostcode(country) && !hasPostcode(kept, country) {
		out = append(out, "no postcode")
	}
	return out
}

// needsPostcode says whether a country's post expects a postcode. Most do;
// a few (Ireland outside Dublin before Eircode, Hong Kong) do not.
func needsPostcode(country string) bool {
	switch CountryOf(country) {
	case "", "HK", "AE":
		return false
	}
	return true
}

// hasPostcode looks for the country's postcode in the lines after the
// first (the first holds the street, whose number is no postcode): four
// digits in NZ and AU, five (or ZIP+4) in the US, the outward and inward
// codes in the UK, and elsewhere a group of 3 to 10 characters with a
// digit.
func hasPostcode(lines []string, country string) bool {
	if len(lines) < 2 {
		return false
	}
	for _, l := range lines[1:] {
		words := strings.FieldsFunc(l, func(r rune) bool { return r == ' ' || r == ',' })
		for i, w := range words {
			switch CountryOf(country) {
			case "NZ", "AU":
				if len(w) == 4 && allDigits(w) {
					return true
				}
			case "US":
				if len(w) == 5 && allDigits(w) || len(w) == 10 && w[5] == '-' && allDigits(w[:5]) && allDigits(w[6:]) {
					return true
				}
			case "GB", "UK":
				if i+1 < len(words) && ukOutward(w) && ukInward(words[i+1]) {
					return true
				}
			default:
				if len(w) >= 3 && len(w) <= 10 && strings.IndexFunc(w, unicode.IsDigit) >= 0 {
					return true
				}
			}
		}
	}
	return false
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// ukOutward and ukInward recognise the two halves of a UK postcode
// ("SW1A", "1AA").
func ukOutward(w string) bool {
	w = strings.ToUpper(w)
	return len(w) >= 2 && len(w) <= 4 && unicode.IsLetter(rune(w[0])) && strings.IndexFunc(w, unicode.IsDigit) > 0
}

func ukInward(w string) bool {
	w = strings.ToUpper(w)
	return len(w) == 3 && unicode.IsDigit(rune(w[0])) && unicode.IsLetter(rune(w[1])) && unicode.IsLetter(rune(w[2]))
}
