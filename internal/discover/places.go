package discover

import (
	"strings"
)

// Where people live, for the jurisdiction of each person: the country
// and, when an address gives a state or province, its ISO 3166-2 code
// ("AU-VIC", "US-CA", "CA-QC"); and the country an email's domain
// names (".co.nz", ".com.au", ".gov.uk"), weaker evidence than an
// address or a phone.

// postKind is the postcode that places a subdivision: Australia's and
// New Zealand's four digits, a US ZIP code, a Canadian postal code.
type postKind uint8

const (
	postNone postKind = iota
	post4
	postZIP
	postCanada
)

// placeName is what a name or code in an address stands for.
type placeName struct {
	code string   // "NZ", "AU-VIC"
	post postKind // the postcode that confirms a subdivision
}

// Subdivisions by their codes as addresses write them (in capitals) and
// by their names (lower-case, as many words as they have).
var (
	subdivisionCodes = map[string][]placeName{}
	placeNames       = map[string][]placeName{}
	maxPlaceWords    = 4
	// placeFirst is, by the first word of the names in placeNames, the
	// numbers of words of those names (bit n for n words): an address's
	// word that starts none is looked up once, not once per length.
	placeFirst = map[string]uint8{}
)

func init() {
	for _, c := range []struct{ names, code string }{
		{"new zealand|aotearoa|nz", "NZ"}, {"australia", "AU"}, {"united kingdom|great britain|uk|gb", "GB"}, {"ireland|eire", "IE"},
		{"united states|united states of america|usa|us", "US"}, {"canada", "CA"}, {"germany|deutschland", "DE"}, {"france", "FR"},
		{"netherlands|the netherlands", "NL"}, {"singapore", "SG"}, {"india", "IN"}, {"south africa", "ZA"}, {"philippines", "PH"},
		{"fiji", "FJ"}, {"samoa", "WS"}, {"tonga", "TO"}, {"cook islands", "CK"}, {"china", "CN"}, {"japan", "JP"}, {"malaysia", "MY"},
		{"hong kong", "HK"}, {"spain", "ES"}, {"italy", "IT"}, {"sweden", "SE"}, {"norway", "NO"}, {"denmark", "DK"},
		{"england", "GB-ENG"}, {"scotland", "GB-SCT"}, {"wales", "GB-WLS"}, {"northern ireland", "GB-NIR"},
	} {
		for _, n := range strings.Split(c.names, "|") {
			placeNames[n] = append(placeNames[n], placeName{code: c.code})
		}
	}
	add := func(country string, post postKind, list string) {
		for _, e := range strings.Split(list, ";") {
			code, names, _ := strings.Cut(e, "=")
			p := placeName{code: country + "-" + code, post: post}
			subdivisionCodes[code] = append(subdivisionCodes[code], p)
			for _, n := range strings.Split(names, "|") {
				placeNames[n] = append(placeNames[n], p)
			}
		}
	}
	add("AU", post4, "NSW=new south wales;VIC=victoria;QLD=queensland;WA=western australia;SA=south australia;TAS=tasmania;"+
		"ACT=australian capital territory;NT=northern territory")
	add("US", postZIP, "AL=alabama;AK=alaska;AZ=arizona;AR=arkansas;CA=california;CO=colorado;CT=connecticut;DE=delaware;"+
		"FL=florida;GA=georgia;HI=hawaii;ID=idaho;IL=illinois;IN=indiana;IA=iowa;KS=kansas;KY=kentucky;LA=louisiana;ME=maine;"+
		"MD=maryland;MA=massachusetts;MI=michigan;MN=minnesota;MS=mississippi;MO=missouri;MT=montana;NE=nebraska;NV=nevada;"+
		"NH=new hampshire;NJ=new jersey;NM=new mexico;NY=new york;NC=north carolina;ND=north dakota;OH=ohio;OK=oklahoma;"+
		"OR=oregon;PA=pennsylvania;RI=rhode island;SC=south carolina;SD=south dakota;TN=tennessee;TX=texas;UT=utah;VT=vermont;"+
		"VA=virginia;WA=washington;WV=west virginia;WI=wisconsin;WY=wyoming;DC=district of columbia;PR=puerto rico;GU=guam;VI=us virgin islands|united states virgin islands")
	add("CA", postCanada, "AB=alberta;BC=british columbia;MB=manitoba;NB=new brunswick;NL=newfoundland and labrador|newfoundland;"+
		"NS=nova scotia;NT=northwest territories;NU=nunavut;ON=ontario;PE=prince edward island;QC=quebec|québec;SK=saskatchewan;YT=yukon")
	// New Zealand's regions, and the cities that name them, are written
	// without a code: "Auckland 1010".
	for _, e := range strings.Split("AUK=auckland|manukau|north shore;WGN=wellington|lower hutt|upper hutt|porirua;"+
		"CAN=canterbury|christchurch|timaru;OTA=otago|dunedin|queenstown;WKO=waikato|hamilton|taupo;BOP=bay of plenty|tauranga|rotorua;"+
		"HKB=hawke's bay|hawkes bay|napier|hastings;MWT=manawatu-whanganui|manawatu|palmerston north|whanganui;TKI=taranaki|new plymouth;"+
		"NTL=northland|whangarei;STL=southland|invercargill;GIS=gisborne;MBH=marlborough|blenheim;NSN=nelson;TAS=tasman;WTC=west coast|greymouth", ";") {
		code, names, _ := strings.Cut(e, "=")
		for _, n := range strings.Split(names, "|") {
			placeNames[n] = append(placeNames[n], placeName{code: "NZ-" + code, post: post4})
		}
	}
	for n := range placeNames {
		first, _, _ := strings.Cut(n, " ")
		placeFirst[first] |= 1 << (strings.Count(n, " ") + 1)
	}
}

