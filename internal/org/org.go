// Package org holds the organisation breachdesk works for: who it is, how
// to contact its privacy officer, and the laws it is subject to, which
// decide the clocks and obligations of every incident.
package org

import (
	"context"
	_ "embed"
	"net/mail"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/breachdesk/breachdesk/internal/fault"
)

// Organisation is set up on first run.
type Organisation struct {
	Name         string
	ContactName  string // the privacy officer staff and regulators contact
	ContactTitle string // their job title, which NotifyUs asks for
	ContactEmail string
	ContactPhone string
	NZBN         string
	ABN          string
	Sector       string
	// Industry is the ANZSIC 2006 division (a letter A-S), which NotifyUs
	// asks for as the industry classification.
	Industry string
	Laws     []string // regime ids of the facts schema
	TimeZone string   // IANA name; every time is shown and read in this zone
	// RetentionYears is how long an incident's record is kept after it
	// closes (default 7).
	RetentionYears int
	// PlanReviewMonths is how often the response plan must be reviewed or
	// tested before every page reminds the privacy officer (default 12).
	PlanReviewMonths int
	CreatedAt        time.Time
}

// Law is a law the organisation can declare, with its id from the facts
// schema and the group it is listed under.
type Law struct{ ID, Label, Group string }

// Laws the organisation can declare: every built-in regime of the law
// engine (a test checks the two lists agree). Declared laws replace the
// inference from where the affected people live, so a US state's law
// applies to a declaring organisation only when it is ticked too.
var Laws = []Law{
	{"nz_privacy_act", "New Zealand Privacy Act 2020", "Asia-Pacific"},
	{"au_ndb", "Australia Privacy Act 1988: Notifiable Data Breaches scheme", "Asia-Pacific"},
	{"vic_pdp", "Victoria Privacy and Data Protection Act 2014", "Asia-Pacific"},
	{"cn_pipl", "China: Personal Information Protection Law (PIPL), art 57", "Asia-Pacific"},
	{"hk_pdpo", "Hong Kong: Personal Data (Privacy) Ordinance (voluntary notification under the PCPD's guidance)", "Asia-Pacific"},
	{"id_pdp", "Indonesia: Personal Data Protection Law (UU PDP, Law 27/2022), art 46", "Asia-Pacific"},
	{"in_certin", "India: CERT-In Directions under the Information Technology Act 2000, s 70B", "Asia-Pacific"},
	{"in_dpdp", "India: Digital Personal Data Protection Act 2023, s 8(6), and DPDP Rules 2025, r 7", "Asia-Pacific"},
	{"jp_appi", "Japan: Act on the Protection of Personal Information (APPI), art 26", "Asia-Pacific"},
	{"kr_pipa", "South Korea: Personal Information Protection Act (PIPA), art 34", "Asia-Pacific"},
	{"my_pdpa", "Malaysia: Personal Data Protection Act 2010, s 12B", "Asia-Pacific"},
	{"ph_dpa", "Philippines: Data Privacy Act of 2012, s 20(f), and NPC Circular 16-03", "Asia-Pacific"},
	{"sg_pdpa", "Singapore: Personal Data Protection Act 2012, Part 6A", "Asia-Pacific"},
	{"th_pdpa", "Thailand: Personal Data Protection Act B.E. 2562 (2019), s 37(4)", "Asia-Pacific"},
	{"tw_pdpa", "Taiwan: Personal Data Protection Act, art 12", "Asia-Pacific"},
	{"vn_pdpl", "Vietnam: Law on Personal Data Protection (No. 91/2025/QH15) and Decree 356/2025", "Asia-Pacific"},
	{"eu_gdpr", "EU General Data Protection Regulation", "Europe"},
	{"uk_gdpr", "UK GDPR and Data Protection Act 2018", "Europe"},
	{"ch_fadp", "Switzerland: Federal Act on Data Protection (revFADP), art 24", "Europe"},
	{"eu_dora", "EU: Digital Operational Resilience Act (DORA), arts 17-19: major ICT-related incidents", "Europe"},
	{"eu_eprivacy", "EU: ePrivacy Directive art 4(3) and Regulation 611/2013 (electronic communications providers)", "Europe"},
	{"eu_nis2", "EU: NIS2 Directive (EU) 2022/2555, art 23: significant incidents", "Europe"},
	{"fr_lil", "France: health information system incidents (Code de la santé publique L.1111-8-2), beside the GDPR", "Europe"},
	{"tr_kvkk", "Türkiye: Law on the Protection of Personal Data No. 6698 (KVKK), art 12(5)", "Europe"},
	{"us_ftc_hbnr", "US FTC Health Breach Notification Rule (16 CFR Part 318)", "US federal"},
	{"us_glba", "US Gramm-Leach-Bliley Act Safeguards Rule: notice to the FTC (16 CFR § 314.4(j))", "US federal"},
	{"us_hipaa", "US HIPAA Breach Notification Rule (45 CFR §§ 164.400-414)", "US federal"},
	{"us_sec", "US SEC Form 8-K Item 1.05: material cybersecurity incidents", "US federal"},
	{"us_ak", "Alaska: Alaska Stat. §§ 45.48.010-45.48.090", "US states and territories"},
	{"us_al", "Alabama: Ala. Code §§ 8-38-1 to 8-38-12", "US states and territories"},
	{"us_ar", "Arkansas: Ark. Code §§ 4-110-101 to 4-110-108", "US states and territories"},
	{"us_az", "Arizona: Ariz. Rev. Stat. §§ 18-551, 18-552", "US states and territories"},
	{"us_ca", "California: Cal. Civ. Code § 1798.82", "US states and territories"},
	{"us_co", "Colorado: Colo. Rev. Stat. § 6-1-716", "US states and territories"},
	{"us_ct", "Connecticut: Conn. Gen. Stat. § 36a-701b", "US states and territories"},
	{"us_dc", "District of Columbia: D.C. Code §§ 28-3851 to 28-3853", "US states and territories"},
	{"us_de", "Delaware: Del. Code tit. 6, §§ 12B-100 to 12B-104", "US states and territories"},
	{"us_fl", "Florida: Fla. Stat. § 501.171", "US states and territories"},
	{"us_ga", "Georgia: O.C.G.A. §§ 10-1-910 to 10-1-912", "US states and territories"},
	{"us_gu", "Guam: 9 Guam Code Ann. §§ 48.10-48.80", "US states and territories"},
	{"us_hi", "Hawaii: Haw. Rev. Stat. §§ 487N-1 to 487N-4", "US states and territories"},
	{"us_ia", "Iowa: Iowa Code §§ 715C.1, 715C.2", "US states and territories"},
	{"us_id", "Idaho: Idaho Code §§ 28-51-104 to 28-51-107", "US states and territories"},
	{"us_il", "Illinois: 815 ILCS 530", "US states and territories"},
	{"us_in", "Indiana: Ind. Code §§ 24-4.9-2 to 24-4.9-4", "US states and territories"},
	{"us_ks", "Kansas: Kan. Stat. §§ 50-7a01, 50-7a02", "US states and territories"},
	{"us_ky", "Kentucky: Ky. Rev. Stat. § 365.732", "US states and territories"},
	{"us_la", "Louisiana: La. Rev. Stat. §§ 51:3071-3077; La. Admin. Code tit. 16, pt. III, § 701", "US states and territories"},
	{"us_ma", "Massachusetts: Mass. Gen. Laws ch. 93H", "US states and territories"},
	{"us_md", "Maryland: Md. Code, Com. Law §§ 14-3501 to 14-3508", "US states and territories"},
	{"us_me", "Maine: Me. Rev. Stat. tit. 10, §§ 1346-1350-B", "US states and territories"},
	{"us_mi", "Michigan: Mich. Comp. Laws §§ 445.63, 445.72", "US states and territories"},
	{"us_mn", "Minnesota: Minn. Stat. § 325E.61", "US states and territories"},
	{"us_mo", "Missouri: Mo. Rev. Stat. § 407.1500", "US states and territories"},
	{"us_ms", "Mississippi: Miss. Code § 75-24-29", "US states and territories"},
	{"us_mt", "Montana: Mont. Code §§ 30-14-1701 to 30-14-1705", "US states and territories"},
	{"us_nc", "North Carolina: N.C. Gen. Stat. §§ 75-61, 75-65", "US states and territories"},
	{"us_nd", "North Dakota: N.D. Cent. Code §§ 51-30-01 to 51-30-07", "US states and territories"},
	{"us_ne", "Nebraska: Neb. Rev. Stat. §§ 87-801 to 87-808", "US states and territories"},
	{"us_nh", "New Hampshire: N.H. Rev. Stat. §§ 359-C:19 to 359-C:21", "US states and territories"},
	{"us_nj", "New Jersey: N.J. Stat. §§ 56:8-161 to 56:8-166", "US states and territories"},
	{"us_nm", "New Mexico: N.M. Stat. §§ 57-12C-1 to 57-12C-12", "US states and territories"},
	{"us_nv", "Nevada: Nev. Rev. Stat. §§ 603A.010-603A.290", "US states and territories"},
	{"us_ny", "New York: N.Y. Gen. Bus. Law § 899-aa", "US states and territories"},
	{"us_oh", "Ohio: Ohio Rev. Code §§ 1349.19-1349.192", "US states and territories"},
	{"us_ok", "Oklahoma: Okla. Stat. tit. 24, §§ 161-166", "US states and territories"},
	{"us_or", "Oregon: Or. Rev. Stat. §§ 646A.600-646A.628", "US states and territories"},
	{"us_pa", "Pennsylvania: 73 Pa. Stat. §§ 2301-2330", "US states and territories"},
	{"us_pr", "Puerto Rico: P.R. Laws Ann. tit. 10, §§ 4051-4055", "US states and territories"},
	{"us_ri", "Rhode Island: R.I. Gen. Laws §§ 11-49.3-1 to 11-49.3-6", "US states and territories"},
	{"us_sc", "South Carolina: S.C. Code § 39-1-90", "US states and territories"},
	{"us_sd", "South Dakota: S.D. Codified Laws §§ 22-40-19 to 22-40-26", "US states and territories"},
	{"us_tn", "Tennessee: Tenn. Code § 47-18-2107", "US states and territories"},
	{"us_tx", "Texas: Tex. Bus. & Com. Code §§ 521.002, 521.053", "US states and territories"},
	{"us_ut", "Utah: Utah Code §§ 13-44-101 to 13-44-301", "US states and territories"},
	{"us_va", "Virginia: Va. Code § 18.2-186.6", "US states and territories"},
	{"us_vi", "US Virgin Islands: V.I. Code tit. 14, §§ 2208-2209", "US states and territories"},
	{"us_vt", "Vermont: Vt. Stat. tit. 9, §§ 2430, 2435", "US states and territories"},
	{"us_wa", "Washington: Wash. Rev. Code §§ 19.255.005-19.255.040", "US states and territories"},
	{"us_wi", "Wisconsin: Wis. Stat. § 134.98", "US states and territories"},
	{"us_wv", "West Virginia: W. Va. Code §§ 46A-2A-101 to 46A-2A-105", "US states and territories"},
	{"us_wy", "Wyoming: Wyo. Stat. §§ 40-12-501, 40-12-502", "US states and territories"},
	{"ca_ab", "Alberta: Personal Information Protection Act, ss 34.1, 37.1", "Canada"},
	{"ca_pipeda", "Canada: Personal Information Protection and Electronic Documents Act (PIPEDA), ss 10.1-10.3", "Canada"},
	{"ca_qc", "Quebec: Act respecting the protection of personal information in the private sector (Law 25), ss 3.5-3.8", "Canada"},
	{"br_lgpd", "Brazil: Lei Geral de Proteção de Dados (LGPD), art 48, and ANPD Resolution 15/2024", "Latin America"},
	{"cl_ley21719", "Chile: Law 19.628 as amended by Law 21.719, art 14 sexies (from 2026-12-01)", "Latin America"},
	{"co_ley1581", "Colombia: Statutory Law 1581 of 2012, arts 17(n) and 18(k)", "Latin America"},
	{"mx_lfpdppp", "Mexico: Federal Law on the Protection of Personal Data Held by Private Parties (LFPDPPP)", "Latin America"},
	{"ae_adgm", "UAE, ADGM: Data Protection Regulations 2021, ss 32-33", "Middle East"},
	{"ae_difc", "UAE, DIFC: Data Protection Law (DIFC Law No. 5 of 2020), arts 41-42", "Middle East"},
	{"ae_pdpl", "UAE: Federal Decree-Law No. 45 of 2021 on the Protection of Personal Data, art 9", "Middle East"},
	{"il_ppl", "Israel: Protection of Privacy Law and Data Security Regulations, reg 11", "Middle East"},
	{"sa_pdpl", "Saudi Arabia: Personal Data Protection Law, art 20, and Implementing Regulation, art 24", "Middle East"},
	{"ke_dpa", "Kenya: Data Protection Act 2019, s 43", "Africa"},
	{"ng_ndpa", "Nigeria: Data Protection Act 2023, s 40", "Africa"},
	{"za_popia", "South Africa: Protection of Personal Information Act (POPIA), s 22", "Africa"},
}

