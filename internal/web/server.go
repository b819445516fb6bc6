// Package web serves breachdesk's pages and its JSON API. Every route is
// listed in routes.go with the one permission it requires; handlers parse
// input, call the domain and the stores, and render. No SQL lives here.
package web

import (
	"context"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"time"

	"github.com/breachdesk/breachdesk/internal/audit"
	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/evidence"
	"github.com/breachdesk/breachdesk/internal/exercise"
	"github.com/breachdesk/breachdesk/internal/incident"
	"github.com/breachdesk/breachdesk/internal/jobs"
	"github.com/breachdesk/breachdesk/internal/law"
	"github.com/breachdesk/breachdesk/internal/notice"
	"github.com/breachdesk/breachdesk/internal/notify"
	"github.com/breachdesk/breachdesk/internal/org"
	"github.com/breachdesk/breachdesk/internal/plan"
)

// Stores is everything the web needs to keep, as the domain defines it.
type Stores struct {
	Incidents     incident.Store
	Users         auth.Store
	Org           org.Store
	Audit         audit.Store
	Notifications notify.Store
	Notices       notice.Store
	Templates     notice.TemplateStore
	Plan          plan.Store
	Experts       incident.ExpertStore
	Escalation    incident.EscalationStore
	Exercises     exercise.Store
	Jobs          jobs.Store
	People        notice.PeopleStore
}

// Config holds the settings of the web server.
type Config struct {
	// SecureCookies marks cookies Secure; on when serving over TLS or
	// behind a TLS-terminating proxy.
	SecureCookies bool
	SessionTTL    time.Duration
	MaxUpload     int64
	BaseURL       string
	// RulesDir holds the organisation's own rule packs, if any.
	RulesDir string
	// TargetHours is the organisation's target for "as soon as practicable".
	TargetHours int
	// ScanDir holds uploads waiting to be scanned and scans' output.
	ScanDir string
	// MaxScanUpload is the largest upload of exposed files, in bytes.
	MaxScanUpload int64
	// ScanRoots are the server folders a scan may be pointed at; none
	// means uploads only.
	ScanRoots []string
}

// Server is the web application.
type Server struct {
	Stores
	Config
	Files    *evidence.Files
	Notifier *notify.Notifier
	// Rules decide obligations per law (POST /api/v1/assess).
	Rules *law.Rules
	// Writer holds the templates in use: built in, or the organisation's
	// latest versions.
	Writer *notice.Templates
	Log    *slog.Logger
	// Now is the clock; tests control it.
	Now func() time.Time

	throttle *auth.Throttle
	pages    map[string]*template.Template
	mux      *http.ServeMux
}

// New builds the server and its routes.
func New(st Stores, cfg Config, files *evidence.Files, n *notify.Notifier, log *slog.Logger) (*Server, error) {
	if cfg.SessionTTL == 0 {
		cfg.SessionTTL = 12 * time.Hour
	}
	if cfg.MaxUpload == 0 {
		cfg.MaxUpload = evidence.DefaultMaxSize
	}
	if cfg.MaxScanUpload == 0 {
		cfg.MaxScanUpload = 512 << 20
	}
	s := &Server{Stores: st, Config: cfg, Files: files, Notifier: n, Log: log,
		Now: func() time.Time { return time.Now().UTC() }, throttle: auth.NewThrottle(20, 10, 15*time.Minute), mux: http.NewServeMux()}
	rules, err := law.Load(cfg.RulesDir)
	if err != nil {
		return nil, err
	}
	s.Rules = rules
	if s.Writer, err = notice.LoadTemplates("en"); err != nil {
		return nil, err
	}
	if st.Templates != nil {
		own, err := st.Templates.ActiveTemplates(context.Background(), "en")
		if err != nil {
			return nil, err
		}
		for _, v := range own {
			if err := s.Writer.Set(v.Kind, v.Body); err != nil {
				return nil, fmt.Errorf("saved %s template version %d: %w", v.Kind, v.Version, err)
			}
		}
	}
	pages, err := parseTemplates()
	if err != nil {
		return nil, err
	}
	s.pages = pages
	s.routes()
	return s, nil
}

// ServeHTTP runs a request through the middleware and the routes.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.handler().ServeHTTP(w, r)
}

func (s *Server) handler() http.Handler {
	cop := http.NewCrossOriginProtection()
	return s.recoverer(s.logRequests(securityHeaders(cop.Handler(s.mux))))
}

// securityHeaders forbids framing, inline script and content sniffing.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// logRequests logs the route pattern, never the path or query, which may
// carry search words or names.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		if s.Log != nil {
			s.Log.Info("request", "method", r.Method, "route", r.Pattern, "status", sw.status, "ms", time.Since(start).Milliseconds())
		}
	})
}

func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				if s.Log != nil {
					s.Log.Error("panic", "route", r.Pattern, "panic", v)
				}
				http.Error(w, "Something went wrong on our side. It has been logged; please try again.", http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

type ctxKey int

const (
	userKey ctxKey = iota
	sessionKey
)

func currentUser(r *http.Request) *auth.User {
	u, _ := r.Context().Value(userKey).(*auth.User)
	return u
}

func currentSession(r *http.Request) *auth.Session {
	s, _ := r.Context().Value(sessionKey).(*auth.Session)
	return s
}

func withUser(r *http.Request, u *auth.User, s *auth.Session) *http.Request {
	ctx := context.WithValue(r.Context(), userKey, u)
	if s != nil {
		ctx = context.WithValue(ctx, sessionKey, s)
	}
	return r.WithContext(ctx)
}

func actor(r *http.Request) incident.Actor {
	u := currentUser(r)
	if u == nil {
		return incident.System
	}
	return incident.Actor{UserID: u.ID, Name: u.Name}
}

// orgOrDefault returns the organisation, or an empty one before setup.
func (s *Server) orgOrDefault(ctx context.Context) org.Organisation {
	o, err := s.Org.Organisation(ctx)
	if err != nil {
		return org.Organisation{TimeZone: "UTC"}
	}
	return o
}
