package notice

import (
	"context"
	"strings"
	"time"

	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/incident"
	"github.com/breachdesk/breachdesk/internal/law"
)

// Text is what the team writes for an incident's notices, in plain words,
// in place of what the facts say: what happened (not the reporter's
// first-person account), the steps taken, and the advice. An empty part
// leaves the facts' or the built-in wording.
type Text struct {
	WhatHappened string
	Steps        []string
	Advice       []string
	UpdatedAt    *time.Time
	UpdatedBy    string
}

// Empty says whether the team has written nothing.
func (t Text) Empty() bool {
	return strings.TrimSpace(t.WhatHappened) == "" && len(t.Steps) == 0 && len(t.Advice) == 0
}

// Validate checks a notice text typed by a person and tidies its lists.
func (t *Text) Validate() error {
	f := fault.Fields{}
	t.WhatHappened = strings.TrimSpace(t.WhatHappened)
	if len(t.WhatHappened) > 5000 {
		f.Add("what_happened", "Keep what happened under 5,000 characters: a notice is read by everyone affected.")
	}
	tidy := func(field string, items []string) []string {
		var out []string
		for _, s := range items {
			if s = strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(s), "-•*")); s != "" {
				out = append(out, s)
			}
		}
		if len(out) > 30 {
			f.Add(field, "Keep it to 30 points or fewer.")
		}
		for _, s := range out {
			if len(s) > 1000 {
				f.Add(field, "Keep each point under 1,000 characters.")
				break
			}
		}
		return out
	}
	t.Steps, t.Advice = tidy("steps", t.Steps), tidy("advice", t.Advice)
	return f.Err()
}

// TextStore keeps each incident's notice text.
type TextStore interface {
	// NoticeText returns an incident's notice text; empty before anyone
	// has written one.
	NoticeText(ctx context.Context, incidentID int64) (Text, error)
	// SaveNoticeText stores it, with a timeline and an audit entry.
	// Returns fault.Invalid, naming the field, when it does not validate,
	// and fault.NotFound for no such incident.
	SaveNoticeText(ctx context.Context, by incident.Actor, incidentID int64, t Text) error
}

// WithText puts the team's text in the notice in place of what the facts
// say.
func (d *Data) WithText(t Text) {
	if t.WhatHappened != "" {
		d.Breach.WhatHappened = t.WhatHappened
	}
	if len(t.Steps) > 0 {
		d.Breach.Steps = t.Steps
	}
	if len(t.Advice) > 0 {
		d.Advice = t.Advice
		d.ownAdvice = true
	}
}

// agencyCountries are where the people live whom a law without places
// of its own protects: a Victorian agency's obligations follow it
// wherever in Australia the person lives.
var agencyCountries = map[string][]string{"vic_pdp": {"AU"}}

// eea are the countries where a law of the EU (a pack placed in "EU")
// protects residents: the EU and EEA member states.
var eea = map[string]bool{"AT": true, "BE": true, "BG": true, "HR": true, "CY": true, "CZ": true, "DK": true, "EE": true,
	"FI": true, "FR": true, "DE": true, "GR": true, "IE": true, "IT": true, "LV": true, "LT": true, "LU": true, "MT": true, "NL": true,
	"PL": true, "PT": true, "RO": true, "SK": true, "SI": true, "ES": true, "SE": true, "IS": true, "LI": true, "NO": true}

// Covers says whether a law protects people living in jurisdiction (an
// ISO 3166 code such as NZ, AU-VIC or US-CA, or EU), from the places its
// rule pack names: a country covers its subdivisions, a subdivision only
// itself (a Texan is not protected by California's law), and a person
// whose state is not known is covered by each of their country's. A
// sectoral law covers its country. An unknown place, or a law whose reach
// is not known, is covered: nobody is left without the regulator they
// may need.
func Covers(rules *law.Rules, regime, jurisdiction string) bool {
	code := strings.ToUpper(strings.TrimSpace(jurisdiction))
	country, _, sub := strings.Cut(code, "-")
	if country == "" {
		return true
	}
	places := agencyCountries[regime]
	if places == nil && rules != nil {
		if p := rules.Pack(regime); p != nil {
			places = p.Places
			if len(places) == 0 && p.Country != "" {
				places = []string{p.Country}
			}
		}
	}
	if len(places) == 0 {
		return true
	}
	for _, pl := range places {
		plCountry, _, plSub := strings.Cut(pl, "-")
		switch {
		case pl == code, !plSub && pl == country, pl == "EU" && (eea[country] || country == "EU"):
			return true
		case plSub && !sub && plCountry == country: // their state is not known
			return true
		}
	}
	return false
}

