package facts

import (
	"strings"
	"testing"

	"github.com/breachdesk/breachdesk/internal/fault"
)

func TestPlaceCodes(t *testing.T) {
	for _, ok := range []string{"NZ", "us", "US-CA", "us-ny", "CA-QC", "AU-VIC", "EU", "GB-SCT", "FR-75", "PR", "US-PR", "CN-BJ"} {
		if err := CheckPlace(ok); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for code, want := range map[string]string{
		"US-XX": "not a subdivision of US", "CA-ZZ": "not a subdivision of CA", "AU-VICT": "not a subdivision of AU",
		"UK": "use GB", "XX": "not an ISO 3166-1", "Europe": "not a place code", "USA": "not a place code",
		"GB-": "not an ISO 3166-2", "FR-ABCD": "not an ISO 3166-2", "": "not a place code",
	} {
		if err := CheckPlace(code); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: got %v, want %q", code, err, want)
		}
	}
}

func TestParseRefusesUnknownPlaces(t *testing.T) {
	_, err := Parse([]byte("schema: breachdesk/facts/v1.1\ntimeline: {discovered_at: 2026-03-02T09:00:00Z}\npeople: {by_jurisdiction: {US-CA: 3, US-XX: 2, UK: 1}}\n"))
	f := fault.FieldsOf(err)
	if fault.CodeOf(err) != fault.Invalid || f["/people/by_jurisdiction/US-XX"] == "" || f["/people/by_jurisdiction/UK"] == "" || f["/people/by_jurisdiction/US-CA"] != "" {
		t.Fatalf("want the two bad codes named: %v %v", err, f)
	}
}
