package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/breachdesk/breachdesk/internal/incident"
)

// LoadIncidents writes n synthetic incidents for load tests, 1,000 to a
// transaction, each as a real report is written (its steps, seeded
// checklist, timeline and audit entries) and then taken some way through
// the response: triaged, owned, assessed with obligations, closed. The
// same seed gives the same data. owners are the accounts that own them.
func (db *DB) LoadIncidents(ctx context.Context, by incident.Actor, owners []int64, n int, seed uint64, now time.Time) error {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	titles := []string{"Customer list emailed to the wrong supplier", "Laptop stolen from a car", "Ransomware on the file server",
		"Payroll spreadsheet on a public share", "Letters sent to the wrong addresses", "Phishing: mailbox accessed", "USB stick lost"}
	for done := 0; done < n; {
		batch := min(1000, n-done)
		err := db.tx(ctx, func(tx *Tx) error {
			for range batch {
				discovered := now.Add(-time.Duration(rng.Int64N(int64(5 * 365 * 24 * time.Hour))))
				people := 1 + rng.IntN(5000)
				r := incident.Report{WhatHappened: "A synthetic incident for load tests.", DiscoveredAt: discovered,
					DataCategories: []string{"name", "contact"}, PeopleCount: &people, Cause: "human_error", Ongoing: "no", NearMiss: rng.IntN(10) == 0}
				title := fmt.Sprintf("%s %d", titles[rng.IntN(len(titles))], done)
				id, err := db.insertIncident(ctx, tx, by, title, r, nil)
				if err != nil {
					return err
				}
				done++
				stage := rng.IntN(10) // 0-1 reported, 2-3 open, 4-9 closed
				if stage < 2 {
					continue
				}
				owner := owners[rng.IntN(len(owners))]
				status, kind := incident.StatusOpen, incident.KindBreach
				if rng.IntN(4) == 0 {
					kind = incident.KindNearMiss
				}
				var closed any
				if stage >= 4 {
					status, closed = incident.StatusClosed, ts(discovered.Add(30*24*time.Hour))
				}
				if _, err := tx.ExecContext(ctx, `UPDATE incidents SET status=?, kind=?, triaged=TRUE, severity=?, owner_id=?, closed_at=?, updated_at=? WHERE id=?`,
					status, kind, []string{"low", "medium", "high"}[rng.IntN(3)], owner, closed, ts(now), id); err != nil {
					return err
				}
				if err := db.addEntry(ctx, tx, by, id, incident.EntryState, "Triaged."); err != nil {
					return err
				}
				if err := db.appendAudit(ctx, tx, by, "incident.triage", "incident:"+itoa(id), id, map[string]any{"kind": kind}); err != nil {
					return err
				}
				if err := db.addEntry(ctx, tx, by, id, incident.EntryNote, "Contained; the recipient confirmed deletion."); err != nil {
					return err
				}
				if kind == incident.KindBreach && rng.IntN(2) == 0 {
					due := discovered.Add(72 * time.Hour)
					st := "pending"
					if status == incident.StatusClosed {
						st = "done"
					}
					for _, o := range []incident.Obligation{
						{IncidentID: id, RuleID: "nz.commissioner", Regime: "nz_privacy_act", Audience: "regulator", Citation: "s 114", Decision: "required", TargetAt: &due, Status: incident.ObligationStatus(st)},
						{IncidentID: id, RuleID: "au.oaic", Regime: "au_ndb", Audience: "regulator", Citation: "s 26WK", Decision: "required", TargetAt: &due, Status: incident.ObligationStatus(st)},
					} {
						if err := db.writeObligation(ctx, tx, o); err != nil {
							return err
						}
					}
					if err := db.appendAudit(ctx, tx, by, "incident.assess", "incident:"+itoa(id), id, nil); err != nil {
						return err
					}
				}
				if status == incident.StatusClosed {
					if _, err := tx.ExecContext(ctx, `UPDATE incident_steps SET state='done', started_at=?, done_at=? WHERE incident_id=?`, ts(discovered), closed, id); err != nil {
						return err
					}
					if err := db.appendAudit(ctx, tx, by, "incident.close", "incident:"+itoa(id), id, nil); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}