// LawGroup is one heading of the list of laws. Open groups are shown
// unfolded: those of the laws breachdesk started with (New Zealand,
// Australia, Victoria, the GDPR and the UK GDPR).
type LawGroup struct {
	Name string
	Laws []Law
	Open bool
}

// LawGroups is Laws under their headings, in order.
func LawGroups() []LawGroup {
	var out []LawGroup
	for _, l := range Laws {
		if len(out) == 0 || out[len(out)-1].Name != l.Group {
			out = append(out, LawGroup{Name: l.Group, Open: l.Group == "Asia-Pacific" || l.Group == "Europe"})
		}
		out[len(out)-1].Laws = append(out[len(out)-1].Laws, l)
	}
	return out
}

// Sectors offered at setup (NotifyUs asks for the sector).
var Sectors = []string{"Private sector", "Public sector", "Health", "Education", "Not-for-profit", "Financial services", "Other"}

// Industries are the divisions of the Australian and New Zealand Standard
// Industrial Classification (ANZSIC) 2006, the industry classification
// NotifyUs asks for.
var Industries = []struct{ Code, Label string }{
	{"A", "Agriculture, Forestry and Fishing"}, {"B", "Mining"}, {"C", "Manufacturing"},
	{"D", "Electricity, Gas, Water and Waste Services"}, {"E", "Construction"}, {"F", "Wholesale Trade"},
	{"G", "Retail Trade"}, {"H", "Accommodation and Food Services"}, {"I", "Transport, Postal and Warehousing"},
	{"J", "Information Media and Telecommunications"}, {"K", "Financial and Insurance Services"},
	{"L", "Rental, Hiring and Real Estate Services"}, {"M", "Professional, Scientific and Technical Services"},
	{"N", "Administrative and Support Services"}, {"O", "Public Administration and Safety"},
	{"P", "Education and Training"}, {"Q", "Health Care and Social Assistance"}, {"R", "Arts and Recreation Services"},
	{"S", "Other Services"},
}

