package web

import (
	"encoding/json"
	"net/http"

	"github.com/breachdesk/breachdesk/internal/dashboard"
	"github.com/breachdesk/breachdesk/internal/incident"
)

func (s *Server) dashboardPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	var all []*incident.Incident
	for offset := 0; ; offset += 500 {
		incs, total, err := s.Incidents.Incidents(ctx, incident.Filter{Exercises: incident.NoExercises, Limit: 500, Offset: offset})
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		all = append(all, incs...)
		if offset+500 >= total {
			break
		}
	}
	harms := map[int64]dashboard.Harm{}
	for _, inc := range all {
		if inc.Status == incident.StatusClosed || inc.Facts == "" {
			continue
		}
		if as, err := s.Incidents.Assessments(ctx, inc.ID); err == nil && len(as) > 0 {
			var a struct{ Harm dashboard.Harm }
			if json.Unmarshal([]byte(as[0].Result), &a) == nil {
				harms[inc.ID] = a.Harm
			}
		}
	}
	actions, err := s.Incidents.OpenActions(ctx)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	d := dashboard.Build(all, actions, harms, s.Now())
	s.render(w, r, "dashboard", "Dashboard", map[string]any{
		"Bars": []dashboard.BarChart{d.ByMonth, d.ToContain, d.ToNotify, d.OnTime, d.ActionsByAge}, "Risk": d.Risk, "Counted": d.Counted})
}
