package incident

import (
	"strings"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/internal/facts"
	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/law"
)

var t0 = time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)

func triaged() *Incident {
	i := &Incident{ID: 7, Status: StatusReported, Steps: NewSteps()}
	i.Report.DiscoveredAt = t0
	i.ApplyTriage(Triage{Kind: KindBreach, Severity: SeverityMedium}, t0)
	return i
}

func TestStepsFollowTheGuidance(t *testing.T) {
	i := triaged()
	if err := i.Start(Assess, t0); fault.CodeOf(err) != fault.Conflict {
		t.Fatalf("assess before contain: %v", err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(i.Start(Contain, t0))
	must(i.Start(Assess, t0))
	must(i.Start(Notify, t0)) // Assess and Notify run together
	if err := i.Complete(Notify, nil, "", t0); err == nil || !strings.Contains(err.Error(), "Assess") {
		t.Fatalf("notify cannot finish before assess: %v", err)
	}
	if err := i.Start(Review, t0); err == nil {
		t.Fatal("review needs contain and assess done")
	}
	must(i.Complete(Contain, nil, "", t0))
	i.Facts = "{}" // an assessment was recorded
	must(i.Complete(Assess, nil, "", t0))
	must(i.Reopen(Assess))
	if i.Steps.State(Assess) != StepActive || i.Steps[Assess].DoneAt != nil {
		t.Fatalf("reopened: %+v", i.Steps[Assess])
	}
	if err := i.Close("", false, t0); fault.CodeOf(err) != fault.Conflict {
		t.Fatalf("close before review: %v", err)
	}
	if err := i.Close("  ", true, t0); fault.CodeOf(err) != fault.Invalid {
		t.Fatalf("override without reason: %v", err)
	}
	must(i.Close("Board decided", true, t0))
	if err := i.Start(Review, t0); fault.CodeOf(err) != fault.Conflict {
		t.Fatalf("closed incident: %v", err)
	}
}

func TestUntriagedAndNotBreach(t *testing.T) {
	i := &Incident{Status: StatusReported, Steps: NewSteps()}
	if err := i.Start(Contain, t0); err == nil {
		t.Fatal("untriaged incident started")
	}
	i.ApplyTriage(Triage{Kind: KindNotBreach, Severity: SeverityLow}, t0)
	if i.Status != StatusClosed || i.ClosedAt == nil {
		t.Fatalf("not a breach should close: %+v", i)
	}
	if len(i.Clocks(nil)) != 0 {
		t.Fatal("not a breach has no clocks")
	}
	if err := i.ApplyTriage(Triage{Kind: "maybe"}, t0); len(fault.FieldsOf(err)) != 2 {
		t.Fatalf("want kind and severity errors: %v", err)
	}
}

func TestClocks(t *testing.T) {
	i := triaged()
	cs := i.Clocks([]string{RegimeNZ, RegimeAU})
	if len(cs) != 2 || !cs[0].Due.Equal(t0.Add(72*time.Hour)) || !cs[1].Due.Equal(t0.Add(720*time.Hour)) {
		t.Fatalf("clocks: %+v", cs)
	}
	if len(i.Clocks(nil)) != 3 {
		t.Fatal("no laws configured shows every clock")
	}
	now := t0.Add(73 * time.Hour)
	if !i.Overdue([]string{RegimeEU}, now) || cs[0].Remaining(now) != "overdue by 1 hour" {
		t.Fatalf("overdue: %v %q", i.Overdue(nil, now), cs[0].Remaining(now))
	}
	i.Start(Contain, t0)
	i.Start(Assess, t0)
	i.Start(Notify, t0)
	i.Facts = "{}"
	i.Complete(Assess, nil, "", t0.Add(time.Hour))
	i.Complete(Notify, nil, "", t0.Add(80*time.Hour))
	c := i.Clocks([]string{RegimeEU})[0]
	if c.MetAt == nil || !c.Overdue(now) || !strings.HasPrefix(c.Remaining(now), "met late, 8 hours") {
		t.Fatalf("met late: %+v %q", c, c.Remaining(now))
	}
	if i.Overdue([]string{RegimeEU}, now) {
		t.Fatal("a met clock is not overdue any more")
	}
}

func TestReportValidation(t *testing.T) {
	occ := t0.Add(time.Hour)
	neg := -1
	r := Report{WhatHappened: " ", DiscoveredAt: t0, OccurredAt: &occ, Ongoing: "perhaps", DataCategories: []string{"shoe_size"}, PeopleCount: &neg, Cause: "aliens"}
	f := fault.FieldsOf(r.Validate("", t0.Add(2*time.Hour)))
	for _, k := range []string{"title", "what_happened", "occurred_at", "ongoing", "data_categories", "people_count", "cause"} {
		if f[k] == "" {
			t.Errorf("no message for %s: %v", k, f)
		}
	}
}

func TestEscalationReasons(t *testing.T) {
	rules := []EscalationRule{{Kind: "sensitive_data", Enabled: true}, {Kind: "people_over", Threshold: 100, Enabled: true},
		{Kind: "malicious_cause", Enabled: true}, {Kind: "vulnerable_people", Enabled: true}, {Kind: "severity_at_least", Threshold: 3, Enabled: true},
		{Kind: "ongoing", Enabled: false}}
	i := triaged()
	i.Report.Ongoing = "yes"
	if why := i.EscalationReasons(rules); len(why) != 0 {
		t.Fatalf("plain incident (a disabled rule does not fire): %v", why)
	}
	n := 500
	i.Report.PeopleCount, i.Report.DataCategories, i.Report.Cause = &n, []string{"health", "name"}, "malicious_external"
	i.Facts = `{"people":{"vulnerable":true}}`
	i.Severity = SeverityHigh
	why := strings.Join(i.EscalationReasons(rules), "; ")
	for _, w := range []string{"health information", "more than 100", "malicious", "vulnerable", "severity is high"} {
		if !strings.Contains(why, w) {
			t.Errorf("%q missing from %q", w, why)
		}
	}
	if l := (EscalationRule{Kind: "severity_at_least", Threshold: 3}).Label(); l != "Triage severity is high or higher" {
		t.Errorf("label %q", l)
	}
}

func TestPublishedRule(t *testing.T) {
	r := EscalationRule{Kind: "published", Enabled: true}
	i := &Incident{Report: Report{Recipient: "public"}}
	if ok, why := r.Fires(i); !ok || why != "the information was made public" {
		t.Fatalf("published: %v %q", ok, why)
	}
	i.Report.Recipient = "employee"
	if ok, _ := r.Fires(i); ok {
		t.Fatal("fired for information sent to an employee")
	}
}

// Recording an assessment meets the s 26WH assessment of a suspected
// breach: it is done, labelled as what it is, not a pending "record".
func TestRecordingMeetsTheSuspectedBreachAssessment(t *testing.T) {
	rules, err := law.Load("")
	if err != nil {
		t.Fatal(err)
	}
	f, err := facts.Parse([]byte("schema: breachdesk/facts/v1.1\ntimeline: {discovered_at: 2026-03-02T09:00:00Z}\norganisation: {subject_to: [au_ndb]}\nmethod: misdirected_email\ndata: {categories: [name]}\n"))
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC)
	a := rules.Assess(f, law.Options{At: at})
	var assess *Obligation
	obs := ObligationsFrom(7, &a)
	for i := range obs {
		if obs[i].RuleID == "au.assess" {
			assess = &obs[i]
		}
	}
	if assess == nil || assess.Status != ObligationDone || assess.DoneAt == nil || !assess.DoneAt.Equal(at) || assess.AudienceLabel() != "Assess the suspected breach within 30 days" {
		t.Fatalf("s 26WH after recording: %+v", assess)
	}
	// Tracked, a pending obligation takes the assessment's "done".
	tracked := Obligation{RuleID: "au.assess", Status: ObligationPending}
	tracked.Assessed(*assess)
	if tracked.Status != ObligationDone || tracked.Reference == "" || tracked.Label == "" {
		t.Fatalf("tracked: %+v", tracked)
	}
	// A person's own decision stays.
	manual := Obligation{RuleID: "au.assess", Status: ObligationOverridden, Manual: true}
	manual.Assessed(*assess)
	if manual.Status != ObligationOverridden {
		t.Fatalf("a person's decision was replaced: %+v", manual)
	}
}

// Bug: Contain, Assess, Notify and Review were each accepted with their
// tasks open, and a breach closed with no assessment recorded.
func TestStepsCompleteOnlyWhenTheirWorkIsDone(t *testing.T) {
	i := triaged()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	tasks := []Task{{ID: 1, Step: Contain, Title: "Stop the unauthorised practice"}, {ID: 2, Step: Contain, Title: "Contact the police"}, {ID: 3, Step: Assess, Title: "Clarify"}}
	must(i.Start(Contain, t0))
	err := i.Complete(Contain, tasks, "", t0)
	if fault.CodeOf(err) != fault.Conflict || !strings.Contains(err.Error(), "“Stop the unauthorised practice” and “Contact the police”") {
		t.Fatalf("contain with open tasks: %v", err)
	}
	tasks[0].Done = true
	if err := tasks[1].MarkNotApplicable("  ", "Pat", t0); fault.FieldsOf(err)["reason"] == "" {
		t.Fatalf("not applicable without a reason: %v", err)
	}
	must(tasks[1].MarkNotApplicable("Nothing was stolen.", "Pat", t0))
	must(i.Complete(Contain, tasks, "", t0))
	must(i.Start(Assess, t0))
	tasks[2].Done = true
	if err := i.Complete(Assess, tasks, "", t0); err == nil || !strings.Contains(err.Error(), "record the assessment") {
		t.Fatalf("assess without a recorded assessment: %v", err)
	}
	i.Facts = `{"schema":"breachdesk/facts/v1"}`
	i.Obligations = []Obligation{{Regime: RegimeNZ, Audience: "regulator", Status: ObligationPending}}
	must(i.Complete(Assess, tasks, "", t0))
	must(i.Start(Notify, t0))
	if err := i.Complete(Notify, tasks, "", t0); err == nil || !strings.Contains(err.Error(), "NZ tell the regulator") {
		t.Fatalf("notify with a pending obligation: %v", err)
	}
	if err := i.Close("", false, t0); err == nil || !strings.Contains(err.Error(), "pending obligations") {
		t.Fatalf("close with a pending obligation: %v", err)
	}
	i.Obligations[0].Status = ObligationDone
	must(i.Complete(Notify, tasks, "", t0))
	must(i.Start(Review, t0))
	open := []Task{{Step: Review, Title: "Identify the root cause"}}
	must(i.Complete(Review, open, "The board accepted the review as is", t0)) // an override completes it anyway
	must(i.Close("", false, t0))
}

func TestBreachClosesOnlyOnceAssessed(t *testing.T) {
	i := triaged()
	i.Steps[Review] = StepProgress{State: StepDone}
	if err := i.Close("", false, t0); fault.CodeOf(err) != fault.Conflict || !strings.Contains(err.Error(), "Record an assessment") {
		t.Fatalf("a breach closed without an assessment: %v", err)
	}
	n := &Incident{Kind: KindNearMiss, Status: StatusOpen, Triaged: true, Steps: NewSteps()}
	if err := n.Start(Review, t0); err != nil {
		t.Fatalf("a near miss is reviewed at once: %v", err)
	}
	n.Steps[Review] = StepProgress{State: StepDone}
	if err := n.Close("", false, t0); err != nil {
		t.Fatalf("a reviewed near miss closes without an assessment: %v", err)
	}
}

// Bug: near misses ran the 72-hour clocks until they were triaged.
func TestNearMissHasNoClocks(t *testing.T) {
	i := &Incident{Kind: KindNearMiss, Status: StatusReported, Steps: NewSteps(), Report: Report{NearMiss: true, DiscoveredAt: t0}}
	if cs := i.Clocks(nil); len(cs) != 0 {
		t.Fatalf("an untriaged near miss runs clocks: %+v", cs)
	}
	if i.Overdue(nil, t0.Add(100*time.Hour)) {
		t.Fatal("an untriaged near miss is overdue")
	}
}
