package law

import "strings"

// shortNames are the names of the built-in regimes short enough for a
// clock or a table column.
var shortNames = map[string]string{
	"eu_gdpr": "GDPR", "uk_gdpr": "UK GDPR", "au_ndb": "AU", "nz_privacy_act": "NZ", "vic_pdp": "VIC",
	"us_hipaa": "HIPAA", "us_glba": "GLBA", "us_ftc_hbnr": "FTC HBNR", "us_sec": "SEC 8-K",
	"ca_pipeda": "PIPEDA", "ca_qc": "Quebec", "ca_ab": "Alberta PIPA",
	"sg_pdpa": "Singapore PDPA", "jp_appi": "Japan APPI", "kr_pipa": "Korea PIPA", "ph_dpa": "Philippines DPA",
	"in_dpdp": "India DPDP", "in_certin": "CERT-In", "hk_pdpo": "Hong Kong PDPO", "cn_pipl": "China PIPL",
	"th_pdpa": "Thailand PDPA", "id_pdp": "Indonesia PDP", "vn_pdpl": "Vietnam PDPL", "my_pdpa": "Malaysia PDPA", "tw_pdpa": "Taiwan PDPA",
	"br_lgpd": "Brazil LGPD", "mx_lfpdppp": "Mexico LFPDPPP", "co_ley1581": "Colombia", "cl_ley21719": "Chile",
	"za_popia": "POPIA", "ng_ndpa": "Nigeria NDPA", "ke_dpa": "Kenya DPA",
	"ch_fadp": "Swiss FADP", "il_ppl": "Israel", "ae_difc": "DIFC", "ae_adgm": "ADGM", "ae_pdpl": "UAE PDPL",
	"sa_pdpl": "Saudi PDPL", "tr_kvkk": "KVKK",
	"eu_eprivacy": "ePrivacy", "eu_nis2": "NIS2", "eu_dora": "DORA", "fr_lil": "France health IS",
}

// ShortName is a short name for a regime id: a US state's is its ISO
// 3166-2 code (US-CA); an unknown id (an organisation's own pack) is
// itself.
func ShortName(regime string) string {
	if s, ok := shortNames[regime]; ok {
		return s
	}
	if code, ok := strings.CutPrefix(regime, "us_"); ok && len(code) == 2 {
		return "US-" + strings.ToUpper(code)
	}
	return regime
}
