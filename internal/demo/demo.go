// Package demo loads a demonstration organisation whose incidents are the
// examples of the guidance documents, so a newcomer sees a living system
// at the first start: a report awaiting triage, a response under way with
// an overdue clock, a closed near miss.
package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/breachdesk/breachdesk/internal/app"
	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/facts"
	"github.com/breachdesk/breachdesk/internal/incident"
	"github.com/breachdesk/breachdesk/internal/org"
)

// Password is the password of every demo account. It is printed at start:
// demo data is for trying breachdesk, never for real incidents.
const Password = "demo-password-2026"

// Accounts are the demo people, one per role.
var Accounts = []auth.User{
	{Email: "admin@demo.breachdesk.test", Name: "Alex Admin", Role: auth.Admin},
	{Email: "privacy@demo.breachdesk.test", Name: "Priya Privacy", Role: auth.PrivacyOfficer, ResponseTeam: true},
	{Email: "responder@demo.breachdesk.test", Name: "Ravi Responder", Role: auth.Responder, ResponseTeam: true},
	{Email: "viewer@demo.breachdesk.test", Name: "Vera Viewer", Role: auth.Viewer},
	{Email: "staff@demo.breachdesk.test", Name: "Sam Staff", Role: auth.Reporter},
}

type story struct {
	by       int // index into Accounts
	title    string
	report   incident.Report
	ago      time.Duration
	triage   *incident.Triage
	escalate bool
	start    []incident.Step
	complete []incident.Step
	ticks    int
	notes    []string
	close    string
	// facts, when set, is recorded as an assessment (YAML, without the
	// schema, timeline and organisation, which are filled in).
	facts string
	// cause and lessons, when set, are the story's review, done before it
	// closes.
	cause, lessons string
}

func ptr(n int) *int { return &n }

func stories(users []auth.User) []story {
	po, resp := users[1].ID, users[2].ID
	return []story{
		{by: 4, title: "Client letter sent to another complainant's address", ago: 3 * time.Hour,
			report: incident.Report{WhatHappened: "A reply to a complaint was posted to the home address of a different complainant with a similar name. The other person phoned to tell us.",
				Ongoing: "no", DataCategories: []string{"name", "address", "communications"}, PeopleCount: ptr(1), Cause: "human_error",
				HowItHappened: "The address was picked from the wrong record when the letter was prepared.", WhereItWent: "Another complainant, who still has the letter.",
				Recipient: "individual", ActionsTaken: "Asked the recipient to return the letter in the prepaid envelope we are sending."}},
		{by: 4, title: "Payment card details taken from the online shop", ago: 2 * time.Hour,
			report: incident.Report{WhatHappened: "Our web developer found malicious code on the checkout page that sent card details to an outside server. Customer account details were also accessed.",
				Ongoing: "unknown", DataCategories: []string{"name", "contact", "address", "payment_card"}, PeopleCount: ptr(4200), Cause: "malicious_external",
				HowItHappened: "Skimming code was injected into the checkout page.", WhereItWent: "An unknown server controlled by the attacker.", Recipient: "malicious_actor",
				ActionsTaken: "Checkout taken offline."}},
		{by: 1, title: "Spreadsheet of student records attached to a class email", ago: 30 * time.Hour,
			report: incident.Report{WhatHappened: "An email to a group of students about a field trip had a spreadsheet attached by mistake. It held the names, student numbers, dates of birth and health notes of 312 other students.",
				Ongoing: "no", DataCategories: []string{"name", "date_of_birth", "education", "health"}, PeopleCount: ptr(312), Cause: "human_error",
				WhereItWent: "27 students on the class list.", Recipient: "individual", ActionsTaken: "Recall attempted; IT is deleting the email from student mailboxes."},
			triage: &incident.Triage{Kind: incident.KindBreach, Severity: incident.SeverityHigh, OwnerID: po}, escalate: true,
			start: []incident.Step{incident.Contain, incident.Assess, incident.Notify}, complete: []incident.Step{incident.Contain}, ticks: 4,
			notes: []string{"IT confirmed 24 of 27 copies deleted; 3 recipients opened the attachment and have been asked to delete it and confirm in writing."},
			facts: "cause: human_error\nmethod: misdirected_email\neffects: {confidentiality: \"yes\", exfiltrated: \"no\"}\ndata: {categories: [name, date_of_birth, education, health]}\npeople: {count: 312, groups: [students], vulnerable: false, by_jurisdiction: {NZ: 312}}\nrecipient: {kind: individual, relationship: 27 students on the class list, accessed: \"yes\"}\nremediation: {steps: [Recall attempted, IT deleted 24 of 27 copies]}\nnotification_constraints: {contact_details_available: true}\n"},
		{by: 1, title: "Family violence client records publicly accessible for two weeks", ago: 5 * 24 * time.Hour,
			report: incident.Report{WhatHappened: "A subset of the client database of our family violence service was publicly accessible on the internet for two weeks because of a configuration error. We cannot tell whether anyone accessed it.",
				Ongoing: "no", DataCategories: []string{"name", "address", "family_violence", "health"}, PeopleCount: ptr(85), Cause: "system_fault",
				Recipient: "public", ActionsTaken: "Access closed as soon as it was found."},
			triage: &incident.Triage{Kind: incident.KindBreach, Severity: incident.SeverityCritical, OwnerID: po}, escalate: true,
			start: []incident.Step{incident.Contain, incident.Assess, incident.Notify}, complete: []incident.Step{incident.Contain, incident.Assess}, ticks: 9,
			notes: []string{"Decision: notify every affected client. There is a possibility nobody accessed the records, but the harm if they were accessed is very high (seed guidance, OVIC example)."},
			facts: "cause: system_fault\nmethod: system_misconfiguration\ndata: {categories: [name, address, family_violence, health]}\npeople: {count: 85, groups: [clients], vulnerable: true, by_jurisdiction: {NZ: 85}}\nexposure: {publicly_available: true, hours: 336}\nrecipient: {kind: public, accessed: unknown}\nnotification_constraints: {contact_details_available: true}\n"},
		{by: 2, title: "Former employee still logging in to the client system", ago: 20 * time.Hour,
			report: incident.Report{WhatHappened: "An access review found that a staff member who left last month has logged in to the client management system three times since.",
				Ongoing: "yes", DataCategories: []string{"name", "contact"}, Cause: "malicious_internal", Recipient: "individual",
				ActionsTaken: "Reported to IT."},
			triage: &incident.Triage{Kind: incident.KindBreach, Severity: incident.SeverityMedium, OwnerID: resp},
			start:  []incident.Step{incident.Contain}, ticks: 1},
		{by: 4, title: "Bag of council documents lost, found an hour later", ago: 9 * 24 * time.Hour,
			report: incident.Report{WhatHappened: "A bag with documents about a person who receives council services was lost on council premises. Police were told; another employee found the bag about an hour later.",
				Ongoing: "no", DataCategories: []string{"name", "address"}, PeopleCount: ptr(1), Cause: "theft_or_loss", Recipient: "employee",
				ActionsTaken: "Bag recovered; enquiries found no one had opened the documents."},
			triage:  &incident.Triage{Kind: incident.KindNearMiss, Severity: incident.SeverityLow, OwnerID: po},
			notes:   []string{"Satisfied there was no unauthorised access; the individual will not be notified. Reminder sent to staff about carrying files off-site."},
			cause:   "Client documents were carried between buildings in an open bag.",
			lessons: "Carry client documents off-site only in a closed, labelled folder; staff reminded.",
			close:   "No unauthorised access; lessons shared with staff."},
	}
}

