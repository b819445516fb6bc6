package web

import (
	"net/http"

	"github.com/breachdesk/breachdesk/internal/dashboard"
)

// dashboardPage is the dashboard's charts.
type dashboardPage struct {
	Bars    []dashboard.BarChart
	Risk    dashboard.HeatMap
	Counted int
}

func (s *Server) dashboardPage(w http.ResponseWriter, r *http.Request) {
	d, err := s.Dashboard(r.Context(), currentUser(r))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, "dashboard", "Dashboard", dashboardPage{
		Bars: []dashboard.BarChart{d.ByMonth, d.ToContain, d.ToNotify, d.OnTime, d.ActionsByAge, d.Enquiries}, Risk: d.Risk, Counted: d.Counted})
}
