// Package web serves breachdesk's pages and its JSON API. Every route is
// listed in routes.go with the one permission it requires; handlers parse
// input, call the use cases of internal/app, and render. No SQL and no
// business rule lives here.
package web

import (
	"context"
	"html/template"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/breachdesk/breachdesk/internal/app"
	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/deliver"
	"github.com/breachdesk/breachdesk/internal/evidence"
	"github.com/breachdesk/breachdesk/internal/org"
)

// Config holds the settings of the web server.
type Config struct {
	// SecureCookies marks cookies Secure; on when serving over TLS or
	// behind a TLS-terminating proxy.
	SecureCookies bool
	SessionTTL    time.Duration
	// MaxUpload is the largest evidence file, in bytes.
	MaxUpload int64
	// Webhooks checks and reads email providers' bounce webhooks; a
	// provider whose secret is not set is refused.
	Webhooks *deliver.Webhooks
}

// Server is the web application: HTTP around the use cases of app.
type Server struct {
	*app.App
	Config

	throttle *auth.Throttle
	// lookupByAddress and lookupByReference bound the public lookup: tries
	// per address, and per reference from anywhere.
	lookupByAddress, lookupByReference *auth.Throttle
	tokenUse                           tokenUse
	background                         sync.WaitGroup
	hasUsers                           atomic.Bool
	pages                              map[string]*template.Template
	mux                                *http.ServeMux
	// handler is the middleware chain around mux, built once.
	handler http.Handler
	// jsonAPI is the API under /api/v1, whose OpenAPI document huma
	// builds from the operations.
	jsonAPI huma.API
	metrics *metrics
}

// New builds the server, its routes and its middleware over a.
func New(a *app.App, cfg Config) (*Server, error) {
	if cfg.SessionTTL == 0 {
		cfg.SessionTTL = 12 * time.Hour
	}
	if cfg.MaxUpload == 0 {
		cfg.MaxUpload = evidence.DefaultMaxSize
	}
	if cfg.Webhooks == nil {
		cfg.Webhooks = &deliver.Webhooks{}
	}
	s := &Server{App: a, Config: cfg, throttle: auth.NewThrottle(a.Store, "signin", 20, 10, 15*time.Minute), mux: http.NewServeMux(),
		lookupByAddress: auth.NewThrottle(a.Store, "lookup-address", 30, 30, time.Hour), lookupByReference: auth.NewThrottle(a.Store, "lookup-reference", 1<<30, 10, time.Hour)}
	pages, err := parseTemplates()
	if err != nil {
		return nil, err
	}
	s.pages = pages
	s.metrics = newMetrics(s)
	s.routes()
	cop := http.NewCrossOriginProtection()
	s.handler = s.recoverer(s.logRequests(securityHeaders(cop.Handler(s.mux))))
	return s, nil
}

// ServeHTTP runs a request through the middleware and the routes.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.handler.ServeHTTP(w, r)
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
		took := time.Since(start)
		s.metrics.observe(r, sw.status, took)
		if s.Log != nil {
			s.Log.Info("request", "method", r.Method, "route", r.Pattern, "status", sw.status, "ms", took.Milliseconds())
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

// orgOrDefault returns the organisation, or an empty one before setup;
// a failure to read it is logged and the page goes on in UTC.
func (s *Server) orgOrDefault(r *http.Request) org.Organisation {
	o, err := s.Organisation(r.Context())
	if err != nil {
		s.logIfInternal(r, err)
		return org.Organisation{TimeZone: "UTC"}
	}
	return o
}
