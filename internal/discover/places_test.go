package discover

import "testing"

// Addresses are placed in their country and, where they give a state
// or province with its postcode (or with the country), in its ISO
// 3166-2 subdivision; emails in the country their domain names.
func TestPlaces(t *testing.T) {
	for addr, want := range map[string]string{
		"12 High St, Dunedin 9016, New Zealand":           "NZ-OTA",
		"3/40 Queen Street, Auckland 1010":                "NZ-AUK",
		"4 George St, Sydney NSW 2000":                    "AU-NSW",
		"4 George St, Sydney NSW":                         "", // a state without a postcode says too little
		"88 Collins St, Melbourne Vic 3000":               "AU-VIC",
		"1 Hay St, Perth WA 6000":                         "AU-WA",
		"1 Pine St, Seattle, WA 98101":                    "US-WA",
		"350 Fifth Avenue, New York, NY 10118-0110":       "US-NY",
		"1600 Amphitheatre Pkwy, Mountain View, CA 94043": "US-CA",
		"1 Main St, Springfield, Illinois 62701":          "US-IL",
		"1000 Rue Sherbrooke, Montréal, QC H3A 3G4":       "CA-QC",
		"100 Queen St W, Toronto, ON M5H2N2":              "CA-ON",
		"200 Bourke St, Melbourne, Victoria, Australia":   "AU-VIC",
		"10 Downing St, London, United Kingdom":           "GB",
		"10 Downing St, London SW1A 2AA":                  "GB",
		"1 Princes St, Edinburgh, Scotland":               "GB-SCT",
		"5 Pitt St, Sydney, New South Wales 2000":         "AU-NSW",
		"1 Zealand Rd, Hamilton":                          "",
		"12 Victoria Avenue":                              "", // a state's name as a street's is not the state
		"9 Main Rd, Hamilton 3204":                        "NZ-WKO",
		"12 Smith St, Hamilton VIC 3300":                  "AU-VIC",
		"Wellington 6011, USA":                            "US", // the country named wins over a place it contradicts
		"123 Marine Corps Dr, Tamuning, GU 96913":         "US-GU",
		"5 Main St, Charlotte Amalie, VI 00802":           "US-VI",
		"Suite VI, 10 King St":                            "", // a Roman numeral is not the Virgin Islands
	} {
		if got := placeOf(addr); got != want {
			t.Errorf("placeOf(%q) = %q, want %q", addr, got, want)
		}
	}
	for domain, want := range map[string]string{
		"example.co.nz": "NZ", "example.com.au": "AU", "council.gov.uk": "GB", "example.de": "DE", "uni.ac.nz": "NZ",
		"example.com": "", "example.org": "", "startup.io": "", "example.co": "", "brand.tv": "", "example.x1": "",
	} {
		if got := emailCountry([]byte(domain)); got != want {
			t.Errorf("emailCountry(%q) = %q, want %q", domain, got, want)
		}
	}
	for v, want := range map[string]string{"NZ": "NZ", "nz": "NZ", "UK": "GB", "New Zealand": "NZ", "Australia": "AU", "XX": "", "Mars": "", " nz ": "NZ", "U1": ""} {
		if got := countryColumn([]byte(v)); got != want {
			t.Errorf("countryColumn(%q) = %q, want %q", v, got, want)
		}
	}
}
