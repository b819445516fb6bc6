package notice

import (
	"fmt"
	"strings"
	"time"

	"github.com/breachdesk/breachdesk/internal/facts"
	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/incident"
	"github.com/breachdesk/breachdesk/internal/law"
	"github.com/breachdesk/breachdesk/internal/org"
)

// ForIncident prepares a notice for a stored incident: its latest facts
// assessed now, the organisation's details, and what people have recorded
// about notifying. previousFacts, when given, is the facts document of the
// last report, for an update's list of changes.
func ForIncident(k Kind, inc *incident.Incident, o org.Organisation, rules *law.Rules, previousFacts string, now time.Time) (Data, error) {
	if inc.Facts == "" {
		return Data{}, fault.Errorf(fault.Conflict, "%s has not been assessed yet: record an assessment on its Assess step first.", inc.Ref())
	}
	f, err := facts.Parse([]byte(inc.Facts))
	if err != nil {
		return Data{}, err
	}
	d := Build(k, f, rules.Assess(f, law.Options{At: now}), OrgOf(o), now, o.Location())
	if d.Breach.Title == "" {
		d.Breach.Title = inc.Title
	}
	d.Notified = notifiedAnswer(inc.Obligations, o.Location())
	d.RegulatorsTold = map[string]bool{}
	for _, ob := range inc.Obligations {
		if ob.Audience == "regulator" && ob.Status == incident.ObligationDone {
			d.RegulatorsTold[ob.Regime] = true
		}
	}
	if k == NotifyUsUpdate && previousFacts != "" {
		d.Changes = FactChanges([]byte(previousFacts), []byte(inc.Facts))
	}
	d.Narrow(rules, Applying(inc.Obligations), "")
	return d, nil
}

// OrgOf is who sends a notice, from the organisation's settings.
func OrgOf(o org.Organisation) Org {
	return Org{Name: o.Name, Contact: o.ContactName, Title: o.ContactTitle, Email: o.ContactEmail, Phone: o.ContactPhone,
		NZBN: o.NZBN, ABN: o.ABN, Sector: o.Sector, Industry: org.IndustryLabel(o.Industry)}
}

// notifiedAnswer says what was done about telling people, from the
// obligations people have tracked.
func notifiedAnswer(obs []incident.Obligation, loc *time.Location) string {
	var parts []string
	for _, o := range obs {
		if o.Audience != "individuals" && o.Audience != "public" {
			continue
		}
		switch o.Status {
		case incident.ObligationDone:
			parts = append(parts, fmt.Sprintf("Yes (%s, %s): %s on %s.", incident.RegimeLabel(o.Regime), o.Audience, o.Reference, o.DoneAt.In(loc).Format("2 January 2006")))
		case incident.ObligationOverridden, incident.ObligationNotRequired:
			if o.StatusReason != "" && o.Manual {
				parts = append(parts, fmt.Sprintf("No (%s, %s): %s", incident.RegimeLabel(o.Regime), o.Audience, o.StatusReason))
			}
		}
	}
	return strings.Join(parts, " ")
}
