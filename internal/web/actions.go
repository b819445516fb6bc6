package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/incident"
	"github.com/breachdesk/breachdesk/internal/notify"
)

// incidentFor loads the incident named in the path and checks that the
// user may have the access needed. An incident the user may not see is
// reported as not found, so its existence is not revealed.
func (s *Server) incidentFor(r *http.Request, need auth.Access) (*incident.Incident, auth.Access, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return nil, auth.NoAccess, notFoundErr("That incident was not found.")
	}
	inc, err := s.Incidents.Incident(r.Context(), id)
	if err != nil {
		return nil, auth.NoAccess, err
	}
	u := currentUser(r)
	part := false
	if !u.Can(auth.ViewAll) || !u.Can(auth.WorkIncident) {
		if part, err = s.Incidents.IsParticipant(r.Context(), id, u.ID); err != nil {
			return nil, auth.NoAccess, err
		}
	}
	acc := u.IncidentAccess(inc.ReporterID == u.ID, part)
	switch {
	case acc == auth.NoAccess:
		return nil, acc, fault.Errorf(fault.NotFound, "Incident %d was not found.", id)
	case acc < need:
		return nil, acc, fault.Errorf(fault.Forbidden, "You can read %s but not change it. The privacy officer can add you to the response.", inc.Ref())
	}
	return inc, acc, nil
}

// visibility restricts lists for users who may not see everything.
func visibility(u *auth.User) *incident.Visibility {
	if u.Can(auth.ViewAll) {
		return nil
	}
	return &incident.Visibility{UserID: u.ID, ReportsOnly: u.SeesReportsOnly()}
}

// privacyOfficers are the people told about every new report.
func (s *Server) privacyOfficers(ctx context.Context) []notify.Recipient {
	users, _ := s.Users.Users(ctx)
	var pos, admins []notify.Recipient
	for _, u := range users {
		switch {
		case u.Disabled:
		case u.Role == auth.PrivacyOfficer:
			pos = append(pos, notify.Recipient{UserID: u.ID, Email: u.Email})
		case u.Role == auth.Admin:
			admins = append(admins, notify.Recipient{UserID: u.ID, Email: u.Email})
		}
	}
	if len(pos) == 0 {
		return admins
	}
	return pos
}

func (s *Server) tell(ctx context.Context, to []notify.Recipient, inc *incident.Incident, text string) {
	if s.Notifier == nil || len(to) == 0 {
		return
	}
	if err := s.Notifier.Send(ctx, to, inc.ID, inc.Ref(), text); err != nil && s.Log != nil {
		s.Log.Warn("notification failed", "incident", inc.ID, "error", err)
	}
}

// createIncident stores a report and tells the privacy officer.
func (s *Server) createIncident(ctx context.Context, by incident.Actor, title string, rep incident.Report) (*incident.Incident, error) {
	inc, err := s.Incidents.CreateIncident(ctx, by, title, rep)
	if err != nil {
		return nil, err
	}
	what := "suspected breach"
	if rep.NearMiss {
		what = "near miss"
	}
	s.tell(ctx, s.privacyOfficers(ctx), inc, fmt.Sprintf("New %s reported as %s; it needs triage.", what, inc.Ref()))
	s.applyEscalationRules(ctx, inc.ID)
	return inc, nil
}

// applyEscalationRules evaluates the configured rules on the incident as
// it now stands: each firing goes on the timeline once, with its reason,
// and the first firing hands the incident to the response team. It runs
// after every report, triage and recorded assessment. Failures are
// logged: they must not undo the change that triggered them.
func (s *Server) applyEscalationRules(ctx context.Context, id int64) {
	if s.Escalation == nil {
		return
	}
	rules, err := s.Escalation.EscalationRules(ctx)
	if err == nil {
		var inc *incident.Incident
		if inc, err = s.Incidents.Incident(ctx, id); err == nil {
			by := incident.Actor{Name: "breachdesk (escalation rules)"}
			fired := false
			for _, r := range rules {
				if ok, reason := r.Fires(inc); ok {
					first, ferr := s.Escalation.RecordFiring(ctx, by, id, r, reason)
					fired, err = fired || first, ferr
					if err != nil {
						break
					}
				}
			}
			if err == nil && fired && !inc.Escalated && inc.Status != incident.StatusClosed && inc.Kind != incident.KindNotBreach {
				_, err = s.escalateIncident(ctx, by, id)
			}
		}
	}
	if err != nil && s.Log != nil {
		s.Log.Error("escalation rules", "incident", id, "error", err)
	}
}

// triageIncident classifies a report.
func (s *Server) triageIncident(ctx context.Context, by incident.Actor, id int64, t incident.Triage) (*incident.Incident, error) {
	ownerName := "nobody yet"
	if t.OwnerID != 0 {
		u, err := s.Users.User(ctx, t.OwnerID)
		if err != nil || u.Disabled || !u.Can(auth.WorkIncident) {
			return nil, &fault.Error{Code: fault.Invalid, Message: "Choose an owner who can work on incidents.", Fields: map[string]string{"owner_id": "Choose a privacy officer, responder or administrator."}}
		}
		ownerName = u.Name
	}
	inc, err := s.Incidents.UpdateIncident(ctx, by, id, func(i *incident.Incident) (incident.Change, error) {
		err := i.ApplyTriage(t, s.Now())
		return incident.Change{Kind: incident.EntryDecision, Action: "incident.triage",
			Text:    fmt.Sprintf("Triaged: %s, severity %s, owner %s.", t.Kind.Label(), strings.ToLower(t.Severity.Label()), ownerName),
			Details: map[string]any{"kind": t.Kind, "severity": t.Severity, "owner_id": t.OwnerID}}, err
	})
	if err == nil {
		s.applyEscalationRules(ctx, id)
	}
	if err == nil && t.OwnerID != 0 && t.OwnerID != by.UserID {
		if u, uerr := s.Users.User(ctx, t.OwnerID); uerr == nil {
			s.tell(ctx, []notify.Recipient{{UserID: u.ID, Email: u.Email}}, inc, "You are the owner of "+inc.Ref()+".")
		}
	}
	return inc, err
}

