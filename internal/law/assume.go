package law

import (
	"github.com/breachdesk/breachdesk/internal/facts"
	"github.com/breachdesk/breachdesk/internal/harm"
)

// lawAssumptions are the unknowns only some regimes read: whether the
// organisation is under Part 4 of the PDP Act 2014 (Vic), the business
// impact level of the incident, and whether another entity that agreed to
// notify has done so. Like harm's, each takes its most likely value and
// names the others; g is changed to the value assumed.
func lawAssumptions(f, g *facts.Facts, vic bool) []harm.Assumption {
	var as []harm.Assumption
	if vic && (f.Organisation == nil || f.Organisation.VicPublicSector == nil) {
		as = append(as, harm.Assumption{Fact: "organisation.vic_public_sector", Assumed: "not known to be under Part 4 of the PDP Act (the VPDSS)",
			Why: "Part 4 applies to most Victorian public sector agencies and bodies, but not to councils, universities and some others; the organisation knows which it is",
			Alternatives: []harm.Alternative{harm.NewAlternative("the organisation is under Part 4 of the PDP Act (VPDSS)", "organisation.vic_public_sector: true", true, false,
				func(h *facts.Facts) {
					o := facts.Organisation{}
					if h.Organisation != nil {
						o = *h.Organisation
					}
					o.VicPublicSector = ptr(true)
					h.Organisation = &o
				})}})
	}
	if g.Organisation != nil && isTrue(g.Organisation.VicPublicSector) && (g.Effects == nil || g.Effects.BusinessImpactLevel == nil) && !(g.Effects != nil && g.Effects.Confidentiality == "no" && g.Effects.Integrity != "yes" && (g.Effects.Availability == "" || g.Effects.Availability == "none")) {
		e := facts.Effects{}
		if g.Effects != nil {
			e = *g.Effects
		}
		e.BusinessImpactLevel = ptr(2)
		g.Effects = &e
		as = append(as, harm.Assumption{Fact: "effects.business_impact_level", Assumed: "2 (limited)",
			Why: "an incident that compromises personal information held by a public sector body has at least a limited impact on the people; rate it with the VPDSF business impact level table",
			Alternatives: []harm.Alternative{harm.NewAlternative("the incident is of minor impact (business impact level 1)", "effects.business_impact_level: 1", false, false,
				func(h *facts.Facts) {
					e := facts.Effects{}
					if h.Effects != nil {
						e = *h.Effects
					}
					e.BusinessImpactLevel = ptr(1)
					h.Effects = &e
				})}})
	}
	if en := notifyingEntity(f); en != nil && !hasNotified(en) {
		name := entityWords(en)
		as = append(as, harm.Assumption{Fact: "entities[].notified", Assumed: name + " has agreed to notify but has not confirmed it has",
			Why: "an agreement to notify is not a notification",
			Alternatives: []harm.Alternative{harm.NewAlternative(name+" confirms it notified, with its reference", "entities[].notified: true, entities[].reference", false, false,
				func(h *facts.Facts) {
					es := append([]facts.Entity(nil), h.Entities...)
					for i := range es {
						if es[i].Name == en.Name && isTrue(es[i].Notifies) {
							es[i].Notified = ptr(true)
						}
					}
					h.Entities = es
				})}})
	}
	return as
}

func ptr[T any](v T) *T { return &v }