// Load writes the demo organisation, accounts and incidents through the
// application's use cases, so the demo history obeys the same rules as
// real work: each story is told at its own time in the past. It refuses
// to run on a database that already has accounts.
func Load(ctx context.Context, a *app.App) error {
	if n, err := a.Store.CountUsers(ctx); err != nil {
		return err
	} else if n > 0 {
		return fmt.Errorf("the database already has accounts; the demo loads only into an empty one")
	}
	var users []auth.User
	for _, acc := range Accounts {
		u, err := a.AddUser(ctx, app.System, acc, Password)
		if err != nil {
			return err
		}
		users = append(users, u)
	}
	if err := a.Store.SaveOrganisation(ctx, users[0].ID, org.Organisation{Name: "Harbourview Community Services (demo)", ContactName: "Priya Privacy",
		ContactEmail: "privacy@demo.breachdesk.test", ContactPhone: "+64 9 555 0100", Sector: "Not-for-profit",
		Laws: []string{"nz_privacy_act", "au_ndb", "eu_gdpr"}, TimeZone: "Pacific/Auckland"}); err != nil {
		return err
	}
	clock := a.Now
	defer func() { a.Now = clock }()
	now := clock()
	for _, s := range stories(users) {
		if err := tell(ctx, a, users, s, now); err != nil {
			return fmt.Errorf("demo incident %q: %w", s.title, err)
		}
	}
	return nil
}

