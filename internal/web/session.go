package web

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/fault"
)

const (
	sessionCookie = "bd_session"
	preCookie     = "bd_pre" // CSRF token for forms shown before sign-in
	flashCookie   = "bd_flash"
	formLimit     = 1 << 20
)

func (s *Server) setCookie(w http.ResponseWriter, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge, HttpOnly: true,
		Secure: s.SecureCookies, SameSite: http.SameSiteLaxMode})
}

// flash leaves a one-line message for the next page.
func (s *Server) flash(w http.ResponseWriter, msg string) {
	s.setCookie(w, flashCookie, url.QueryEscape(msg), 60)
}

func (s *Server) takeFlash(w http.ResponseWriter, r *http.Request) string {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return ""
	}
	s.setCookie(w, flashCookie, "", -1)
	msg, _ := url.QueryUnescape(c.Value)
	return msg
}

// sessionUser returns the signed-in user of a browser request.
func (s *Server) sessionUser(r *http.Request) (*auth.User, *auth.Session) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil, nil
	}
	sess, err := s.Users.Session(r.Context(), auth.HashToken(c.Value), s.Now())
	if err != nil {
		return nil, nil
	}
	u, err := s.Users.User(r.Context(), sess.UserID)
	if err != nil || u.Disabled {
		return nil, nil
	}
	return &u, &sess
}

// limitBody caps what a form may send: uploads get the evidence limit plus
// room for the other fields, everything else 1 MiB.
func (s *Server) limitBody(w http.ResponseWriter, r *http.Request) {
	limit := int64(formLimit)
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		limit = s.MaxUpload + formLimit
		if strings.HasSuffix(r.URL.Path, "/scans") {
			limit = s.MaxScanUpload + formLimit // exposed files to scan
		}
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit)
}

// parseForm reads the form, turning an oversized body into a clear error.
func (s *Server) parseForm(r *http.Request) error {
	var err error
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		err = r.ParseMultipartForm(8 << 20)
	} else {
		err = r.ParseForm()
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		max := s.MaxUpload
		if strings.HasSuffix(r.URL.Path, "/scans") {
			max = s.MaxScanUpload
		}
		return fault.Errorf(fault.TooLarge, "The upload is larger than the %d MB limit.", max>>20)
	}
	if err != nil {
		return fault.Errorf(fault.Invalid, "The form could not be read; please try again.")
	}
	return nil
}

func tokensEqual(a, b string) bool {
	return a != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// page wraps a handler for a signed-in browser: it sends people to setup
// or sign-in as needed, checks the route's permission and, for anything
// that changes state, the form's CSRF token.
func (s *Server) page(p auth.Permission, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if n, err := s.Users.CountUsers(r.Context()); err == nil && n == 0 {
			http.Redirect(w, r, "/setup", http.StatusSeeOther)
			return
		}
		u, sess := s.sessionUser(r)
		if u == nil {
			next := "/login"
			if r.Method == http.MethodGet {
				next += "?next=" + url.QueryEscape(r.URL.RequestURI())
			}
			http.Redirect(w, r, next, http.StatusSeeOther)
			return
		}
		r = withUser(r, u, sess)
		if !u.Can(p) {
			s.renderError(w, r, fault.Errorf(fault.Forbidden, "Your role (%s) does not allow this. Ask your privacy officer if you need access.", u.Role.Label()))
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			s.limitBody(w, r)
			if err := s.parseForm(r); err != nil {
				s.renderError(w, r, err)
				return
			}
			if !tokensEqual(r.PostFormValue("csrf"), sess.CSRF) {
				s.renderError(w, r, fault.Errorf(fault.Forbidden, "This form has expired or did not come from breachdesk. Go back, reload the page and try again."))
				return
			}
		}
		h(w, r)
	}
}

// public wraps the sign-in and setup forms, which have no session yet: a
// cookie-bound token guards them against cross-site posting instead.
func (s *Server) public(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, formLimit)
			c, err := r.Cookie(preCookie)
			if err := s.parseForm(r); err != nil {
				s.renderError(w, r, err)
				return
			}
			if err != nil || !tokensEqual(r.PostFormValue("csrf"), c.Value) {
				s.renderError(w, r, fault.Errorf(fault.Forbidden, "This form has expired. Reload the page and try again."))
				return
			}
		}
		h(w, r)
	}
}

// preToken returns the pre-session CSRF token, setting its cookie.
func (s *Server) preToken(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(preCookie); err == nil && len(c.Value) > 20 {
		return c.Value
	}
	tok, _ := auth.NewToken("")
	s.setCookie(w, preCookie, tok, 3600)
	return tok
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) {
	if n, err := s.Users.CountUsers(r.Context()); err == nil && n == 0 {
		http.Redirect(w, r, "/setup", http.StatusSeeOther)
		return
	}
	s.render(w, r, "login", "Sign in", map[string]any{"Next": safeNext(r.FormValue("next")), "PreCSRF": s.preToken(w, r)})
}

// safeNext keeps redirects after sign-in on this site.
func safeNext(n string) string {
	if !strings.HasPrefix(n, "/") || strings.HasPrefix(n, "//") || strings.HasPrefix(n, "/\\") {
		return "/incidents"
	}
	return n
}

func clientIP(r *http.Request) string {
	host := r.RemoteAddr
	if i := strings.LastIndexByte(host, ':'); i > 0 {
		host = host[:i]
	}
	return host
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	email := strings.ToLower(strings.TrimSpace(r.PostFormValue("email")))
	pw := r.PostFormValue("password")
	keys := []string{"ip:" + clientIP(r), "email:" + email}
	data := map[string]any{"Next": safeNext(r.PostFormValue("next")), "PreCSRF": s.preToken(w, r), "Email": email}
	if !s.limiter.Allowed(keys...) {
		data["Error"] = "Too many failed attempts. Wait 15 minutes and try again, or ask an administrator to reset your password."
		s.renderStatus(w, r, http.StatusTooManyRequests, "login", "Sign in", data)
		return
	}
	u, err := s.Users.UserByEmail(r.Context(), email)
	ok := false
	if err == nil && !u.Disabled {
		ok = auth.CheckPassword(u.PasswordHash, pw)
	} else {
		auth.EqualiseTiming(pw)
	}
	if !ok {
		s.limiter.Fail(keys...)
		data["Error"] = "That email and password do not match an account."
		s.renderStatus(w, r, http.StatusUnauthorized, "login", "Sign in", data)
		return
	}
	s.limiter.Reset(keys...)
	if err := s.startSession(w, r, u.ID); err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
}

func (s *Server) startSession(w http.ResponseWriter, r *http.Request, userID int64) error {
	tok, hash := auth.NewToken("")
	csrf, _ := auth.NewToken("")
	if err := s.Users.CreateSession(r.Context(), hash, auth.Session{UserID: userID, CSRF: csrf, ExpiresAt: s.Now().Add(s.SessionTTL)}); err != nil {
		return err
	}
	s.setCookie(w, sessionCookie, tok, int(s.SessionTTL.Seconds()))
	s.setCookie(w, preCookie, "", -1)
	return nil
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		s.Users.DeleteSession(r.Context(), auth.HashToken(c.Value))
	}
	s.setCookie(w, sessionCookie, "", -1)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}
