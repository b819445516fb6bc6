package law

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/breachdesk/breachdesk/internal/facts"
)

// eea are the EU and EEA member states, where the GDPR protects residents.
var eea = map[string]bool{"AT": true, "BE": true, "BG": true, "HR": true, "CY": true, "CZ": true, "DK": true, "EE": true,
	"FI": true, "FR": true, "DE": true, "GR": true, "IE": true, "IT": true, "LV": true, "LT": true, "LU": true, "MT": true, "NL": true,
	"PL": true, "PT": true, "RO": true, "SK": true, "SI": true, "ES": true, "SE": true, "IS": true, "LI": true, "NO": true}

// applicable decides which packs apply and says why. The organisation's
// declared laws win; otherwise they are inferred from where the people
// live, from the places each pack protects; with neither, every regime
// that does not turn on residence alone is shown and the answer says so.
// The notes say what could not be considered.
// Pack is the loaded pack of a regime, or nil.
func (r *Rules) Pack(regime string) *Pack {
	r.placeIndex()
	return r.byID[regime]
}

func (r *Rules) applicable(f *facts.Facts) ([]*Pack, []Applies, bool, []string) {
	r.placeIndex()
	byID := r.byID
	reasons := make(map[string]string, len(r.Packs))
	var order, notes []string
	add := func(id, why string) {
		if _, ok := byID[id]; !ok {
			return
		}
		if _, ok := reasons[id]; !ok {
			order = append(order, id)
		}
		reasons[id] = why
	}
	var where map[string]int64
	if f.People != nil && len(f.People.ByJurisdiction) > 0 {
		where = make(map[string]int64, len(f.People.ByJurisdiction))
		for code, n := range f.People.ByJurisdiction {
			if n > 0 {
				where[strings.ToUpper(code)] += n
			}
		}
	}
	// livesIn lists the places people were counted in that each pack
	// covers. The packs' lists are cut from one array: the places are
	// counted per pack first.
	type counted struct {
		codes []string
		n     int64
	}
	cover := make(map[*Pack]*counted, len(where)+8)
	slab, places := make([]counted, 0, len(where)+8), 0
	for code := range where {
		for _, p := range r.packsAt(code) {
			k := cover[p]
			if k == nil {
				if len(slab) == cap(slab) {
					slab = make([]counted, 0, 16) // the earlier ones stay where they are
				}
				slab = append(slab, counted{})
				k = &slab[len(slab)-1]
				cover[p] = k
			}
			k.n++
			places++
		}
	}
	codes := make([]string, places)
	for _, k := range cover {
		k.codes, codes = codes[:0:k.n], codes[k.n:]
		k.n = 0
	}
	for code, c := range where {
		for _, p := range r.packsAt(code) {
			k := cover[p]
			k.codes, k.n = append(k.codes, code), k.n+c
		}
	}
	livesIn := func(p *Pack) ([]string, int64) {
		k := cover[p]
		if k == nil {
			return nil, 0
		}
		sort.Strings(k.codes)
		return k.codes, k.n
	}
	unknown := false
	switch {
	case f.Organisation != nil && len(f.Organisation.SubjectTo) > 0:
		for _, id := range f.Organisation.SubjectTo {
			p := byID[id]
			if p == nil {
				continue
			}
			if p.ResidentsOnly && where != nil {
				codes, n := livesIn(p)
				if n == 0 && !r.anyParent(where, p) {
					continue // the law protects its residents, and none is affected
				}
				if n > 0 {
					add(id, fmt.Sprintf("The organisation is subject to it (organisation.subject_to) and %d affected people live in %s (people.by_jurisdiction).", n, strings.Join(codes, ", ")))
					continue
				}
			}
			add(id, "The organisation is subject to it (organisation.subject_to).")
		}
	case where != nil:
		var t texts
		for _, p := range r.Packs {
			if codes, n := livesIn(p); n > 0 && !p.Always {
				t.room(200)
				start := len(t.buf)
				t.buf = append(t.buf, "Inferred because organisation.subject_to is not given: "...)
				t.int(n)
				t.buf = append(t.buf, " affected people live in "...)
				for i, c := range codes {
					if i > 0 {
						t.buf = append(t.buf, ", "...)
					}
					t.buf = append(t.buf, c...)
				}
				t.buf = append(t.buf, " (people.by_jurisdiction). Confirm the organisation is subject to it."...)
				add(p.Regime, t.since(start))
			}
		}
		sort.Strings(order)
	default:
		unknown = true
		for _, p := range r.Packs {
			if !p.Always && !p.ResidentsOnly && p.Sectoral == "" {
				add(p.Regime, "Neither organisation.subject_to nor people.by_jurisdiction is given, so every regime is shown; give them to narrow the answer.")
			}
		}
		notes = append(notes, "Where the affected people live is not known, so the laws that protect only their own residents (each US state's) are not shown: give people.by_jurisdiction.")
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
	notes = append(notes, r.placeNotes(where, reasons)...)
	notes = append(notes, sectoralNotes(where, r.Packs, reasons)...)
	packs, out := make([]*Pack, 0, len(order)), make([]Applies, 0, len(order))
	for _, id := range order {
		p := byID[id]
		packs = append(packs, p)
		codes, n := livesIn(p)
		out = append(out, Applies{Regime: id, Title: p.Title, Regulator: p.Regulator, Reason: reasons[id], Places: codes, People: n})
	}
	return packs, out, unknown, notes
}

// anyParent says whether people were counted in a country whose
// subdivision the pack covers (US people whose state is not known).
func (r *Rules) anyParent(where map[string]int64, p *Pack) bool {
	for code := range where {
		if !strings.Contains(code, "-") && slices.Contains(r.subdivided(code), p) {
			return true
		}
	}
	return false
}

// placeNotes says which places people were counted in that no applying
// regime covers, so nothing there is assessed, and which countries were
// given without the state that decides the law.
func (r *Rules) placeNotes(where map[string]int64, applied map[string]string) []string {
	var notes, codes, uncovered []string
	for code := range where {
		codes = append(codes, code)
	}
	sort.Strings(codes)
	for _, code := range codes {
		here := r.packsAt(code)
		coveredByApplied := false
		for _, p := range here {
			if _, ok := applied[p.Regime]; ok {
				coveredByApplied = true
			}
		}
		subs := 0
		if !strings.Contains(code, "-") {
			for _, p := range r.subdivided(code) {
				if p.ResidentsOnly {
					subs++
				}
			}
		}
		switch {
		case subs > 0 && !coveredByApplied:
			notes = append(notes, fmt.Sprintf("%d affected people live in %s but their state or province is not known; its laws protect the residents of each one (%d regimes), so find where each lives (people.by_jurisdiction such as %s-CA).", where[code], code, subs, code))
		case len(here) == 0:
			uncovered = append(uncovered, code)
		}
	}
	if len(uncovered) > 0 {
		notes = append(notes, "No rule pack covers "+strings.Join(uncovered, ", ")+": the laws there are not assessed (see docs/jurisdictions.md for what is covered).")
	}
	return notes
}

// sectoralNotes reminds the reader of the sectoral laws of the countries
// people live in that were not named: whether they apply turns on what
// the organisation is, which only it can say.
func sectoralNotes(where map[string]int64, packs []*Pack, applied map[string]string) []string {
	var names []string
	for _, p := range packs {
		if _, ok := applied[p.Regime]; ok || p.Sectoral == "" {
			continue
		}
		for code := range where {
			if c, _, _ := strings.Cut(code, "-"); c == p.Country || (p.Country == "EU" && (eea[c] || c == "EU")) {
				names = append(names, fmt.Sprintf("%s (%s)", p.Regime, p.Sectoral))
				break
			}
		}
	}
	if len(names) == 0 {
		return nil
	}
	return []string{"Sectoral laws are not inferred from where people live; name them in organisation.subject_to if they bind the organisation: " + strings.Join(names, "; ") + "."}
}
