package notice

import (
	"context"
	"strings"
	"time"

	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/incident"
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

// regimeCountries are where the people each law protects live, for
// naming in a person's notice only the regulators and support services
// of the laws that apply to them. A Victorian agency's obligations follow
// it wherever in Australia the person lives.
var regimeCountries = map[string][]string{
	"nz_privacy_act": {"NZ"}, "au_ndb": {"AU"}, "vic_pdp": {"AU"}, "uk_gdpr": {"GB", "UK"},
	"eu_gdpr": {"EU", "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV", "LT", "LU", "MT", "NL",
		"PL", "PT", "RO", "SK", "SI", "ES", "SE", "IS", "LI", "NO"},
}

// Covers says whether a law protects people living in jurisdiction (an
// ISO 3166 code such as NZ or AU-VIC, or EU). An unknown place is
// covered: nobody is left without the regulator they may need.
func Covers(regime, jurisdiction string) bool {
	country, _, _ := strings.Cut(strings.ToUpper(strings.TrimSpace(jurisdiction)), "-")
	if country == "" {
		return true
	}
	for _, c := range regimeCountries[regime] {
		if c == country {
			return true
		}
	}
	return false
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
// they live. The advice follows their own kinds of information.
func (d *Data) Narrow(applying map[string]bool, jurisdiction string) {
	if d.Kind != Individual && d.Kind != Public {
		return
	}
	keep := func(regime string) bool {
		return (applying == nil || applying[regime]) && (d.Person == nil || Covers(regime, jurisdiction))
	}
	var regs []Regulator
	regimes := map[string]bool{}
	for _, r := range d.Regulators {
		if keep(r.Regime) {
			regs = append(regs, r)
			regimes[r.Regime] = true
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
	d.Support, d.Emergency = support, emergency
}
