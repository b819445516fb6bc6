package deliver

import (
	"regexp"
	"testing"
)

func TestReferencesAreLongUnguessableAndForgiving(t *testing.T) {
	shape := regexp.MustCompile(`^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$`)
	seen := map[string]bool{}
	for i := 0; i < 2000; i++ {
		r, err := NewReference()
		if err != nil {
			t.Fatal(err)
		}
		if !shape.MatchString(r) {
			t.Fatalf("reference %q is not four groups of Crockford base 32", r)
		}
		if seen[r] {
			t.Fatalf("reference %q made twice", r)
		}
		seen[r] = true
		if NormaliseReference(r) == "" {
			t.Fatalf("reference %q does not read back", r)
		}
	}
	for typed, want := range map[string]string{
		"7q2m-k9dt-4xrb-h1vn":  "7Q2MK9DT4XRBH1VN",
		"7Q2M K9DT 4XRB HIVN":  "7Q2MK9DT4XRBH1VN", // I for 1
		"7Q2MK9DT4XRBHLVN":     "7Q2MK9DT4XRBH1VN", // L for 1
		"7Q2M-K9DT-4XRB":       "",                 // too short
		"7Q2M-K9DT-4XRB-H1VN0": "",                 // too long
		"7Q2M-K9DT-4XRB-H1V!":  "",
		"UUUU-K9DT-4XRB-H1VN":  "", // U is never used
	} {
		if got := NormaliseReference(typed); got != want {
			t.Errorf("NormaliseReference(%q) = %q, want %q", typed, got, want)
		}
	}
}

func TestLookupKeysBindTheCheckToTheReference(t *testing.T) {
	l := NewLookup([]byte("secret"))
	ref := "7Q2MK9DT4XRBH1VN"
	stored := l.CheckKey(ref, "1010")
	if !l.Matches(stored, ref, " 1010 ") {
		t.Error("the right postcode does not match")
	}
	if l.Matches(stored, ref, "1011") {
		t.Error("a wrong postcode matches")
	}
	if l.Matches(stored, "7Q2MK9DT4XRBH1VP", "1010") {
		t.Error("the postcode matches another reference")
	}
	if !l.Matches(l.CheckKey(ref, "SW1A 2AA"), ref, "sw1a-2aa") {
		t.Error("a UK postcode typed differently does not match")
	}
	if string(l.ReferenceKey(ref)) == string(NewLookup([]byte("other")).ReferenceKey(ref)) {
		t.Error("the reference key does not depend on the secret")
	}
	for _, c := range []struct {
		address         []string
		country, year   string
		kind, wantValue string
	}{
		{[]string{"12 Queen Street", "Auckland 1010"}, "NZ", "1980", "postcode", "1010"},
		{[]string{"10 Downing Street", "London SW1A 2AA"}, "GB", "", "postcode", "SW1A 2AA"},
		{nil, "NZ", "1980", "year of birth", "1980"},
		{nil, "NZ", "", "", ""},
	} {
		kind, v := CheckValueOf(c.address, c.country, c.year)
		if kind != c.kind || v != c.wantValue {
			t.Errorf("CheckValueOf(%q) = %q %q, want %q %q", c.address, kind, v, c.kind, c.wantValue)
		}
	}
}