// placeToken is a word or number of an address: s[start:end].
type placeToken struct {
	start, end int
	alpha      bool // letters only
}

// maxPlaceTokens is how many words and numbers of an address are read.
const maxPlaceTokens = 48

// placeTokens splits an address into words and numbers.
func placeTokens(s []byte, out *[maxPlaceTokens]placeToken) []placeToken {
	t := out[:0]
	for i := 0; i < len(s) && len(t) < maxPlaceTokens; {
		c := s[i]
		if !(isAlpha(c) || isDigit(c) || c >= 0x80) {
			i++
			continue
		}
		j, alpha := i, true
		for j < len(s) && (isAlpha(s[j]) || isDigit(s[j]) || s[j] >= 0x80 || s[j] == '\'' && j+1 < len(s) && isAlpha(s[j+1])) {
			alpha = alpha && !isDigit(s[j])
			j++
		}
		t = append(t, placeToken{start: i, end: j, alpha: alpha})
		i = j
	}
	return t
}

// postAt says which postcode the tokens at i start with.
func postAt(s []byte, t []placeToken, i int) postKind {
	if i >= len(t) {
		return postNone
	}
	w := s[t[i].start:t[i].end]
	switch {
	case len(w) == 4 && allDigits(w):
		return post4
	case len(w) == 5 && allDigits(w):
		return postZIP
	case len(w) == 3 && canadaHalf(w, true) && i+1 < len(t) && t[i+1].end-t[i+1].start == 3 && canadaHalf(s[t[i+1].start:t[i+1].end], false):
		return postCanada
	case len(w) == 6 && canadaHalf(w[:3], true) && canadaHalf(w[3:], false):
		return postCanada
	}
	return postNone
}

// canadaHalf is half a Canadian postal code: A1A (first) or 1A1.
func canadaHalf(w []byte, first bool) bool {
	if first {
		return isUpper(w[0]) && isDigit(w[1]) && isUpper(w[2])
	}
	return isDigit(w[0]) && isUpper(w[1]) && isDigit(w[2])
}

// ukPostcode says whether the tokens at i are a UK postcode: "SW1A 1AA",
// "M1 1AE", "EH1 2NG".
func ukPostcode(s []byte, t []placeToken, i int) bool {
	if i+1 >= len(t) {
		return false
	}
	out, in := s[t[i].start:t[i].end], s[t[i+1].start:t[i+1].end]
	if len(out) < 2 || len(out) > 4 || len(in) != 3 || !isDigit(in[0]) || !isUpper(in[1]) || !isUpper(in[2]) || !isUpper(out[0]) {
		return false
	}
	k := 1
	if isUpper(out[1]) {
		k = 2
	}
	if k >= len(out) || !isDigit(out[k]) {
		return false
	}
	for _, c := range out[k+1:] {
		if !isDigit(c) && !isUpper(c) {
			return false
		}
	}
	return true
}

func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }

