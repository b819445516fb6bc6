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
}

// BenchmarkHealthTermFields looks for medical terms in the fields of an
// orders export's row, as every record that names someone is searched.
func BenchmarkHealthTermFields(b *testing.B) {
	vals := [][]byte{[]byte("122332052"), []byte("2026-03-11 18:32:31"), []byte("paid"), []byte("SKU-427298"), []byte("4"), []byte("120.12"), []byte("480.16"), []byte("NZD"), []byte("CourierPost"), []byte("583885911190")}
	for range b.N {
		for _, v := range vals {
			healthTerm(v)
		}
	}
}

// TestIsAlphaAllBytes checks the folded test against the plain one.
func TestIsAlphaAllBytes(t *testing.T) {
	for c := 0; c < 256; c++ {
		want := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		if isAlpha(byte(c)) != want {
			t.Fatalf("isAlpha(%#x) = %v", c, !want)
		}
	}
}
