package store

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/deliver"
	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/incident"
	"github.com/breachdesk/breachdesk/internal/notice"
	"github.com/breachdesk/breachdesk/internal/vault"
)

// outboxFixture is an incident with n people and a running campaign.
func outboxFixture(t *testing.T, o opener, n int) (*DB, *time.Time, incident.Actor, deliver.Campaign, []notice.Affected) {
	t.Helper()
	ctx := context.Background()
	db, now := o.open(t)
	var err error
	if db.Sealer, err = vault.Create(t.TempDir()); err != nil {
		t.Fatal(err)
	}
	po := mustUser(t, db, "po@example.org", auth.PrivacyOfficer)
	by := incident.Actor{UserID: po.ID, Name: po.Name}
	inc, err := db.CreateIncident(ctx, by, "Mailing list", report(*now))
	if err != nil {
		t.Fatal(err)
	}
	var people []notice.Affected
	for i := 0; i < n; i++ {
		people = append(people, notice.Affected{Person: notice.Person{Name: fmt.Sprintf("Person %d", i), Email: fmt.Sprintf("p%d@example.org", i)}})
	}
	if err := db.AddAffected(ctx, po.ID, po.Name, inc.ID, people); err != nil {
		t.Fatal(err)
	}
	if people, err = db.AffectedPeople(ctx, inc.ID); err != nil {
		t.Fatal(err)
	}
	c, err := db.CreateCampaign(ctx, by, deliver.Campaign{IncidentID: inc.ID, Stage: 1, Version: 1, Option: 1, Fallback: []deliver.Channel{deliver.Email, deliver.Letter}})
	if err != nil {
		t.Fatal(err)
	}
	return db, now, by, c, people
}