// placeOf is where an address (or a record's address, city, state,
// postcode and country columns, joined) places someone: an ISO 3166-2
// subdivision when a state or province is written with its postcode (or
// with its country), else a country named in it or told by its
// postcode's shape; "" when it does not say. It allocates nothing.
func placeOf[T string | []byte](addr T) string {
	s := []byte(addr)
	var toks [maxPlaceTokens]placeToken
	t := placeTokens(s, &toks)
	country, sub, uk := "", "", false
	var subs [4]placeName // subdivisions named without a postcode
	nsubs := 0
	var key [64]byte
	for i := 0; i < len(t); i++ {
		w := s[t[i].start:t[i].end]
		if !t[i].alpha {
			uk = uk || ukPostcode(s, t, i)
			continue
		}
		// A code in capitals before its postcode: "VIC 3000", "CA 94105",
		// "QC H3A 3G4"; Australians also write "Vic 3000".
		if len(w) <= 3 {
			code := key[:0]
			for _, c := range w {
				code = append(code, c&^0x20)
			}
			if len(w) == 3 || string(code) == string(w) {
				post := postAt(s, t, i+1)
				for _, c := range subdivisionCodes[string(code)] {
					if c.post == post && sub == "" {
						sub = c.code
					}
				}
			}
		}
		// Names, longest first: "new south wales" before "wales".
		first := key[:0]
		for _, c := range w[:min(len(w), len(key))] {
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			first = append(first, c)
		}
		lengths := uint8(0)
		if len(w) <= len(key) {
			lengths = placeFirst[string(first)]
		}
		for n := min(maxPlaceWords, len(t)-i); n >= 1 && lengths != 0; n-- {
			if lengths&(1<<n) == 0 {
				continue
			}
			name, ok := key[:0], true
			for k := i; k < i+n && ok; k++ {
				if ok = t[k].alpha && len(name)+t[k].end-t[k].start+1 <= len(key); !ok {
					break
				}
				if k > i {
					name = append(name, ' ')
				}
				for _, c := range s[t[k].start:t[k].end] {
					if c >= 'A' && c <= 'Z' {
						c += 'a' - 'A'
					}
					name = append(name, c)
				}
			}
			if !ok {
				continue
			}
			cands, found := placeNames[string(name)]
			if !found {
				continue
			}
			post := postAt(s, t, i+n)
			for _, c := range cands {
				switch {
				case c.post == postNone && len(c.code) == 2:
					if country == "" && (n > 1 || len(w) > 2 || isUpper(w[1])) {
						country = c.code // "NZ", "US" in capitals only
					}
				case c.post == postNone:
					if sub == "" {
						sub = c.code // England, Scotland...
					}
				case c.post == post && sub == "":
					sub = c.code
				case nsubs < len(subs):
					subs[nsubs] = c
					nsubs++
				}
			}
			i += n - 1
			break
		}
	}
	if sub == "" && country != "" {
		// "Melbourne, Victoria, Australia": a state named with its country.
		for _, c := range subs[:nsubs] {
			if c.code[:2] == country {
				sub = c.code
				break
			}
		}
	}
	switch {
	case sub != "" && (country == "" || country == sub[:2]):
		return sub
	case country != "":
		return country
	case uk:
		return "GB"
	}
	return ""
}

// countryColumn is the country a country column's value names: an ISO
// 3166 code ("NZ", "nz") or a name ("New Zealand").
func countryColumn(v []byte) string {
	v = trimSpace(v)
	if len(v) == 2 && isAlpha(v[0]) && isAlpha(v[1]) {
		if v[0]|0x20 == 'u' && v[1]|0x20 == 'k' {
			return "GB"
		}
		return countryCode(v[0], v[1])
	}
	if p := placeOf(v); len(p) >= 2 {
		return p[:2]
	}
	return ""
}

// isoCodes holds the ISO 3166-1 codes by their letters, as strings
// cut from isoCountries, so that finding one allocates nothing.
var isoCodes = func() (t [26][26]string) {
	for k := 0; k+2 <= len(isoCountries); k += 3 {
		t[isoCountries[k]-'A'][isoCountries[k+1]-'A'] = isoCountries[k : k+2]
	}
	return t
}()

// countryCode is the ISO 3166-1 code of two ASCII letters in either
// case, "" when they are not one.
func countryCode(a, b byte) string {
	a, b = a|0x20-'a', b|0x20-'a'
	if a >= 26 || b >= 26 {
		return ""
	}
	return isoCodes[a][b]
}

// isoCountries are the ISO 3166-1 alpha-2 codes, each followed by a space.
const isoCountries = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ " +
	"CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR " +
	"GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP " +
	"KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT " +
	"MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW " +
	"SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG " +
	"UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW "

// genericDomains are country domains sold for other uses (.io, .co,
// .me, .tv, .ai...): an address under them says nothing of where its
// owner lives.
const genericDomains = "io co me tv ai ly fm am to ws cc gg sh ac ag bz gd gl gs im ms nu tk ml ga cf gq la lc mn mu pw sc so st vc vg cx cd dj gy je ps tl "

// emailCountry is the country an email's domain names, "" for generic
// domains (.com, .org) and country domains used as generic ones.
func emailCountry(domain []byte) string {
	k := len(domain) - 1
	for k >= 0 && domain[k] != '.' {
		k--
	}
	tld := domain[k+1:]
	if len(tld) != 2 || !isAlpha(tld[0]) || !isAlpha(tld[1]) {
		return ""
	}
	lower := [3]byte{tld[0] | 0x20, tld[1] | 0x20, ' '}
	if strings.Contains(genericDomains, string(lower[:])) {
		return ""
	}
	if lower[0] == 'u' && lower[1] == 'k' {
		return "GB"
	}
	return countryCode(lower[0], lower[1])
}

// splitPlace is a place's country and subdivision: "AU-VIC" is AU and
// AU-VIC, "NZ" is NZ alone.
func splitPlace(p string) (country, sub string) {
	if len(p) > 2 {
		return p[:2], p
	}
	return p, ""
}
