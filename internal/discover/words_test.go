package discover

import "testing"

func TestWordTables(t *testing.T) {
	bit := func(ty Type) uint32 { return 1 << uint(ty.index()) }
	for _, c := range []struct {
		text string
		want uint32
	}{
		{"Tax File Number: ", bit(AUTFN)},
		{"your IRD number is ", bit(NZIRD)},
		{"D.O.B. ", bit(DateOfBirth)},
		{"national health index ", bit(NZNHI)},
		{"card ending ", bit(CreditCard)},
		{"IRD 49-091-850, batch ", bit(NZIRD) | otherBit | nearOtherBit},
		{"batch 12 for IRD ", bit(NZIRD) | otherBit},
		{"cardholder taxfile ", 0}, // words are whole words, not prefixes
		{"", 0},
	} {
		if got := contextMask([]byte(c.text+"123"), len(c.text)); got != c.want {
			t.Errorf("contextMask(%q) = %#x, want %#x", c.text, got, c.want)
		}
	}
	for text, want := range map[string]string{
		"Dx: Type 2 DIABETES, stable": "diabetes",
		"referred to Mental Health":   "mental health",
		"mental note; healthy":        "",
		"hivemind":                    "",
	} {
		if got := healthTerm([]byte(text)); got != want {
			t.Errorf("healthTerm(%q) = %q, want %q", text, got, want)
		}
	}
	for addr, want := range map[string]string{
		"12 High St, Dunedin 9016, New Zealand": "NZ",
		"4 George St, Sydney NSW 2000":          "AU",
		"4 George St, Sydney NSW":               "", // a state without a postcode says too little
		"10 Downing St, London, United Kingdom": "GB",
		"1 Zealand Rd, Hamilton":                "",
	} {
		if got := addressCountry(addr); got != want {
			t.Errorf("addressCountry(%q) = %q, want %q", addr, got, want)
		}
	}
}
