package dashboard

import (
	"strings"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/internal/incident"
)

func TestBuildCountsEachChart(t *testing.T) {
	now := time.Date(2026, 6, 15, 12, 0, 0, 0, time.UTC)
	mk := func(id int64, cause string, found time.Time, kind incident.Kind) *incident.Incident {
		i := &incident.Incident{ID: id, Kind: kind, Status: incident.StatusOpen, Steps: incident.NewSteps()}
		i.Report.Cause, i.Report.DiscoveredAt = cause, found
		return i
	}
	a := mk(1, "human_error", now.Add(-100*time.Hour), incident.KindBreach)
	contained := a.Report.DiscoveredAt.Add(10 * time.Hour)
	a.Steps[incident.Contain] = incident.StepProgress{State: incident.StepDone, DoneAt: &contained}
	late := a.Report.DiscoveredAt.Add(90 * time.Hour)
	due := a.Report.DiscoveredAt.Add(72 * time.Hour)
	a.Obligations = []incident.Obligation{
		{Regime: incident.RegimeEU, Audience: "regulator", Status: incident.ObligationDone, DoneAt: &late, DueAt: &due},
		{Regime: incident.RegimeNZ, Audience: "regulator", Status: incident.ObligationPending, TargetAt: &due},
	}
	b := mk(2, "malicious_external", now.AddDate(0, -2, 0), incident.KindNearMiss)
	c := mk(3, "", now.AddDate(-2, 0, 0), incident.KindBreach) // outside the 12 months
	x := mk(4, "human_error", now, incident.KindNotBreach)     // not counted
	due2 := now.Add(-time.Hour)
	actions := []incident.Action{{CreatedAt: now.AddDate(0, 0, -40), DueAt: &due2}, {CreatedAt: now.AddDate(0, 0, -2)}}
	d := Build([]*incident.Incident{a, b, c, x}, actions, map[int64]Harm{1: {"possible", "very_high"}}, now)
	if d.Counted != 3 {
		t.Fatalf("counted %d", d.Counted)
	}
	sum := func(c BarChart) float64 {
		s := 0.0
		for _, se := range c.Series {
			for _, v := range se.Values {
				s += v
			}
		}
		return s
	}
	if sum(d.ByMonth) != 2 || d.ByMonth.Series[0].Values[11] != 1 || d.ByMonth.Series[1].Values[9] != 1 {
		t.Fatalf("by month: %+v", d.ByMonth.Series[:2])
	}
	if d.ToContain.Series[0].Values[0] != 1 || d.ToNotify.Series[0].Values[3] != 1 {
		t.Fatalf("times: %v %v", d.ToContain.Series[0].Values, d.ToNotify.Series[0].Values)
	}
	if d.OnTime.Series[1].Values[3] != 1 || d.OnTime.Series[2].Values[0] != 1 {
		t.Fatalf("on time: %+v", d.OnTime.Series)
	}
	if d.ActionsByAge.Series[0].Values[2] != 1 || d.ActionsByAge.Series[1].Values[0] != 1 {
		t.Fatalf("actions: %+v", d.ActionsByAge.Series)
	}
	if d.Risk.Counts[2][3] != 1 {
		t.Fatalf("risk: %v", d.Risk.Counts)
	}
	svg := string(d.ToNotify.SVG())
	if !strings.Contains(svg, `role="img"`) || !strings.Contains(svg, "<title id=\"notify-t\">Time from awareness to telling the regulator</title>") || !strings.Contains(svg, "72 hours") {
		t.Fatalf("svg: %.300s", svg)
	}
	if tb := d.OnTime.Table(); len(tb.Rows) != 5 || tb.Header[1] != "On time" {
		t.Fatalf("table: %+v", tb)
	}
	evil := BarChart{ID: "x", Title: "<script>", Categories: []string{"a<b"}, Series: []Series{{Name: "s", Values: []float64{1}}}, Marker: -1}
	if strings.Contains(string(evil.SVG()), "<script>") {
		t.Fatal("chart text is not escaped")
	}
}
