package incident

import (
	"fmt"
	"strings"
	"time"

	"github.com/breachdesk/breachdesk/internal/law"
)

// Clock is a deadline that runs from when the organisation became aware of
// the breach. Until the law engine decides which obligations apply, the
// incident shows the clocks every privacy officer watches.
type Clock struct {
	Name string
	// Basis cites where the deadline comes from.
	Basis string
	Due   time.Time
	// StopsWhen names the step whose completion stops the clock.
	StopsWhen Step
	// MetAt is when the clock stopped, if it has.
	MetAt *time.Time
	// Target marks the organisation's own target for "as soon as
	// practicable", as opposed to a deadline the law sets.
	Target bool
}

// Overdue says whether the clock ran out before it was met.
func (c Clock) Overdue(now time.Time) bool {
	if c.MetAt != nil {
		return c.MetAt.After(c.Due)
	}
	return now.After(c.Due)
}

// Remaining describes the time left or overdue, in words.
func (c Clock) Remaining(now time.Time) string {
	if c.MetAt != nil {
		if c.MetAt.After(c.Due) {
			return "met late, " + Human(c.MetAt.Sub(c.Due)) + " after the deadline"
		}
		return "met"
	}
	d := c.Due.Sub(now)
	if d < 0 {
		return "overdue by " + Human(-d)
	}
	return Human(d) + " left"
}

// Regime ids as in the facts schema, used to choose which clocks apply.
const (
	RegimeNZ  = "nz_privacy_act"
	RegimeAU  = "au_ndb"
	RegimeVIC = "vic_pdp"
	RegimeEU  = "eu_gdpr"
	RegimeUK  = "uk_gdpr"
)

// Clocks returns the deadlines that run for this incident. Once it has
// been assessed, they are its obligations'; before that, the clocks every
// privacy officer watches under the laws the organisation is subject to
// (all of them when it has not said). Near misses (reported as such or
// classified so) and incidents that were not breaches have none.
func (i *Incident) Clocks(laws []string) []Clock {
	if i.Kind != KindBreach {
		return nil
	}
	if len(i.Obligations) > 0 {
		return i.obligationClocks()
	}
	has := func(ids ...string) bool {
		if len(laws) == 0 {
			return true
		}
		for _, l := range laws {
			for _, id := range ids {
				if l == id {
					return true
				}
			}
		}
		return false
	}
	aware := i.Report.DiscoveredAt
	var cs []Clock
	if has(RegimeEU, RegimeUK) {
		cs = append(cs, Clock{Name: "GDPR: notify the supervisory authority", Basis: "GDPR / UK GDPR art 33(1): without undue delay and, where feasible, within 72 hours of becoming aware", Due: aware.Add(72 * time.Hour), StopsWhen: Notify})
	}
	if has(RegimeNZ) {
		cs = append(cs, Clock{Name: "NZ: notify the Privacy Commissioner", Basis: "Privacy Act 2020 s 114: as soon as practicable; the Commissioner expects notice within 72 hours (NotifyUs)", Due: aware.Add(72 * time.Hour), StopsWhen: Notify})
	}
	if has(RegimeAU) {
		cs = append(cs, Clock{Name: "AU: finish assessing the suspected breach", Basis: "Privacy Act 1988 (Cth) s 26WH: assessment within 30 days of becoming aware of the grounds to suspect", Due: aware.Add(30 * 24 * time.Hour), StopsWhen: Assess})
	}
	for k := range cs {
		if p := i.Steps[cs[k].StopsWhen]; p.State == StepDone && p.DoneAt != nil {
			cs[k].MetAt = p.DoneAt
		}
	}
	return cs
}

// Overdue says whether any clock of the incident has run out unmet.
func (i *Incident) Overdue(laws []string, now time.Time) bool {
	if i.Status == StatusClosed {
		return false
	}
	for _, c := range i.Clocks(laws) {
		if c.MetAt == nil && c.Overdue(now) {
			return true
		}
	}
	return false
}

// Human writes a duration the way people say it: "3 days 4 hours".
func Human(d time.Duration) string {
	if d < time.Minute {
		return "less than a minute"
	}
	days := int(d / (24 * time.Hour))
	hours := int(d % (24 * time.Hour) / time.Hour)
	mins := int(d % time.Hour / time.Minute)
	switch {
	case days > 0 && hours > 0:
		return fmt.Sprintf("%s %s", plural(days, "day"), plural(hours, "hour"))
	case days > 0:
		return plural(days, "day")
	case hours > 0 && mins > 0:
		return fmt.Sprintf("%s %s", plural(hours, "hour"), plural(mins, "minute"))
	case hours > 0:
		return plural(hours, "hour")
	}
	return plural(mins, "minute")
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

func (i *Incident) obligationClocks() []Clock {
	var cs []Clock
	for k := range i.Obligations {
		o := &i.Obligations[k]
		d := o.Deadline()
		if d == nil || (o.Status != ObligationPending && o.Status != ObligationDone) {
			continue
		}
		basis := o.Citation + ": " + o.DueRule
		cs = append(cs, Clock{Name: RegimeLabel(o.Regime) + ": " + strings.ToLower(o.AudienceLabel()[:1]) + o.AudienceLabel()[1:], Basis: basis, Due: *d,
			MetAt: o.DoneAt, Target: o.DueAt == nil})
	}
	return cs
}

// RegimeLabel is a short name for a regime id.
func RegimeLabel(id string) string { return law.ShortName(id) }