// escalateIncident hands the incident to the response team: its core
// members join the incident and are told.
func (s *Server) escalateIncident(ctx context.Context, by incident.Actor, id int64) (*incident.Incident, error) {
	var reasons []string
	rules, err := s.Escalation.EscalationRules(ctx)
	if err != nil {
		return nil, err
	}
	inc, err := s.Incidents.UpdateIncident(ctx, by, id, func(i *incident.Incident) (incident.Change, error) {
		reasons = i.EscalationReasons(rules)
		why := "at the privacy officer's discretion"
		if len(reasons) > 0 {
			why = "because " + strings.Join(reasons, "; ")
		}
		return incident.Change{Kind: incident.EntryDecision, Action: "incident.escalate", Text: "Escalated to the response team " + why + ".",
			Details: map[string]any{"criteria": len(reasons)}}, i.Escalate(s.Now())
	})
	if err != nil {
		return nil, err
	}
	users, err := s.Users.Users(ctx)
	if err != nil {
		return inc, err
	}
	var ps []incident.Participant
	var to []notify.Recipient
	for _, u := range users {
		if u.ResponseTeam && !u.Disabled && u.ID != by.UserID {
			ps = append(ps, incident.Participant{UserID: u.ID, Name: u.Name, Role: teamRoleOf(u)})
			to = append(to, notify.Recipient{UserID: u.ID, Email: u.Email})
		}
	}
	if err := s.Incidents.AddParticipants(ctx, by, id, ps); err != nil {
		return inc, err
	}
	s.tell(ctx, to, inc, inc.Ref()+" was escalated to the response team.")
	return inc, nil
}

// moveStep starts, completes or reopens a step. The Review step completes
// only once the review names a root cause and the lessons learned.
func (s *Server) moveStep(ctx context.Context, by incident.Actor, id int64, st incident.Step, action string) (*incident.Incident, error) {
	if st == incident.Review && action == "complete" {
		rv, err := s.Incidents.Review(ctx, id)
		if err != nil {
			return nil, err
		}
		if !rv.Complete() {
			return nil, fault.Errorf(fault.Conflict, "Before completing the review, record %s.", strings.Join(rv.Missing(), " and "))
		}
	}
	return s.Incidents.UpdateIncident(ctx, by, id, func(i *incident.Incident) (incident.Change, error) {
		now := s.Now()
		var err error
		var verb string
		switch action {
		case "start":
			err, verb = i.Start(st, now), "Started"
		case "complete":
			err, verb = i.Complete(st, now), "Completed"
		case "reopen":
			err, verb = i.Reopen(st), "Reopened"
		default:
			return incident.Change{}, fault.Errorf(fault.NotFound, "Unknown step action %q.", action)
		}
		return incident.Change{Kind: incident.EntryState, Action: "step." + action, Text: verb + " the " + st.Label() + " step.",
			Details: map[string]any{"step": st}}, err
	})
}

// setTaskDone ticks or unticks a task.
func (s *Server) setTaskDone(ctx context.Context, by incident.Actor, incID, taskID int64, done bool) (incident.Task, error) {
	return s.Incidents.UpdateTask(ctx, by, incID, taskID, func(t *incident.Task) (incident.Change, error) {
		if t.Done == done {
			return incident.Change{}, fault.Errorf(fault.Conflict, "The task is already %s.", map[bool]string{true: "done", false: "open"}[done])
		}
		now := s.Now()
		t.Done = done
		if done {
			t.DoneAt, t.DoneBy = &now, by.Name
			return incident.Change{Text: "Done: " + t.Title, Action: "task.done"}, nil
		}
		t.DoneAt, t.DoneBy = nil, ""
		return incident.Change{Text: "Reopened task: " + t.Title, Action: "task.reopen"}, nil
	})
}

// assignTask sets a task's assignee and due date.
func (s *Server) assignTask(ctx context.Context, by incident.Actor, incID, taskID, assignee int64, due *time.Time) (incident.Task, error) {
	name := "nobody"
	if assignee != 0 {
		u, err := s.Users.User(ctx, assignee)
		if err != nil || u.Disabled {
			return incident.Task{}, &fault.Error{Code: fault.Invalid, Message: "Choose someone to assign the task to.", Fields: map[string]string{"assignee_id": "That person has no active account."}}
		}
		name = u.Name
	}
	return s.Incidents.UpdateTask(ctx, by, incID, taskID, func(t *incident.Task) (incident.Change, error) {
		t.AssigneeID, t.DueAt = assignee, due
		text := "Assigned \"" + t.Title + "\" to " + name
		if t.DueAt != nil {
			text += ", due " + t.DueAt.Format("2 Jan 2006 15:04 MST")
		}
		return incident.Change{Text: text + ".", Action: "task.assign", Details: map[string]any{"assignee_id": assignee}}, nil
	})
}

// teamRoleOf is how a person takes part in a response: their team role,
// else their role in breachdesk.
func teamRoleOf(u auth.User) string {
	if l := auth.TeamRoleLabel(u.TeamRole); l != "" {
		return l
	}
	return "response team (" + u.Role.Label() + ")"
}
