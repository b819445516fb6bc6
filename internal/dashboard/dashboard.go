package dashboard

import (
	"fmt"
	"time"

	"github.com/breachdesk/breachdesk/internal/incident"
)

// Harm is an incident's latest assessed likelihood and severity.
type Harm struct{ Likelihood, Severity string }

// Dashboard holds the charts.
type Dashboard struct {
	ByMonth      BarChart
	ToContain    BarChart
	ToNotify     BarChart
	OnTime       BarChart
	ActionsByAge BarChart
	// Enquiries counts what affected people and the public asked about.
	Enquiries BarChart
	Risk      HeatMap
	Counted   int // incidents and near misses counted
}

var causeColours = []struct{ id, label, colour string }{
	{"human_error", "Human error", "#1f77b4"}, {"malicious_external", "Malicious (outside)", "#d62728"},
	{"malicious_internal", "Malicious (inside)", "#9467bd"}, {"theft_or_loss", "Theft or loss", "#ff7f0e"},
	{"system_fault", "System fault", "#2ca02c"}, {"", "Not known", "#8c8c8c"},
}

// EnquiryChart draws the enquiries logged by what they were about.
func EnquiryChart(counts map[string]int, categories []struct{ ID, Label string }) BarChart {
	c := BarChart{ID: "enquiries", Title: "Enquiries from affected people and the public", Marker: -1, YLabel: "enquiries",
		Series: []Series{{Name: "Enquiries", Colour: "#1f77b4"}}}
	total := 0
	for _, k := range categories {
		c.Categories = append(c.Categories, k.Label)
		c.Series[0].Values = append(c.Series[0].Values, float64(counts[k.ID]))
		total += counts[k.ID]
	}
	c.Desc = fmt.Sprintf("%d calls, emails and letters about breaches, logged by the response team, by what they were about.", total)
	return c
}

// hourBins are the intervals for times to act, around the 72-hour line.
var hourBins = []struct {
	label string
	upTo  float64
}{{"< 24 h", 24}, {"24–48 h", 48}, {"48–72 h", 72}, {"3–7 days", 168}, {"> 7 days", 1e18}}

func binOf(hours float64) int {
	for i, b := range hourBins {
		if hours < b.upTo {
			return i
		}
	}
	return len(hourBins) - 1
}

func hourLabels() []string {
	out := make([]string, len(hourBins))
	for i, b := range hourBins {
		out[i] = b.label
	}
	return out
}

