package deliver

import (
	"strings"
	"testing"
)

func TestCheckEmail(t *testing.T) {
	for _, c := range []struct {
		addr string
		ok   bool
	}{
		{"ann.citizen@example.co.nz", true},
		{"a+tag@sub.example.org", true},
		{"", false},
		{"ann", false},
		{"ann@localhost", false},
		{"Ann <ann@example.org>", false},
		{"ann@example.org, ben@example.org", false},
		{"ann@@example.org", false},
		{"ann@example..org", false},
		{strings.Repeat("a", 65) + "@example.org", false},
	} {
		if err := CheckEmail(c.addr); (err == nil) != c.ok {
			t.Errorf("CheckEmail(%q) = %v, want ok=%v", c.addr, err, c.ok)
		}
	}
}

func TestPhoneE164(t *testing.T) {
	for _, c := range []struct {
		phone, country, want string
	}{
		{"021 234 5678", "NZ", "+64212345678"},
		{"(09) 123 4567", "NZ", "+6491234567"},
		{"0412 345 678", "AU-VIC", "+61412345678"},
		{"+61 412 345 678", "", "+61412345678"},
		{"0061 412 345 678", "", "+61412345678"},
		{"(415) 555-2671", "US-CA", "+14155552671"},
		{"1 415 555 2671", "US", "+14155552671"},
		{"07700 900123", "GB", "+447700900123"},
		{"021 234 5678", "", ""},   // national, country unknown
		{"21 234 5678", "NZ", ""},  // national without its 0
		{"+64 21", "", ""},         // too short
		{"call 021 234", "NZ", ""}, // not a number
	} {
		got, err := PhoneE164(c.phone, c.country)
		if got != c.want || (err == nil) != (c.want != "") {
			t.Errorf("PhoneE164(%q, %q) = %q, %v; want %q", c.phone, c.country, got, err, c.want)
		}
	}
}

func TestCheckAddress(t *testing.T) {
	for _, c := range []struct {
		lines   []string
		country string
		want    string // a word of the first problem, "" for none
	}{
		{[]string{"12 Queen Street", "Auckland 1010"}, "NZ", ""},
		{[]string{"Flat 2", "12 Queen Street", "Ponsonby", "Auckland 1011"}, "NZ", ""},
		{[]string{"1 Collins St", "Melbourne VIC 3000"}, "AU-VIC", ""},
		{[]string{"1600 Amphitheatre Pkwy", "Mountain View, CA 94043-1351"}, "US-CA", ""},
		{[]string{"10 Downing Street", "London SW1A 2AA"}, "GB", ""},
		{nil, "NZ", "no postal address"},
		{[]string{"12 Queen Street"}, "NZ", "one line"},
		{[]string{"123 Queen Street", "Auckland"}, "NZ", "postcode"}, // the street number is no postcode
		{[]string{"12 Queen Street", strings.Repeat("Te Whanganui-a-Tara ", 3) + "6011"}, "NZ", "longer"},
	} {
		got := CheckAddress(c.lines, c.country)
		if c.want == "" && len(got) > 0 || c.want != "" && (len(got) == 0 || !strings.Contains(got[0], c.want)) {
			t.Errorf("CheckAddress(%q) = %q, want %q", c.lines, got, c.want)
		}
	}
}

func TestChooseFollowsTheUsualMethodThenTheFallback(t *testing.T) {
	full := Contact{Email: "ann@example.org", Phone: "021 234 5678", Address: []string{"12 Queen Street", "Auckland 1010"}, Country: "NZ"}
	fallback := []Channel{Email, SMS, Letter}

	if c := Choose(full, fallback, nil); c.Channel != Email || !strings.Contains(c.Why, "fallback") {
		t.Errorf("no preference: %+v", c)
	}
	pref := full
	pref.Prefers = Letter
	if c := Choose(pref, fallback, nil); c.Channel != Letter || !strings.Contains(c.Why, "usual method") {
		t.Errorf("usual method: %+v", c)
	}
	// The letter came back: the next channel in the fallback order.
	if c := Choose(pref, fallback, map[Channel]Status{Letter: Returned}); c.Channel != Email || !strings.Contains(c.Why, "letter returned") {
		t.Errorf("after a returned letter: %+v", c)
	}
	// A message still on its way is not a reason to move on.
	if c := Choose(full, fallback, map[Channel]Status{Email: Sent}); c.Channel != Email {
		t.Errorf("after a sent email: %+v", c)
	}
	broken := Contact{Email: "ann@localhost", Phone: "12", Country: "NZ"}
	if c := Choose(broken, fallback, nil); c.Channel != "" || !strings.Contains(c.Why, "no channel") {
		t.Errorf("nothing works: %+v", c)
	}
	if p := broken.Problems(); len(p) != 2 || p[0].Channel != Email || p[1].Channel != SMS {
		t.Errorf("problems: %+v", p)
	}
}
