package facts

import (
	"fmt"
	"sort"
	"strings"

	"golang.org/x/text/language"

	"github.com/breachdesk/breachdesk/internal/fault"
)

// Subdivisions are the ISO 3166-2 codes of the countries whose laws
// differ by state, province or territory, so a code there must name a
// real one: the 50 US states, DC and the inhabited territories, the
// Canadian provinces and territories, and the Australian states and
// territories. Subdivisions of other countries are accepted when well
// formed, and count as their country.
var Subdivisions = map[string][]string{
	"US": {"AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS", "KY", "LA", "ME",
		"MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC",
		"SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY", "AS", "GU", "MP", "PR", "UM", "VI"},
	"CA": {"AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT"},
	"AU": {"ACT", "NSW", "NT", "QLD", "SA", "TAS", "VIC", "WA"},
}

// CheckPlace says whether code can be a key of people.by_jurisdiction: an
// ISO 3166-1 alpha-2 country code, an ISO 3166-2 subdivision code, or EU
// for the EU/EEA when the member state is not known. Letters may be in
// either case. The error says what to write instead.
func CheckPlace(code string) error {
	c := strings.ToUpper(strings.TrimSpace(code))
	country, sub, isSub := strings.Cut(c, "-")
	if c == "EU" {
		return nil
	}
	if len(country) != 2 {
		return fmt.Errorf("%q is not a place code: use ISO 3166-1 country codes (NZ, US, FR), ISO 3166-2 subdivisions (US-CA, CA-QC, AU-VIC) or EU", code)
	}
	r, err := language.ParseRegion(country)
	if err != nil || !r.IsCountry() {
		return fmt.Errorf("%q is not an ISO 3166-1 country code", country)
	}
	if canon := r.Canonicalize().String(); canon != country {
		return fmt.Errorf("%q is not the ISO 3166-1 code; use %s", country, canon)
	}
	if !isSub {
		return nil
	}
	if list, ok := Subdivisions[country]; ok {
		for _, s := range list {
			if s == sub {
				return nil
			}
		}
		return fmt.Errorf("%q is not a subdivision of %s; use one of %s-%s", code, country, country, strings.Join(list, ", "+country+"-"))
	}
	if len(sub) < 1 || len(sub) > 3 || strings.Trim(sub, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") != "" {
		return fmt.Errorf("%q is not an ISO 3166-2 code (a country code, a hyphen and one to three letters or digits)", code)
	}
	return nil
}

// checkPlaces refuses people.by_jurisdiction keys that are not place
// codes, naming each.
func checkPlaces(f *Facts) error {
	if f.People == nil {
		return nil
	}
	fields := map[string]string{}
	for code := range f.People.ByJurisdiction {
		if err := CheckPlace(code); err != nil {
			fields["/people/by_jurisdiction/"+code] = err.Error()
		}
	}
	if len(fields) == 0 {
		return nil
	}
	var msgs []string
	for _, m := range fields {
		msgs = append(msgs, m)
	}
	sort.Strings(msgs)
	return &fault.Error{Code: fault.Invalid, Message: "people.by_jurisdiction: " + strings.Join(msgs, "; ") + ".", Fields: fields}
}