// tell acts one story out: the report, then the privacy officer's work an
// hour later, as the use cases record it.
func tell(ctx context.Context, a *app.App, users []auth.User, s story, now time.Time) error {
	staff, po, resp := &users[s.by], &users[1], &users[2]
	at := func(t time.Time) { a.Now = func() time.Time { return t } }
	s.report.DiscoveredAt = now.Add(-s.ago)
	occurred := s.report.DiscoveredAt.Add(-6 * time.Hour)
	s.report.OccurredAt = &occurred
	at(s.report.DiscoveredAt.Add(10 * time.Minute))
	inc, err := a.Report(ctx, staff, s.title, s.report)
	if err != nil || s.triage == nil {
		return err
	}
	step := s.report.DiscoveredAt.Add(time.Hour)
	at(step)
	if inc, err = a.Triage(ctx, po, inc.ID, *s.triage); err != nil {
		return err
	}
	if s.escalate {
		if !inc.Escalated {
			if _, err := a.Escalate(ctx, po, inc.ID); err != nil {
				return err
			}
		}
		if _, err := a.AddParticipant(ctx, po, inc.ID, resp.ID); err != nil {
			return err
		}
	}
	for _, x := range s.start {
		if _, err := a.MoveStep(ctx, po, inc.ID, x, app.StartStep, ""); err != nil {
			return err
		}
	}
	tasks, err := a.Store.Tasks(ctx, inc.ID)
	if err != nil {
		return err
	}
	completed := map[incident.Step]bool{}
	for _, x := range s.complete {
		completed[x] = true
	}
	ticked := 0
	for _, t := range tasks {
		if completed[t.Step] || ticked < s.ticks && inc.Steps.State(t.Step) != incident.StepPending {
			if _, err := a.SetTaskDone(ctx, po, inc.ID, t.ID, true); err != nil {
				return err
			}
			ticked++
		}
	}
	for _, n := range s.notes {
		if _, err := a.AddNote(ctx, po, inc.ID, incident.EntryDecision, n); err != nil {
			return err
		}
	}
	if s.facts != "" {
		at(step.Add(2 * time.Hour))
		if err := assess(ctx, a, po, inc.ID, s.title, s.report, s.facts); err != nil {
			return err
		}
	}
	at(step.Add(4 * time.Hour))
	for _, x := range s.complete {
		if _, err := a.MoveStep(ctx, po, inc.ID, x, app.CompleteStep, ""); err != nil {
			return err
		}
	}
	if s.lessons != "" {
		at(step.Add(24 * time.Hour))
		if err := review(ctx, a, po, inc.ID, s.cause, s.lessons); err != nil {
			return err
		}
	}
	if s.close != "" {
		at(now.Add(-time.Hour))
		if _, err := a.Close(ctx, po, inc.ID, s.close, false); err != nil {
			return err
		}
	}
	return nil
}

// review records the story's root cause and lessons, settles the Review
// checklist and completes the step.
func review(ctx context.Context, a *app.App, po *auth.User, id int64, cause, lessons string) error {
	if _, err := a.MoveStep(ctx, po, id, incident.Review, app.StartStep, ""); err != nil {
		return err
	}
	if _, err := a.AddRootCause(ctx, po, incident.RootCause{IncidentID: id, Category: "process_gap", Description: cause}); err != nil {
		return err
	}
	if err := a.SaveReview(ctx, po, id, app.ReviewNotes{WentWell: "The bag was reported at once and found within the hour.", Lessons: lessons}); err != nil {
		return err
	}
	tasks, err := a.Store.Tasks(ctx, id)
	if err != nil {
		return err
	}
	for _, t := range tasks {
		if t.Step != incident.Review {
			continue
		}
		c := app.TaskChange{Op: app.TaskDone}
		if !strings.Contains(t.Title, "root cause") && !strings.Contains(t.Title, "policies") && !strings.Contains(t.Title, "Evaluate") {
			c = app.TaskChange{Op: app.TaskNotApplicable, Reason: "A near miss: nothing was exposed, so a small review suffices."}
		}
		if _, err := a.UpdateTask(ctx, po, id, t.ID, c); err != nil {
			return err
		}
	}
	_, err = a.MoveStep(ctx, po, id, incident.Review, app.CompleteStep, "")
	return err
}

// assess records an assessment of the story's facts, as the privacy
// officer would on the Assess step.
func assess(ctx context.Context, a *app.App, po *auth.User, id int64, title string, r incident.Report, body string) error {
	o, err := a.Store.Organisation(ctx)
	if err != nil {
		return err
	}
	doc := fmt.Sprintf("schema: breachdesk/facts/v1\ntitle: %q\norganisation: {name: %q, subject_to: [%s]}\ntimeline: {discovered_at: %s}\n%s",
		title, o.Name, strings.Join(o.Laws, ", "), r.DiscoveredAt.UTC().Format(time.RFC3339), body)
	f, err := facts.Parse([]byte(doc))
	if err != nil {
		return err
	}
	raw, err := json.Marshal(f)
	if err != nil {
		return err
	}
	_, err = a.RecordAssessment(ctx, po, id, f, string(raw))
	return err
}
