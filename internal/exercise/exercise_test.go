package exercise

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/incident"
)

// The issue names eleven examples from the guidance; each must be in the
// library and make a valid report.
func TestLibraryHasTheGuidanceExamples(t *testing.T) {
	want := []string{"misdirected-correspondence", "network-hacked", "laptop-public-transport", "pdf-redaction",
		"ex-employee-access", "email-wrong-staff", "usb-lost", "student-spreadsheet", "family-violence-database",
		"council-bag", "retailer-skimming"}
	if len(Library) != len(want) {
		t.Fatalf("library has %d scenarios, want %d", len(Library), len(want))
	}
	for _, id := range want {
		s, ok := Find(id)
		if !ok {
			t.Fatalf("scenario %s missing", id)
		}
		if len(s.Injects) == 0 || len(s.Debrief) == 0 || s.Quote == "" || s.Source == "" {
			t.Errorf("scenario %s lacks injects, debrief questions or its source", id)
		}
		title, r := s.Incident(time.Now())
		if !strings.HasPrefix(title, TitlePrefix) {
			t.Errorf("scenario %s: the incident title %q is not marked as an exercise", id, title)
		}
		if r.OccurredAt != nil && r.OccurredAt.After(r.DiscoveredAt) {
			t.Errorf("scenario %s happened after it was found", id)
		}
	}
}

func TestLoadRejectsBrokenScenarios(t *testing.T) {
	for name, doc := range map[string]string{
		"repeated id":      "- {id: a, title: A, brief: b, report: {title: t, what_happened: w}}\n- {id: a, title: B, brief: b, report: {title: t, what_happened: w}}",
		"invalid report":   "- {id: a, title: A, brief: b, report: {title: t, what_happened: w, cause: gremlins}}",
		"injects unsorted": "- {id: a, title: A, brief: b, report: {title: t, what_happened: w}, injects: [{after: 2h, text: x}, {after: 1h, text: y}]}",
		"no brief":         "- {id: a, title: A, report: {title: t, what_happened: w}}",
		"bad duration":     "- {id: a, title: A, brief: b, report: {title: t, what_happened: w, occurred_before: soon}}",
	} {
		if _, err := Load([]byte(doc)); err == nil {
			t.Errorf("%s: loaded without error", name)
		}
	}
}

