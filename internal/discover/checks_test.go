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
