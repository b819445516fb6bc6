package web

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/breachdesk/breachdesk/internal/incident"
)

// metrics are what /metrics exposes, through Prometheus's client: the
// process and the Go runtime, a latency histogram per route, and the
// operators' figures read from the database on each scrape (counts
// only: no incident details, no personal data).
type metrics struct {
	registry *prometheus.Registry
	requests *prometheus.HistogramVec
}

func newMetrics(s *Server) *metrics {
	m := &metrics{registry: prometheus.NewRegistry()}
	m.requests = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "breachdesk_http_request_duration_seconds",
		Help:    "Time to answer a request, by route pattern, method and status.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
	}, []string{"route", "method", "code"})
	m.registry.MustRegister(
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		collectors.NewGoCollector(),
		m.requests,
		&figures{s: s},
	)
	return m
}

// observe records one request under its route pattern (never its path,
// which may carry names or search words).
func (m *metrics) observe(r *http.Request, status int, took time.Duration) {
	route := r.Pattern
	if route == "" {
		route = "unmatched"
	}
	m.requests.WithLabelValues(route, r.Method, strconv.Itoa(status)).Observe(took.Seconds())
}

// handler serves the registry; a figure that cannot be read fails the
// scrape with 500 rather than reporting zero.
func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{ErrorHandling: promhttp.HTTPErrorOnError})
}

var (
	descOpen = prometheus.NewDesc("breachdesk_incidents_open", "Incidents not closed, by kind.", []string{"kind"}, nil)
	descObl  = prometheus.NewDesc("breachdesk_obligations_pending", "Obligations still to do.", nil, nil)
	descOver = prometheus.NewDesc("breachdesk_obligations_overdue", "Pending obligations past their deadline or target.", nil, nil)
	descAct  = prometheus.NewDesc("breachdesk_review_actions_open", "Review actions not done.", nil, nil)
	descActO = prometheus.NewDesc("breachdesk_review_actions_overdue", "Review actions past their due date.", nil, nil)
	descQ    = prometheus.NewDesc("breachdesk_jobs_queued", "Background jobs waiting to run, all kinds: the job queue depth.", nil, nil)
	descR    = prometheus.NewDesc("breachdesk_jobs_running", "Background jobs running, all kinds.", nil, nil)
	descKQ   = prometheus.NewDesc("breachdesk_queue_depth", "Jobs waiting to run (available, scheduled or to be retried), by kind.", []string{"kind"}, nil)
	descKR   = prometheus.NewDesc("breachdesk_queue_running", "Jobs running, by kind.", []string{"kind"}, nil)
	descAge  = prometheus.NewDesc("breachdesk_queue_oldest_job_age_seconds", "How long the oldest waiting job of each kind has waited.", []string{"kind"}, nil)
)

// figures reads the operators' figures from the store at each scrape.
// Every process serves the same figures: they are the cluster's, not the
// process's.
type figures struct{ s *Server }

func (f *figures) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descOpen, descObl, descOver, descAct, descActO, descQ, descR, descKQ, descKR, descAge} {
		ch <- d
	}
}

func (f *figures) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := f.s.Store.Counts(ctx, f.s.Now())
	if err != nil {
		ch <- prometheus.NewInvalidMetric(descOpen, err)
		return
	}
	for _, k := range incident.Kinds {
		ch <- prometheus.MustNewConstMetric(descOpen, prometheus.GaugeValue, float64(c.OpenIncidents[k]), string(k))
	}
	ch <- prometheus.MustNewConstMetric(descObl, prometheus.GaugeValue, float64(c.PendingObligations))
	ch <- prometheus.MustNewConstMetric(descOver, prometheus.GaugeValue, float64(c.OverdueObligations))
	ch <- prometheus.MustNewConstMetric(descAct, prometheus.GaugeValue, float64(c.OpenActions))
	ch <- prometheus.MustNewConstMetric(descActO, prometheus.GaugeValue, float64(c.OverdueActions))
	ds, err := f.s.Store.QueueDepth(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(descQ, err)
		return
	}
	var queued, running int
	for _, d := range ds {
		queued, running = queued+d.Waiting, running+d.Running
		ch <- prometheus.MustNewConstMetric(descKQ, prometheus.GaugeValue, float64(d.Waiting), d.Kind)
		ch <- prometheus.MustNewConstMetric(descKR, prometheus.GaugeValue, float64(d.Running), d.Kind)
		ch <- prometheus.MustNewConstMetric(descAge, prometheus.GaugeValue, d.Oldest.Seconds(), d.Kind)
	}
	ch <- prometheus.MustNewConstMetric(descQ, prometheus.GaugeValue, float64(queued))
	ch <- prometheus.MustNewConstMetric(descR, prometheus.GaugeValue, float64(running))
}