// IndustryLabel is the ANZSIC 2006 division named by code, with its
// letter, e.g. "Q Health Care and Social Assistance"; empty when unknown.
func IndustryLabel(code string) string {
	for _, in := range Industries {
		if in.Code == code {
			return in.Code + " " + in.Label
		}
	}
	return ""
}

// DefaultRetentionYears is how long a record is kept when nobody has said.
const DefaultRetentionYears = 7

// Retention is how many years records are kept after closing.
func (o Organisation) Retention() int {
	if o.RetentionYears > 0 {
		return o.RetentionYears
	}
	return DefaultRetentionYears
}

var digits = regexp.MustCompile(`^[0-9 ]+$`)

// Location returns the organisation's time zone, UTC when unknown.
func (o Organisation) Location() *time.Location {
	if o.TimeZone == "" {
		return time.UTC
	}
	// Pages format every time they show in the organisation's zone:
	// reading the zone database each time cost more than the page's
	// queries.
	if loc, ok := zones.Load(o.TimeZone); ok {
		return loc.(*time.Location)
	}
	loc, err := time.LoadLocation(o.TimeZone)
	if err != nil {
		return time.UTC
	}
	zones.Store(o.TimeZone, loc)
	return loc
}

// zones caches the time zones loaded, by name.
var zones sync.Map