// regulatorOf is whom people complain to under a law the notice does not
// know by name: the regulator its rule pack names, when the law is a
// general one of a place (not a sectoral law, whose regulator hears
// regulated firms, not people) and it has one.
func regulatorOf(rules *law.Rules, regime string) (Regulator, bool) {
	if r, ok := regulators[regime]; ok {
		return r, true
	}
	if rules == nil {
		return Regulator{}, false
	}
	p := rules.Pack(regime)
	if p == nil || len(p.Places) == 0 || p.Sectoral != "" || p.Regulator == "" || strings.HasPrefix(p.Regulator, "None") {
		return Regulator{}, false
	}
	name := p.Regulator
	if p.Family == "us_state" {
		// The offices a US state's law has told are not where residents
		// complain: its attorney general's office is, as the letter to
		// residents names it where the statute gives one.
		state, _, _ := strings.Cut(p.Title, ":")
		r := Regulator{Regime: regime, Name: "the " + state + " Attorney General", Short: "the " + state + " Attorney General"}
		if l, ok := rules.LetterFor(regime, nil); ok {
			for _, c := range l.Contacts {
				if c.Kind == "attorney_general" {
					r.Name, r.Website = withThe(c.Name), strings.TrimPrefix(c.Website, "www.")
				}
			}
		}
		return r, true
	}
	name = withThe(name)
	return Regulator{Regime: regime, Name: name, Short: name}, true
}

// withThe writes an office's name as a sentence names it: "the Office of
// the Privacy Commissioner of Canada".
func withThe(name string) string {
	if rest, ok := strings.CutPrefix(name, "The "); ok {
		return "the " + rest
	}
	if strings.HasPrefix(name, "the ") {
		return name
	}
	return "the " + name
}

// Applying lists the laws whose obligations on an incident are still in
// play: at least one to do or done. A law whose every obligation was
// found not required, or decided against, does not appear in notices to
// people. Nil when nothing is tracked (a facts file).
func Applying(obs []incident.Obligation) map[string]bool {
	if len(obs) == 0 {
		return nil
	}
	m := map[string]bool{}
	for _, o := range obs {
		if o.Status == incident.ObligationPending || o.Status == incident.ObligationDone {
			m[o.Regime] = true
		}
	}
	return m
}

// Narrow keeps, in a notice to people, only the regulators and support
// services of the laws that apply: those in play on the incident
// (Applying) and, for a notice to one person, those that protect where
// they live (Covers, from rules' packs). Each law in play is named with
// its regulator, whichever of the rule packs it is. The advice follows
// their own kinds of information.
func (d *Data) Narrow(rules *law.Rules, applying map[string]bool, jurisdiction string) {
	if d.Kind != Individual && d.Kind != Public {
		return
	}
	keep := func(regime string) bool {
		return (applying == nil || applying[regime]) && (d.Person == nil || Covers(rules, regime, jurisdiction))
	}
	var regs []Regulator
	regimes := map[string]bool{}
	for _, r := range d.Regulators {
		if keep(r.Regime) {
			regs = append(regs, r)
			regimes[r.Regime] = true
		}
	}
	for _, g := range d.Assessment.Regimes {
		if r, ok := regulatorOf(rules, g.Regime); ok && !regimes[g.Regime] && keep(g.Regime) {
			regs = append(regs, r)
			regimes[g.Regime] = true
		}
	}
	d.Regulators = regs
	cats := d.Breach.CategoryIDs
	if d.Person != nil && len(d.Person.Elements) > 0 {
		cats = d.Person.Elements
	}
	advice, support, emergency := advice(cats, regimes)
	if !d.ownAdvice {
		d.Advice = advice
	}
	d.confirm = nil
	if d.Person != nil {
		var lines []string
		lines, d.confirm = letterContacts(rules, regs, cats)
		support = append(support, lines...)
	}
	d.Support, d.Emergency = support, emergency
}

// letterContacts are the contacts and statements a US state's law puts in
// a letter to its residents, for the information involved (the consumer
// reporting agencies, the Federal Trade Commission, the attorney
// general; law.LetterFor), each once, for a notice to one person; and the
// contact details to confirm against the office's own page first.
func letterContacts(rules *law.Rules, regs []Regulator, cats []string) (lines, confirm []string) {
	if rules == nil {
		return nil, nil
	}
	var cra, out []string
	seen := map[string]bool{}
	for _, r := range regs {
		l, ok := rules.LetterFor(r.Regime, cats)
		if !ok {
			continue
		}
		for _, c := range l.Contacts {
			if seen[c.Name] {
				continue
			}
			seen[c.Name] = true
			var how []string
			for _, v := range []string{c.TollFree, c.Phone, c.Website, c.Address} {
				if v != "" {
					how = append(how, v)
				}
			}
			switch line := c.Name + ": " + strings.Join(how, ", "); c.Kind {
			case "cra":
				cra = append(cra, line)
			case "ftc":
				out = append(out, "The Federal Trade Commission helps you report identity theft and make a recovery plan: "+strings.Join(how, ", ")+".")
			default:
				out = append(out, "You can also contact "+withThe(line)+".")
			}
		}
		for _, c := range l.Confirm {
			if !seen["confirm:"+c] {
				seen["confirm:"+c] = true
				confirm = append(confirm, c)
			}
		}
		for _, p := range l.Paragraphs {
			if !seen[p] {
				seen[p] = true
				out = append(out, p)
			}
		}
	}
	if len(cra) > 0 {
		out = append([]string{"To place a fraud alert or a security freeze on your credit file, which is free, contact the consumer reporting agencies. " + strings.Join(cra, "; ") + "."}, out...)
	}
	return out, confirm
}