// testOutboxClaimsLeasesAndRecords: messages are claimed once while
// their lease holds, again when it runs out (a dead worker), and their
// results move the campaign's counts.
func testOutboxClaimsLeasesAndRecords(t *testing.T, o opener) {
	ctx := context.Background()
	db, now, by, c, people := outboxFixture(t, o, 5)
	var es []deliver.NewEntry
	for _, p := range people {
		es = append(es, deliver.NewEntry{PersonID: p.ID, Channel: deliver.Email, RecipientKey: []byte(p.Email)})
	}
	if n, err := db.EnqueueMessages(ctx, c.ID, es); err != nil || n != 5 {
		t.Fatalf("enqueue: %d %v", n, err)
	}
	// Queuing again adds no one twice.
	if n, err := db.EnqueueMessages(ctx, c.ID, es[:2]); err != nil || n != 0 {
		t.Fatalf("enqueue again: %d %v", n, err)
	}
	email := []deliver.Channel{deliver.Email}
	// A queuing campaign is not sent yet.
	if got, err := db.ClaimMessages(ctx, "w1", email, *now, now.Add(time.Minute), 10); err != nil || len(got) != 0 {
		t.Fatalf("claimed from a queuing campaign: %v %v", got, err)
	}
	if _, err := db.SetCampaignStatus(ctx, by, c.IncidentID, c.ID, deliver.CampaignRunning, 0); err != nil {
		t.Fatal(err)
	}
	a, err := db.ClaimMessages(ctx, "w1", email, *now, now.Add(time.Minute), 3)
	if err != nil || len(a) != 3 || a[0].Attempts != 1 || a[0].Version != 1 {
		t.Fatalf("claim: %+v %v", a, err)
	}
	b, err := db.ClaimMessages(ctx, "w2", email, *now, now.Add(time.Minute), 10)
	if err != nil || len(b) != 2 {
		t.Fatalf("second worker: %d %v", len(b), err)
	}
	if got, _ := db.ClaimMessages(ctx, "w2", []deliver.Channel{deliver.SMS}, *now, now.Add(time.Minute), 10); len(got) != 0 {
		t.Fatal("an SMS worker claimed email")
	}
	// w2 dies; after its lease another worker takes its two.
	later := now.Add(2 * time.Minute)
	again, err := db.ClaimMessages(ctx, "w3", email, later, later.Add(time.Minute), 10)
	if err != nil || len(again) != 5 || again[0].Attempts != 2 {
		t.Fatalf("after the leases ran out: %d %v", len(again), err)
	}
	results := []deliver.Result{
		{EntryID: a[0].ID, Outcome: deliver.Outcome{Status: deliver.Sent, Detail: "250 ok"}, MessageID: "m0@x", Content: []byte("Dear Person 0"), ContentHash: []byte{1}, At: later},
		{EntryID: a[1].ID, Outcome: deliver.Outcome{Status: deliver.Failed, Detail: "550 5.1.1 <p1@example.org>: no such user"}, At: later},
		{EntryID: a[2].ID, Outcome: deliver.Outcome{Status: deliver.Queued, Detail: "451 try later"}, NextAttempt: later.Add(time.Hour), At: later},
	}
	if err := db.RecordResults(ctx, "w3", results); err != nil {
		t.Fatal(err)
	}
	counts, err := db.CampaignCounts(ctx, c.ID)
	if err != nil || counts.Total(deliver.Sent) != 1 || counts.Total(deliver.Failed) != 1 || counts.Pending() != 3 || counts.Total("") != 5 {
		t.Fatalf("counts: %+v %v", counts, err)
	}
	recs, err := db.Records(ctx, c.ID, deliver.Failed, 0, 10)
	if err != nil || len(recs) != 1 || recs[0].Detail != "550 5.1.1 <<address>>: no such user" {
		t.Fatalf("failed records (the address must be redacted): %+v %v", recs, err)
	}
	if got, err := db.Content(ctx, c.IncidentID, a[0].ID); err != nil || string(got) != "Dear Person 0" {
		t.Fatalf("archived content: %q %v", got, err)
	}
	// The retried one is not due for an hour.
	if got, _ := db.ClaimMessages(ctx, "w3", email, later.Add(time.Minute), later.Add(2*time.Minute), 10); len(got) != 0 {
		t.Fatalf("a message was claimed before its next attempt: %+v", got)
	}

	// A bounce found by Message-ID; a delivery report for the failed one
	// changes nothing; an event for no message is ignored.
	n, err := db.ApplyEvents(ctx, incident.Actor{}, []deliver.Event{
		{MessageID: "m0@x", Status: deliver.Bounced, Reason: "5.1.1 unknown user", Source: "dsn"},
		{EntryID: a[1].ID, Status: deliver.Delivered, Source: "ses"},
		{MessageID: "nobody@x", Status: deliver.Bounced},
	})
	if err != nil || n != 1 {
		t.Fatalf("events: %d %v", n, err)
	}
	counts, _ = db.CampaignCounts(ctx, c.ID)
	if counts.Total(deliver.Sent) != 0 || counts.Total(deliver.Bounced) != 1 || counts.Total(deliver.Failed) != 1 {
		t.Fatalf("counts after the bounce: %+v", counts)
	}

	// Cancelling ends what was not handed over; a paused campaign's
	// messages are not claimed.
	if _, err := db.SetCampaignStatus(ctx, by, c.IncidentID, c.ID, deliver.CampaignPaused, -1); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.ClaimMessages(ctx, "w3", email, later.Add(3*time.Hour), later.Add(4*time.Hour), 10); len(got) != 0 {
		t.Fatalf("claimed from a paused campaign: %+v", got)
	}
	cc, err := db.SetCampaignStatus(ctx, by, c.IncidentID, c.ID, deliver.CampaignCancelled, -1)
	if err != nil || cc.EndedAt == nil {
		t.Fatal(err)
	}
	counts, _ = db.CampaignCounts(ctx, c.ID)
	if counts.Total(deliver.Cancelled) != 1 || counts.Total(deliver.Queued) != 2 {
		t.Fatalf("counts after cancelling (the two still leased stay until recorded): %+v", counts)
	}
	if _, err := db.SetCampaignStatus(ctx, by, c.IncidentID, c.ID, deliver.CampaignRunning, -1); fault.CodeOf(err) != fault.Conflict {
		t.Fatalf("a cancelled campaign was resumed: %v", err)
	}
	if _, err := db.EnqueueMessages(ctx, c.ID, es); fault.CodeOf(err) != fault.Conflict { // cancelled
		t.Fatalf("messages added to a cancelled campaign: %v", err)
	}
}

