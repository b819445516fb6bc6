package law

import (
	"fmt"
	"sort"
	"strings"

	"github.com/breachdesk/breachdesk/internal/facts"
)

// eea are the EU and EEA member states, where GDPR protects residents.
var eea = map[string]bool{"EU": true, "AT": true, "BE": true, "BG": true, "HR": true, "CY": true, "CZ": true, "DK": true, "EE": true,
	"FI": true, "FR": true, "DE": true, "GR": true, "IE": true, "IT": true, "LV": true, "LT": true, "LU": true, "MT": true, "NL": true,
	"PL": true, "PT": true, "RO": true, "SK": true, "SI": true, "ES": true, "SE": true, "IS": true, "LI": true, "NO": true}

// regimeFor maps where a person lives to the law that protects them.
func regimeFor(code string) string {
	country, _, _ := strings.Cut(strings.ToUpper(code), "-")
	switch {
	case country == "NZ":
		return "nz_privacy_act"
	case country == "AU":
		return "au_ndb"
	case country == "GB":
		return "uk_gdpr"
	case eea[country]:
		return "eu_gdpr"
	}
	return ""
}

// applicable decides which packs apply and says why. The organisation's
// declared laws win; otherwise they are inferred from where the people
// live; with neither, every regime is shown and the answer says so.
func (r *Rules) applicable(f *facts.Facts) ([]*Pack, []Applies, bool) {
	byID := map[string]*Pack{}
	for _, p := range r.Packs {
		byID[p.Regime] = p
	}
	reasons := map[string]string{}
	var order []string
	add := func(id, why string) {
		if _, ok := byID[id]; !ok {
			return
		}
		if _, ok := reasons[id]; !ok {
			order = append(order, id)
		}
		reasons[id] = why
	}
	unknown := false
	switch {
	case f.Organisation != nil && len(f.Organisation.SubjectTo) > 0:
		for _, id := range f.Organisation.SubjectTo {
			add(id, "The organisation is subject to it (organisation.subject_to).")
		}
	case f.People != nil && len(f.People.ByJurisdiction) > 0:
		counts := map[string]int64{}
		places := map[string][]string{}
		for code, n := range f.People.ByJurisdiction {
			if id := regimeFor(code); id != "" && n > 0 {
				counts[id] += n
				places[id] = append(places[id], code)
			}
		}
		for id, n := range counts {
			sort.Strings(places[id])
			add(id, fmt.Sprintf("Inferred because organisation.subject_to is not given: %d affected people live in %s (people.by_jurisdiction). Confirm the organisation is subject to it.", n, strings.Join(places[id], ", ")))
		}
		sort.Strings(order)
	default:
		unknown = true
		for _, p := range r.Packs {
			if !p.Always {
				add(p.Regime, "Neither organisation.subject_to nor people.by_jurisdiction is given, so every regime is shown; give them to narrow the answer.")
			}
		}
	}
	// A Victorian public sector body is under the NDB scheme for tax file
	// number information only (seed 001, Part 2).
	if _, vic := reasons["vic_pdp"]; vic && f.Organisation != nil && isTrue(f.Organisation.IsTFNRecipient) && f.Data != nil && contains(f.Data.Categories, "tax_file_number") {
		if _, ndb := reasons["au_ndb"]; !ndb {
			add("au_ndb", "The organisation is a tax file number recipient and TFN information is involved, so the NDB scheme applies to it (Privacy Act 1988 (Cth) s 26WE; seed 001 Part 2).")
		}
	}
	for _, p := range r.Packs {
		if p.Always {
			add(p.Regime, "The organisation's own policy: it applies to every breach.")
		}
	}
	var packs []*Pack
	var notes []Applies
	for _, id := range order {
		p := byID[id]
		packs = append(packs, p)
		notes = append(notes, Applies{Regime: id, Title: p.Title, Regulator: p.Regulator, Reason: reasons[id]})
	}
	if notes == nil {
		notes = []Applies{}
	}
	return packs, notes, unknown
}
