package app

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/breachdesk/breachdesk/internal/incident"
	"github.com/breachdesk/breachdesk/internal/jobs"
	"github.com/breachdesk/breachdesk/internal/notify"
)

// RemindersKind is the periodic job that reminds people of deadlines and
// of the plan's review.
const RemindersKind = "reminders"

// RemindersArgs is one period's run of the reminders.
type RemindersArgs struct {
	// Period is when the period began.
	Period time.Time `json:"period"`
	// Previous is when the period before began: a run covers it when it
	// never ran (see RunReminders).
	Previous time.Time `json:"previous,omitzero"`
}

// Kind is the reminders' kind of job.
func (RemindersArgs) Kind() string { return RemindersKind }

type remindersWorker struct {
	river.WorkerDefaults[RemindersArgs]
	a *App
}

func (a *App) addRemindersWorker(ws *river.Workers) error {
	return river.AddWorkerSafely(ws, &remindersWorker{a: a})
}

// remindersJob is inserted by the leader at each boundary of every, and
// once when a process becomes leader (a period whose leader died still
// runs, and so does the one before it: see RunReminders). The same period
// inserted twice is one job (unique by its arguments), and its effect is
// applied once in any case.
func remindersJob(every time.Duration) *river.PeriodicJob {
	return river.NewPeriodicJob(aligned(every), func() (river.JobArgs, *river.InsertOpts) {
		period := time.Now().UTC().Truncate(every)
		return RemindersArgs{Period: period, Previous: period.Add(-every)}, &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}}
	}, &river.PeriodicJobOpts{ID: RemindersKind, RunOnStart: true})
}

// Work runs one period's reminders.
func (w *remindersWorker) Work(ctx context.Context, job *river.Job[RemindersArgs]) error {
	_, _, err := w.a.RunReminders(ctx, job.Args.Period, job.Args.Previous, job.ID)
	return err
}

// dueSoon is how far ahead a deadline is announced.
const dueSoon = 24 * time.Hour

// RunReminders reminds, once each: an incident's owner (or the privacy
// officers when it has none) when an obligation's deadline is within a
// day and again when it has passed, and the privacy officers, once a
// week, while the response plan is due for review. The period's run and
// its reminders are recorded in one transaction, so a period runs once
// however many processes try; ran is false when it had run already. The
// previous period (zero for none) is recorded as covered by this run
// when it never ran although the cluster was up before it: its leader
// died before inserting its job and the next leader came after it ended.
// Reminders are of what is due now, so this run sends what it would
// have, late by a period at most; a longer gap is not covered.
func (a *App) RunReminders(ctx context.Context, period, previous time.Time, jobID int64) (sent int, ran bool, err error) {
	now := a.Now()
	due, err := a.Store.ObligationsDue(ctx, now.Add(dueSoon))
	if err != nil {
		return 0, false, err
	}
	pos, err := a.privacyOfficers(ctx)
	if err != nil {
		return 0, false, err
	}
	o, err := a.Organisation(ctx)
	if err != nil {
		return 0, false, err
	}
	zone, err := time.LoadLocation(o.TimeZone)
	if err != nil {
		zone = time.UTC
	}
	emails := map[int64]string{}
	ids := func(rs []notify.Recipient) []int64 {
		out := make([]int64, len(rs))
		for k, r := range rs {
			out[k], emails[r.UserID] = r.UserID, r.Email
		}
		return out
	}
	poIDs := ids(pos)
	var rs []jobs.Reminder
	for _, d := range due {
		r := obligationReminder(d, now, zone)
		r.UserIDs = poIDs
		if d.OwnerID != 0 {
			owner, err := a.Store.User(ctx, d.OwnerID)
			if err != nil {
				return 0, false, err
			}
			if !owner.Disabled {
				r.UserIDs, emails[owner.ID] = []int64{owner.ID}, owner.Email
			}
		}
		rs = append(rs, r)
	}
	st, err := a.Plan(ctx, System)
	if err != nil {
		return 0, false, err
	}
	if st.Reminder != "" {
		y, w := now.ISOWeek()
		rs = append(rs, jobs.Reminder{Key: fmt.Sprintf("plan:review:%d-W%02d", y, w), UserIDs: poIDs, Text: "The response plan is due for review: " + st.Reminder})
	}
	done, ran, err := a.Store.RunPeriodic(ctx, RemindersKind, period, previous, jobID, rs)
	if err != nil || !ran {
		return 0, ran, err
	}
	if a.Notifier != nil {
		for _, r := range done {
			to := make([]notify.Recipient, len(r.UserIDs))
			for k, id := range r.UserIDs {
				to[k] = notify.Recipient{UserID: id, Email: emails[id]}
			}
			ref := "breachdesk"
			if r.IncidentID != 0 {
				ref = (&incident.Incident{ID: r.IncidentID}).Ref()
			}
			a.Notifier.Email(to, r.IncidentID, ref, r.Text)
		}
	}
	return len(done), true, nil
}

// obligationReminder is the reminder of one obligation's deadline, keyed
// by the obligation, the stage and the deadline, so a deadline that moves
// is announced again.
func obligationReminder(d incident.DueObligation, now time.Time, zone *time.Location) jobs.Reminder {
	at := d.Deadline()
	ref := (&incident.Incident{ID: d.IncidentID}).Ref()
	what := d.Citation
	if d.Recipient != "" {
		what += " (" + d.Recipient + ")"
	}
	when := at.In(zone).Format("2 Jan 2006 15:04 MST")
	stage, text := "due-soon", fmt.Sprintf("%s on %s is due by %s.", what, ref, when)
	if !now.Before(*at) {
		stage, text = "overdue", fmt.Sprintf("%s on %s was due by %s and is not done.", what, ref, when)
	}
	return jobs.Reminder{Key: fmt.Sprintf("obligation:%d:%s:%s", d.ID, stage, at.UTC().Format(time.RFC3339)), IncidentID: d.IncidentID, Text: text}
}