func testSecretsAndReferences(t *testing.T, o opener) {
	ctx := context.Background()
	db, _, _, c, people := outboxFixture(t, o, 2)
	s1, err := db.Secret(ctx, "delivery")
	if err != nil || len(s1) != 32 {
		t.Fatal(err)
	}
	s2, err := db.Secret(ctx, "delivery")
	if err != nil || string(s1) != string(s2) {
		t.Fatal("the secret changed")
	}
	refs := []deliver.Reference{{IncidentID: c.IncidentID, PersonID: people[0].ID, Key: []byte("k0"), CheckKey: []byte("c0"), CheckKind: "postcode", Value: "AAAA-BBBB-CCCC-DDDD"}}
	if err := db.SetReferences(ctx, refs); err != nil {
		t.Fatal(err)
	}
	refs[0].Value = "ZZZZ-ZZZZ-ZZZZ-ZZZZ"
	refs[0].Key = []byte("other")
	if err := db.SetReferences(ctx, refs); err != nil {
		t.Fatal(err)
	}
	r, err := db.FindReference(ctx, []byte("k0"))
	if err != nil || r.Value != "AAAA-BBBB-CCCC-DDDD" || r.PersonID != people[0].ID {
		t.Fatalf("a person's reference changed or was not found: %+v %v", r, err)
	}
	if _, err := db.FindReference(ctx, []byte("nope")); fault.CodeOf(err) != fault.NotFound {
		t.Fatalf("unknown key: %v", err)
	}
}

// testKeyRotationResealsDelivery: rotating the data key seals again the
// copies of messages sent, the lookup references, enquiries' notes and
// the secrets, so everything opens under the new key and nothing under
// the old.
func testKeyRotationResealsDelivery(t *testing.T, o opener) {
	ctx := context.Background()
	db, now, by, c, people := outboxFixture(t, o, 1)
	if _, err := db.EnqueueMessages(ctx, c.ID, []deliver.NewEntry{{PersonID: people[0].ID, Channel: deliver.Email}}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SetCampaignStatus(ctx, by, c.IncidentID, c.ID, deliver.CampaignRunning, 0); err != nil {
		t.Fatal(err)
	}
	es, err := db.ClaimMessages(ctx, "w", []deliver.Channel{deliver.Email}, *now, now.Add(time.Minute), 1)
	if err != nil || len(es) != 1 {
		t.Fatal(err)
	}
	if err := db.RecordResults(ctx, "w", []deliver.Result{{EntryID: es[0].ID, Outcome: deliver.Outcome{Status: deliver.Sent}, Content: []byte("Dear Person 0"), At: *now}}); err != nil {
		t.Fatal(err)
	}
	if err := db.SetReferences(ctx, []deliver.Reference{{IncidentID: c.IncidentID, PersonID: people[0].ID, Key: []byte("k"), CheckKey: []byte("c"), CheckKind: "postcode", Value: "AAAA-BBBB-CCCC-DDDD"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddEnquiry(ctx, by, deliver.Enquiry{IncidentID: c.IncidentID, At: *now, Channel: "phone", Category: "affected", Outcome: "answered", Notes: "Caller: Person 0"}); err != nil {
		t.Fatal(err)
	}
	secret, err := db.Secret(ctx, "delivery")
	if err != nil {
		t.Fatal(err)
	}
	old := db.Sealer
	fresh, err := vault.New(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ResealAll(ctx, old, fresh); err != nil {
		t.Fatal(err)
	}
	db.Sealer = fresh
	if got, err := db.Content(ctx, c.IncidentID, es[0].ID); err != nil || string(got) != "Dear Person 0" {
		t.Fatalf("message copy after rotation: %q %v", got, err)
	}
	if r, err := db.Reference(ctx, c.IncidentID, people[0].ID); err != nil || r.Value != "AAAA-BBBB-CCCC-DDDD" {
		t.Fatalf("reference after rotation: %+v %v", r, err)
	}
	if e, err := db.Enquiries(ctx, c.IncidentID); err != nil || len(e) != 1 || e[0].Notes != "Caller: Person 0" {
		t.Fatalf("enquiry after rotation: %+v %v", e, err)
	}
	if s, err := db.Secret(ctx, "delivery"); err != nil || !bytes.Equal(s, secret) {
		t.Fatalf("the secret changed or does not open: %v", err)
	}
	db.Sealer = old
	if _, err := db.Content(ctx, c.IncidentID, es[0].ID); err == nil {
		t.Fatal("the old key still opens a message copy")
	}
}