// Validate checks the setup answers and normalises them.
func (o *Organisation) Validate() error {
	f := fault.Fields{}
	o.Name = strings.TrimSpace(o.Name)
	if o.Name == "" || len(o.Name) > 200 {
		f.Add("name", "Give the organisation's name (up to 200 characters).")
	}
	o.ContactName, o.ContactTitle = strings.TrimSpace(o.ContactName), strings.TrimSpace(o.ContactTitle)
	if o.ContactName == "" || len(o.ContactName) > 200 {
		f.Add("contact_name", "Name the privacy officer or contact person.")
	}
	if len(o.ContactTitle) > 200 {
		f.Add("contact_title", "Keep the job title under 200 characters.")
	}
	if o.Industry != "" && IndustryLabel(o.Industry) == "" {
		f.Add("industry", "Choose an ANZSIC 2006 division from the list.")
	}
	if o.RetentionYears < 0 || o.RetentionYears > 100 {
		f.Add("retention_years", "Keep records for between 1 and 100 years.")
	}
	if _, err := mail.ParseAddress(o.ContactEmail); err != nil {
		f.Add("contact_email", "Give an email address such as privacy@example.org.")
	}
	if o.NZBN != "" && (!digits.MatchString(o.NZBN) || len(strings.ReplaceAll(o.NZBN, " ", "")) != 13) {
		f.Add("nzbn", "An NZBN has 13 digits.")
	}
	if o.ABN != "" && (!digits.MatchString(o.ABN) || len(strings.ReplaceAll(o.ABN, " ", "")) != 11) {
		f.Add("abn", "An ABN has 11 digits.")
	}
	for _, l := range o.Laws {
		known := false
		for _, k := range Laws {
			known = known || k.ID == l
		}
		if !known {
			f.Add("laws", "Unknown law: "+l+".")
		}
	}
	if o.TimeZone == "" {
		o.TimeZone = "UTC"
	}
	if _, err := time.LoadLocation(o.TimeZone); err != nil || (o.TimeZone != "UTC" && !strings.Contains(o.TimeZone, "/")) {
		f.Add("time_zone", "Choose a time zone from the list, such as Pacific/Auckland or Australia/Melbourne.")
	}
	return f.Err()
}

// Store keeps the one organisation.
type Store interface {
	// Organisation returns the organisation, or a NotFound error before setup.
	Organisation(ctx context.Context) (Organisation, error)
	SaveOrganisation(ctx context.Context, by int64, o Organisation) error
}

//go:embed zones.txt
var zonesText string

// TimeZones are the IANA time zones settings offer: UTC, then those of
// every country in the tz database's zone.tab, by name.
var TimeZones = func() []string {
	var out []string
	for _, l := range strings.Split(zonesText, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return out
}()
