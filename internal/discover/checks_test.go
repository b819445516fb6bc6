package discover

import "testing"

// The vectors of ../shared/reference/identifiers.md.
func TestCheckDigitVectors(t *testing.T) {
	cases := []struct {
		name    string
		check   func([]byte) bool
		valid   []string
		invalid []string
	}{
		{"TFN", auTFN, []string{"123456782", "876543210"}, []string{"123456783", "123456772", "12345678"}},
		{"Medicare", auMedicare, []string{"2123456701"}, []string{"2123456711", "1123456701", "7123456701"}},
		{"ABN", auABN, []string{"51824753556", "53004085616"}, []string{"51824753557", "01824753556"}},
		{"IRD", nzIRD, []string{"49091850", "35901981", "49098576", "136410132"}, []string{"136410133", "09091850", "49091851"}},
		{"NHI", nzNHI, []string{"JBX3656", "ZAC5361", "ZZZ0016", "ZBN77VL", "ZZZ00AC", "ZVB97XQ", "ZXE24NV"}, []string{"ZZZ0044", "DAB8233", "ZZZ00AX", "IBX3656", "JBX365"}},
		{"Luhn+issuer", func(d []byte) bool { return luhn(d) && cardIssuer(d) }, []string{"4111111111111111", "5555555555554444", "378282246310005"}, []string{"4111111111111112", "1234567812345670"}},
		{"IBAN", iban, []string{"GB82WEST12345698765432", "DE89370400440532013000"}, []string{"GB82WEST12345698765433", "XX82WEST12345698765432"}},
		{"SSN", usSSN, []string{"123456789", "536225231"}, []string{"000123456", "078051120", "219099999", "666123456", "912345678", "123006789", "123450000"}},
	}
	for _, c := range cases {
		for _, v := range c.valid {
			if !c.check([]byte(v)) {
				t.Errorf("%s %s should be valid", c.name, v)
			}
		}
		for _, v := range c.invalid {
			if c.check([]byte(v)) {
				t.Errorf("%s %s should be invalid", c.name, v)
			}
		}
	}
}

// NZ bank accounts: python-stdnum's and Inland Revenue's examples, and
// accounts of banks using algorithms D and F worked by hand.
func TestNZBankAccount(t *testing.T) {
	for _, c := range []struct {
		digits    string
		ok, known bool
	}{
		{"010242010019400", true, true},    // 01-0242-0100194-00 (python-stdnum)
		{"0102420100194000", true, true},   // the same with a three-digit suffix
		{"010902006838900", true, true},    // 01-0902-0068389-00 (IRD)
		{"010242010019500", false, true},   // one digit off
		{"0242420990008500", true, true},   // base from 0990000, algorithm B: 9x10 + 9x5 + 8x1 = 143
		{"0242420990009500", false, true},  // and one off
		{"086523100000400", true, true},    // D: 7x1 + 1x4 = 11
		{"2525011000009000", true, true},   // F: 1x1 + 1x9 = 10
		{"0900000001000006", true, true},   // E: 1x5 + 6x1 = 11, no product where the readings differ
		{"0900000001000007", false, true},  // and one off
		{"2626001000000009", true, true},   // G: 1x1 + 9x1 = 10
		{"2626000600000001", false, false}, // G with 6x3 = 18: 9 + 1 by adding digits, 0 + 1 modulo 9: not judged
		{"310000123456700", false, false},  // bank 31 (X): no check
		{"990000123456700", false, false},  // no such bank
		{"0102420100194", false, false},    // too short
	} {
		ok, known := nzBankAccount([]byte(c.digits))
		if ok != c.ok || known != c.known {
			t.Errorf("%s: ok %v known %v, want %v %v", c.digits, ok, known, c.ok, c.known)
		}
	}
}
