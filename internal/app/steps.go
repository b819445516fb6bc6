package app

import (
	"context"
	"io"
	"strings"
	"time"

	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/incident"
)

// StepAction is what a person does to a step.
type StepAction string

// The step actions.
const (
	StartStep    StepAction = "start"
	CompleteStep StepAction = "complete"
	ReopenStep   StepAction = "reopen"
)

// ParseStepAction reads a step action from a path or a request body.
func ParseStepAction(s string) (StepAction, bool) {
	switch a := StepAction(s); a {
	case StartStep, CompleteStep, ReopenStep:
		return a, true
	}
	return "", false
}

// MoveStep starts, completes or reopens a step. A step completes once
// what it is for has been done (incident.Unfinished); the Review step
// also needs a root cause and the lessons learned. An administrator may
// complete a step anyway with override, the reason, which the timeline
// and the audit log keep with what was outstanding. Returns
// fault.Conflict, saying what must happen first, when the rules refuse,
// and fault.Forbidden for an override by anyone else.
func (a *App) MoveStep(ctx context.Context, u *auth.User, id int64, st incident.Step, action StepAction, override string) (*incident.Incident, error) {
	if _, err := a.work(ctx, u, id, auth.WorkIncident); err != nil {
		return nil, err
	}
	override = strings.TrimSpace(override)
	if override != "" && (action != CompleteStep || !u.Can(auth.OverrideClose)) {
		return nil, fault.Errorf(fault.Forbidden, "Only an administrator can complete a step with work outstanding.")
	}
	var tasks []incident.Task
	var reviewMissing []string
	if action == CompleteStep {
		var err error
		if tasks, err = a.Store.Tasks(ctx, id); err != nil {
			return nil, err
		}
		if st == incident.Review {
			rv, err := a.Store.Review(ctx, id)
			if err != nil {
				return nil, err
			}
			reviewMissing = rv.Missing()
			if len(reviewMissing) > 0 && override == "" {
				return nil, &fault.Error{Code: fault.Conflict, Message: "Before completing the review, record " + strings.Join(reviewMissing, " and ") + ".",
					Fields: map[string]string{"lessons": "Write the lessons learned.", "description": "Add at least one root cause."}}
			}
		}
	}
	return a.Store.UpdateIncident(ctx, actorOf(u), id, func(i *incident.Incident) (incident.Change, error) {
		now := a.Now()
		ch := incident.Change{Kind: incident.EntryState, Action: "step." + string(action), Details: map[string]any{"step": st}}
		var err error
		switch action {
		case StartStep:
			err, ch.Text = i.Start(st, now), "Started the "+st.Label()+" step."
		case CompleteStep:
			outstanding := append(i.Unfinished(st, tasks), reviewMissing...)
			err, ch.Text = i.Complete(st, tasks, override, now), "Completed the "+st.Label()+" step."
			if override != "" && len(outstanding) > 0 {
				ch.Kind = incident.EntryDecision
				ch.Text = "Completed the " + st.Label() + " step with work outstanding (administrator override): " + override + ". Outstanding: " + strings.Join(outstanding, "; ") + "."
				ch.Details["override"] = true
			}
		case ReopenStep:
			err, ch.Text = i.Reopen(st), "Reopened the "+st.Label()+" step."
		default:
			return ch, fault.Errorf(fault.NotFound, "Unknown step action %q.", action)
		}
		return ch, err
	})
}

// AddTask adds a task to a step's checklist, optionally assigned and due.
// Returns fault.Invalid for a missing title, an unknown step or an
// assignee without an active account.
func (a *App) AddTask(ctx context.Context, u *auth.User, t incident.Task) (incident.Task, error) {
	if _, err := a.work(ctx, u, t.IncidentID, auth.WorkIncident); err != nil {
		return t, err
	}
	if _, err := a.assignee(ctx, t.AssigneeID); err != nil {
		return t, err
	}
	return a.Store.AddTask(ctx, actorOf(u), t)
}

// TaskOp is what a person does to a task.
type TaskOp string

// The task changes.
const (
	TaskDone          TaskOp = "done"   // tick it
	TaskNotApplicable TaskOp = "na"     // mark it not applicable, with the reason
	TaskUndo          TaskOp = "undo"   // open it again
	TaskAssign        TaskOp = "assign" // set its assignee and due time
)

// TaskChange is one change to a task.
type TaskChange struct {
	Op         TaskOp
	AssigneeID int64
	Due        *time.Time
	// Reason says why a task does not apply.
	Reason string
}

// UpdateTask applies one change to a task. Returns fault.Invalid for an
// unknown change, and the errors of SetTaskDone and AssignTask.
func (a *App) UpdateTask(ctx context.Context, u *auth.User, incID, taskID int64, c TaskChange) (incident.Task, error) {
	if _, err := a.work(ctx, u, incID, auth.WorkIncident); err != nil {
		return incident.Task{}, err
	}
	switch c.Op {
	case TaskDone, TaskUndo:
		return a.SetTaskDone(ctx, u, incID, taskID, c.Op == TaskDone)
	case TaskNotApplicable:
		by := actorOf(u)
		return a.Store.UpdateTask(ctx, by, incID, taskID, func(t *incident.Task) (incident.Change, error) {
			err := t.MarkNotApplicable(c.Reason, by.Name, a.Now())
			return incident.Change{Text: "Not applicable: " + t.Title + ". Reason: " + t.NotApplicable, Action: "task.not_applicable"}, err
		})
	case TaskAssign:
		return a.AssignTask(ctx, u, incID, taskID, c.AssigneeID, c.Due)
	}
	return incident.Task{}, &fault.Error{Code: fault.Invalid, Message: "Unknown task change.", Fields: map[string]string{"op": "Use done, na, undo or assign."}}
}