// Build computes the dashboard from incidents (with steps and
// obligations loaded), open review actions and the latest harm of
// assessed incidents, as of now.
func Build(incs []*incident.Incident, actions []incident.Action, harms map[int64]Harm, now time.Time) Dashboard {
	var d Dashboard
	// Incidents and near misses per month by cause, last 12 months.
	months := make([]string, 12)
	start := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -11, 0)
	for i := range months {
		months[i] = start.AddDate(0, i, 0).Format("Jan 06")
	}
	series := make([]Series, len(causeColours))
	for i, c := range causeColours {
		series[i] = Series{Name: c.label, Colour: c.colour, Values: make([]float64, 12)}
	}
	contain := make([]float64, len(hourBins))
	notify := make([]float64, len(hourBins))
	regimes := []string{incident.RegimeNZ, incident.RegimeAU, incident.RegimeVIC, incident.RegimeEU, incident.RegimeUK}
	onTime := []Series{{Name: "On time", Colour: "#1a7f37", Values: make([]float64, len(regimes))},
		{Name: "Late", Colour: "#c2410c", Values: make([]float64, len(regimes))},
		{Name: "Overdue, not done", Colour: "#b42318", Values: make([]float64, len(regimes))},
		{Name: "Pending", Colour: "#8c8c8c", Values: make([]float64, len(regimes))}}
	rIndex := map[string]int{}
	for i, r := range regimes {
		rIndex[r] = i
	}
	risk := HeatMap{ID: "risk", Title: "Risk matrix of current incidents", Rows: []string{"almost certain", "likely", "possible", "remote"},
		Cols: []string{"low", "medium", "high", "very high"}, Counts: [][]int{make([]int, 4), make([]int, 4), make([]int, 4), make([]int, 4)}}
	rowOf := map[string]int{"almost_certain": 0, "likely": 1, "possible": 2, "remote": 3}
	colOf := map[string]int{"low": 0, "medium": 1, "high": 2, "very_high": 3}
	assessedOpen := 0
	for _, inc := range incs {
		if inc.Kind == incident.KindNotBreach {
			continue
		}
		d.Counted++
		aware := inc.Report.DiscoveredAt
		if m := (aware.Year()-start.Year())*12 + int(aware.Month()) - int(start.Month()); m >= 0 && m < 12 {
			ci := len(causeColours) - 1
			for i, c := range causeColours {
				if c.id == inc.Report.Cause {
					ci = i
				}
			}
			series[ci].Values[m]++
		}
		if p := inc.Steps[incident.Contain]; p.DoneAt != nil {
			contain[binOf(p.DoneAt.Sub(aware).Hours())]++
		}
		for _, o := range inc.Obligations {
			i, ok := rIndex[o.Regime]
			if o.Audience == "regulator" && o.Status == incident.ObligationDone && o.DoneAt != nil {
				notify[binOf(o.DoneAt.Sub(aware).Hours())]++
			}
			if !ok {
				continue
			}
			dl := o.Deadline()
			switch {
			case o.Status == incident.ObligationDone && (dl == nil || o.DoneAt == nil || !o.DoneAt.After(*dl)):
				onTime[0].Values[i]++
			case o.Status == incident.ObligationDone:
				onTime[1].Values[i]++
			case o.Overdue(now):
				onTime[2].Values[i]++
			case o.Status == incident.ObligationPending:
				onTime[3].Values[i]++
			}
		}
		if h, ok := harms[inc.ID]; ok && inc.Status != incident.StatusClosed {
			if r, ok1 := rowOf[h.Likelihood]; ok1 {
				if c, ok2 := colOf[h.Severity]; ok2 {
					risk.Counts[r][c]++
					assessedOpen++
				}
			}
		}
	}
	d.ByMonth = BarChart{ID: "months", Title: "Incidents and near misses per month, by cause", Marker: -1, YLabel: "incidents",
		Desc: fmt.Sprintf("Breaches and near misses found in each of the last 12 months, stacked by cause. %d in all.", d.Counted), Categories: months, Series: series}
	d.ToContain = BarChart{ID: "contain", Title: "Time from awareness to containment", Categories: hourLabels(), Marker: 2, MarkerLabel: "72 hours", YLabel: "incidents",
		Desc: "How long after the organisation became aware each breach was contained, with the 72-hour line.", Series: []Series{{Name: "Contained", Colour: "#1f4e8c", Values: contain}}}
	d.ToNotify = BarChart{ID: "notify", Title: "Time from awareness to telling the regulator", Categories: hourLabels(), Marker: 2, MarkerLabel: "72 hours", YLabel: "notifications",
		Desc: "How long after awareness each regulator notification was made, against the 72-hour deadline of GDPR and the NZ Commissioner's expectation.", Series: []Series{{Name: "Notified", Colour: "#1f4e8c", Values: notify}}}
	labels := make([]string, len(regimes))
	for i, r := range regimes {
		labels[i] = incident.RegimeLabel(r)
	}
	d.OnTime = BarChart{ID: "ontime", Title: "Obligations met on time or late", Categories: labels, Series: onTime, Marker: -1, YLabel: "obligations",
		Desc: "For each law, obligations done by their deadline or target, done late, overdue and still pending."}
	ages := []Series{{Name: "Overdue", Colour: "#b42318", Values: make([]float64, 4)}, {Name: "Not yet due", Colour: "#1f4e8c", Values: make([]float64, 4)}}
	for _, a := range actions {
		days := now.Sub(a.CreatedAt).Hours() / 24
		bin := 3
		switch {
		case days < 7:
			bin = 0
		case days < 30:
			bin = 1
		case days < 90:
			bin = 2
		}
		if a.Overdue(now) {
			ages[0].Values[bin]++
		} else {
			ages[1].Values[bin]++
		}
	}
	d.ActionsByAge = BarChart{ID: "actions", Title: "Open review actions by age", Categories: []string{"< 1 week", "1–4 weeks", "1–3 months", "> 3 months"}, Series: ages, Marker: -1, YLabel: "actions",
		Desc: fmt.Sprintf("%d review actions not yet done, by how long ago they were agreed.", len(actions))}
	risk.Desc = fmt.Sprintf("%d open, assessed incidents placed by the likelihood and severity of harm from their latest assessment; incidents not yet assessed are not shown.", assessedOpen)
	d.Risk = risk
	return d
}