func TestAdvanceRevealsInjectsInOrder(t *testing.T) {
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	e := &Exercise{ScenarioID: "network-hacked", StartedAt: start}
	// Injects at 1h, 8h, 30h, 60h.
	due, err := e.Advance(0, start)
	if err != nil || len(due) != 0 {
		t.Fatalf("at the start: %v %v", due, err)
	}
	if got := e.UntilNextInject(start); got != time.Hour {
		t.Fatalf("until the next inject: %v", got)
	}
	// Real time counts too: 20 minutes passed, then the clock moves 8 h.
	due, err = e.Advance(8*time.Hour, start.Add(20*time.Minute))
	if err != nil || len(due) != 2 || due[0].After != time.Hour || due[1].After != 8*time.Hour {
		t.Fatalf("after 8h20m: %v %v", due, err)
	}
	if e.Revealed != 2 || len(e.RevealedInjects()) != 2 {
		t.Fatalf("revealed %d", e.Revealed)
	}
	if got := e.Elapsed(start.Add(20 * time.Minute)); got != 8*time.Hour+20*time.Minute {
		t.Fatalf("elapsed %v", got)
	}
	due, _ = e.Advance(e.UntilNextInject(start.Add(20*time.Minute)), start.Add(20*time.Minute))
	if len(due) != 1 || due[0].After != 30*time.Hour {
		t.Fatalf("to the next inject: %v", due)
	}
	for _, d := range []time.Duration{-time.Hour, MaxAdvance + time.Hour} {
		if _, err := e.Advance(d, start); fault.CodeOf(err) != fault.Invalid {
			t.Errorf("advance %v: %v", d, err)
		}
	}
	if err := e.End(Score{}, "  ", "Pat", start); fault.FieldsOf(err)["lessons"] == "" {
		t.Fatalf("ended without lessons: %v", err)
	}
	if err := e.End(Score{Points: 50}, "Call the insurer sooner.", "Pat", start.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Advance(time.Hour, start); fault.CodeOf(err) != fault.Conflict {
		t.Fatalf("advance after the end: %v", err)
	}
	if got := e.Elapsed(start.Add(100 * time.Hour)); got != e.Advanced+time.Hour {
		t.Fatalf("elapsed after the end keeps running: %v", got)
	}
}

func TestComputeScore(t *testing.T) {
	found := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	at := func(h float64) *time.Time { t := found.Add(time.Duration(h * float64(time.Hour))); return &t }
	inc := &incident.Incident{Kind: incident.KindBreach, Triaged: true, Report: incident.Report{DiscoveredAt: found}, Steps: incident.NewSteps(), EscalatedAt: at(0.5)}
	inc.Steps[incident.Contain] = incident.StepProgress{State: incident.StepDone, StartedAt: at(1), DoneAt: at(5)}
	inc.Steps[incident.Assess] = incident.StepProgress{State: incident.StepDone, StartedAt: at(2), DoneAt: at(20)}
	inc.Steps[incident.Notify] = incident.StepProgress{State: incident.StepActive, StartedAt: at(20)}
	inc.Obligations = []incident.Obligation{
		{Regime: "eu_gdpr", Audience: "regulator", Citation: "GDPR art 33", DueAt: at(72), Status: incident.ObligationDone, DoneAt: at(70)},
		{Regime: "nz_privacy_act", Audience: "regulator", Citation: "s 114", TargetAt: at(72), Status: incident.ObligationDone, DoneAt: at(80)},
		{Regime: "au_ndb", Audience: "individuals", Citation: "s 26WL", TargetAt: at(100), Status: incident.ObligationPending},
		{Regime: "uk_gdpr", Audience: "regulator", Citation: "UK GDPR art 33", DueAt: at(72), Status: incident.ObligationPending},
	}
	tasks := []incident.Task{{Done: true}, {Done: true}, {Done: false}, {Done: true}}
	sc := Compute(inc, tasks, nil, *at(90))
	outcomes := map[string]Outcome{}
	for _, d := range sc.Deadlines {
		outcomes[d.Name[:strings.Index(d.Name, ":")]] = d.Outcome
	}
	want := map[string]Outcome{"GDPR": Met, "NZ": Late, "AU": Open, "UK GDPR": Missed}
	for k, v := range want {
		if outcomes[k] != v {
			t.Errorf("%s: %s, want %s (all: %v)", k, outcomes[k], v, outcomes)
		}
	}
	// 2 of 4 steps (20) + 1 of 4 deadlines met (10) + 3 of 4 tasks (15).
	if sc.Points != 45 {
		t.Errorf("points %d, want 45", sc.Points)
	}
	if !sc.Steps[3].Skipped() || sc.Steps[2].Skipped() || sc.Steps[2].Done != nil {
		t.Errorf("steps: %+v", sc.Steps)
	}
	if *sc.Steps[1].Done != 20*time.Hour || *sc.Escalated != 30*time.Minute || sc.Elapsed != 90*time.Hour {
		t.Errorf("times: %+v", sc)
	}
	// The score survives its round trip through the store's JSON.
	b, _ := json.Marshal(sc)
	var back Score
	if err := json.Unmarshal(b, &back); err != nil || back.Points != 45 || back.Deadlines[1].Outcome != Late {
		t.Fatalf("round trip: %v %+v", err, back)
	}
	// A near miss runs no clock: the deadline part counts in full.
	nm := &incident.Incident{Kind: incident.KindNearMiss, Triaged: true, Report: incident.Report{DiscoveredAt: found}, Steps: incident.NewSteps()}
	if sc := Compute(nm, nil, nil, *at(1)); sc.Points != 60 || len(sc.Deadlines) != 0 {
		t.Errorf("near miss: %+v", sc)
	}
}

func TestShiftFacts(t *testing.T) {
	doc := `{"organisation":{"name":"Kiwi"},"timeline":{"discovered_at":"2026-03-02T09:00:00Z","occurred_at":"2026-03-01T09:00:00+13:00","ongoing":false},"people":{"count":12}}`
	got, err := ShiftFacts(doc, 6*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Organisation map[string]any
		Timeline     struct {
			DiscoveredAt string `json:"discovered_at"`
			Ongoing      bool
		}
		People struct{ Count json.Number }
	}
	if err := json.Unmarshal([]byte(got), &f); err != nil {
		t.Fatal(err)
	}
	if f.Timeline.DiscoveredAt != "2026-03-02T03:00:00Z" || f.People.Count != "12" || f.Organisation["name"] != "Kiwi" {
		t.Fatalf("shifted: %s", got)
	}
	if !strings.Contains(got, `"occurred_at":"2026-03-01T03:00:00+13:00"`) {
		t.Fatalf("occurred_at kept its zone and moved: %s", got)
	}
	if same, _ := ShiftFacts("", time.Hour); same != "" {
		t.Fatal("empty facts changed")
	}
	if _, err := ShiftFacts(`{"timeline":{"discovered_at":"yesterday"}}`, time.Hour); err == nil {
		t.Fatal("a bad time was shifted silently")
	}
}