// SetTaskDone ticks a task, or opens it again (done false) whether it was
// done or marked not applicable. Returns fault.Conflict when it is
// already so.
func (a *App) SetTaskDone(ctx context.Context, u *auth.User, incID, taskID int64, done bool) (incident.Task, error) {
	if _, err := a.work(ctx, u, incID, auth.WorkIncident); err != nil {
		return incident.Task{}, err
	}
	by := actorOf(u)
	return a.Store.UpdateTask(ctx, by, incID, taskID, func(t *incident.Task) (incident.Change, error) {
		if t.Done == done && (done || t.NotApplicable == "") {
			return incident.Change{}, fault.Errorf(fault.Conflict, "The task is already %s.", map[bool]string{true: "done", false: "open"}[done])
		}
		now := a.Now()
		t.Done, t.NotApplicable = done, ""
		if done {
			t.DoneAt, t.DoneBy = &now, by.Name
			return incident.Change{Text: "Done: " + t.Title, Action: "task.done"}, nil
		}
		t.DoneAt, t.DoneBy = nil, ""
		return incident.Change{Text: "Reopened task: " + t.Title, Action: "task.reopen"}, nil
	})
}

// AssignTask sets a task's assignee (0 for nobody) and due time. Returns
// fault.Invalid when the assignee has no active account.
func (a *App) AssignTask(ctx context.Context, u *auth.User, incID, taskID, assigneeID int64, due *time.Time) (incident.Task, error) {
	if _, err := a.work(ctx, u, incID, auth.WorkIncident); err != nil {
		return incident.Task{}, err
	}
	o, err := a.Organisation(ctx)
	if err != nil {
		return incident.Task{}, err
	}
	name, err := a.assignee(ctx, assigneeID)
	if err != nil {
		return incident.Task{}, err
	}
	return a.Store.UpdateTask(ctx, actorOf(u), incID, taskID, func(t *incident.Task) (incident.Change, error) {
		t.AssigneeID, t.DueAt = assigneeID, due
		text := "Assigned \"" + t.Title + "\" to " + name
		if t.DueAt != nil {
			text += ", due " + t.DueAt.In(o.Location()).Format("2 Jan 2006 15:04 MST")
		}
		return incident.Change{Text: text + ".", Action: "task.assign", Details: map[string]any{"assignee_id": assigneeID}}, nil
	})
}

// assignee names the person a task is assigned to: "nobody" for 0.
func (a *App) assignee(ctx context.Context, id int64) (string, error) {
	if id == 0 {
		return "nobody", nil
	}
	p, err := a.Store.User(ctx, id)
	if fault.CodeOf(err) != fault.NotFound && err != nil {
		return "", err
	}
	if err != nil || p.Disabled {
		return "", &fault.Error{Code: fault.Invalid, Message: "Choose someone to assign the task to.", Fields: map[string]string{"assignee_id": "That person has no active account."}}
	}
	return p.Name, nil
}

// AddNote adds a note or a decision (with its reasons) to the timeline.
// Returns fault.Invalid for an empty or over-long text.
func (a *App) AddNote(ctx context.Context, u *auth.User, id int64, kind incident.TimelineKind, text string) (incident.Entry, error) {
	if _, err := a.work(ctx, u, id, auth.WorkIncident); err != nil {
		return incident.Entry{}, err
	}
	if kind != incident.EntryDecision {
		kind = incident.EntryNote
	}
	return a.Store.AddNote(ctx, actorOf(u), id, kind, text)
}

// AddEvidence stores a file (encrypted, content-addressed) and records it
// on the incident with what it shows. Returns fault.TooLarge for a file
// over the limit.
func (a *App) AddEvidence(ctx context.Context, u *auth.User, id int64, filename string, r io.Reader, description string) (incident.Evidence, error) {
	if _, err := a.work(ctx, u, id, auth.WorkIncident); err != nil {
		return incident.Evidence{}, err
	}
	if r == nil {
		return incident.Evidence{}, &fault.Error{Code: fault.Invalid, Message: "Choose a file to attach.", Fields: map[string]string{"file": "No file was received."}}
	}
	st, err := a.Files.Save(ctx, filename, r)
	if err != nil {
		return incident.Evidence{}, err
	}
	desc := strings.TrimSpace(description)
	if len(desc) > 2000 {
		desc = desc[:2000]
	}
	if a.Log != nil {
		a.Log.Info("evidence stored", "incident", id, "file", st.Describe())
	}
	return a.Store.AddEvidence(ctx, actorOf(u), incident.Evidence{IncidentID: id, Filename: st.Filename,
		ContentType: st.ContentType, Size: st.Size, SHA256: st.SHA256, Description: desc})
}

// Evidence opens one evidence file for reading, with its description.
// Returns fault.NotFound when it is not evidence of that incident.
func (a *App) Evidence(ctx context.Context, u *auth.User, id, evidenceID int64) (incident.Evidence, io.ReadCloser, error) {
	inc, _, err := a.Open(ctx, u, id, auth.ReadAccess)
	if err != nil {
		return incident.Evidence{}, nil, err
	}
	ev, err := a.Store.EvidenceItem(ctx, id, evidenceID)
	if err != nil {
		return ev, nil, err
	}
	if team, err := a.SeesTeamWork(ctx, u, inc); err != nil {
		return ev, nil, err
	} else if !team && ev.UploadedByID != u.ID {
		// Another's evidence does not exist for a reporter.
		return incident.Evidence{}, nil, fault.Errorf(fault.NotFound, "That evidence file was not found.")
	}
	f, err := a.Files.Open(ctx, ev.SHA256)
	return ev, f, err
}
