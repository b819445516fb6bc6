package web

import (
	"net/http"
	"strings"

	"github.com/breachdesk/breachdesk/internal/app"
	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/incident"
)

// homePage is the work queue: the first page after sign-in.
type homePage struct {
	app.WorkQueue
	PlanReminder string
}

// workLink is where a piece of work is done.
func workLink(w app.WorkItem) string {
	id := w.Inc.ID
	switch w.Kind {
	case app.WorkTriage:
		return tabHref(id, tabReport) + "#triage"
	case app.WorkDeadline:
		if w.Step == "assess" {
			return "/incidents/" + itoa(id) + "/assess"
		}
		return tabHref(id, "notify") + "#clocks"
	case app.WorkObligation:
		return tabHref(id, "notify") + "#ob-" + itoa(w.ID)
	case app.WorkTask:
		return tabHref(id, string(w.Step)) + "#task-" + itoa(w.ID)
	case app.WorkAction:
		return tabHref(id, "review") + "#actions"
	}
	return tabHref(id, string(w.Step))
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	q, err := s.Queue(r.Context(), currentUser(r))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	d := homePage{WorkQueue: q}
	if currentUser(r).Can(auth.EditPlan) {
		if d.PlanReminder, err = s.planReminder(r); err != nil {
			s.renderError(w, r, err)
			return
		}
	}
	s.render(w, r, "home", "My work", d)
}

// workRow is one line of a work list.
type workRow struct {
	Link, Ref, Text, When, Why, Title string
	Late                              bool
}

// worklistView is one of the work queue's lists, ready to show.
type worklistView struct {
	ID, Title, Empty string
	Items            []workRow
}

// worklist turns work items into lines saying what, where and why now.
func worklist(v view, id, title, empty string, items []app.WorkItem) worklistView {
	wl := worklistView{ID: id, Title: title, Empty: empty}
	for _, it := range items {
		row := workRow{Link: workLink(it), Ref: it.Inc.Ref(), Text: it.Text, Title: it.Inc.Title, Late: it.Overdue(v.Now)}
		var why []string
		switch {
		case it.Due != nil && row.Late:
			row.When = "overdue by " + incident.Human(v.Now.Sub(*it.Due))
			why = append(why, "was due "+v.T(*it.Due))
		case it.Due != nil:
			row.When = "due in " + incident.Human(it.Due.Sub(v.Now))
			why = append(why, v.T(*it.Due))
		}
		switch it.Kind {
		case app.WorkTask:
			why = append(why, it.Step.Label()+" task")
		case app.WorkObligation:
			why = append(why, "obligation")
		case app.WorkAction:
			why = append(why, "review action")
		case app.WorkOwned:
			why = append(why, "now: "+it.Step.Label())
		}
		if it.Mine && it.Kind != app.WorkOwned {
			why = append(why, "yours")
		}
		row.Why = strings.Join(why, " · ")
		wl.Items = append(wl.Items, row)
	}
	return wl
}
