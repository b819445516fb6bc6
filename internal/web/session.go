package web

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"

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
	u, sess, err := s.Store.SessionUser(r.Context(), auth.HashToken(c.Value), s.Now())
	if err != nil || u.Disabled {
		if err != nil && fault.CodeOf(err) != fault.NotFound {
			s.logIfInternal(r, err)
		}
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
		if !s.setUp(r) {
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
			s.renderError(w, r, fault.Errorf(fault.Forbidden, "Your role (%s) does not allow this. Ask an administrator if you need access.", u.Role.Label()))
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

// setUp says whether first-run setup has made an account. Accounts are
// never deleted, so once there is one the question is not asked again on
// every request.
func (s *Server) setUp(r *http.Request) bool {
	if s.hasUsers.Load() {
		return true
	}
	n, err := s.Store.CountUsers(r.Context())
	if err != nil || n > 0 {
		s.hasUsers.Store(n > 0)
		return true // on an error the sign-in that follows shows it
	}
	return false
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
	n, err := s.Store.CountUsers(r.Context())
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if n == 0 {
		http.Redirect(w, r, "/setup", http.StatusSeeOther)
		return
	}
	s.render(w, r, "login", "Sign in", loginView{Next: safeNext(r.FormValue("next")), PreCSRF: s.preToken(w, r)})
}

// loginView is the sign-in form, with what was typed and why it failed.
type loginView struct {
	Next, PreCSRF, Email, Error string
}

// safeNext keeps redirects after sign-in on this site: only a path on this
// server, with its query, is accepted. Browsers drop tabs and newlines from
// a URL and read a backslash as a slash, so "/\t/evil.example" would reach
// another host: such text is refused, not cleaned.
func safeNext(n string) string {
	const home = "/" // the work queue
	unsafe := func(r rune) bool { return r < 0x20 || r == 0x7f || r == '\\' || unicode.IsSpace(r) }
	if strings.ContainsFunc(n, unsafe) {
		return home
	}
	u, err := url.Parse(n)
	if err != nil || strings.ContainsFunc(u.Path, unsafe) || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" ||
		!strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") {
		return home
	}
	out := (&url.URL{Path: u.Path, RawPath: u.RawPath, RawQuery: u.RawQuery, Fragment: u.Fragment}).String()
	if !strings.HasPrefix(out, "/") || strings.HasPrefix(out, "//") {
		return home
	}
	return out
}

func clientIP(r *http.Request) string {
	host := r.RemoteAddr
	if i := strings.LastIndexByte(host, ':'); i > 0 {
		host = host[:i]
	}
	return host
}

// signInWait is how long a sign-in waits for a free password-hashing slot
// before it is told to retry.
const signInWait = 3 * time.Second

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	email := strings.ToLower(strings.TrimSpace(r.PostFormValue("email")))
	pw := r.PostFormValue("password")
	data := loginView{Next: safeNext(r.PostFormValue("next")), PreCSRF: s.preToken(w, r), Email: email}
	tooMany := func(wait time.Duration, msg string) {
		w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
		data.Error = msg
		s.renderStatus(w, r, http.StatusTooManyRequests, "login", "Sign in", data)
	}
	// The attempt is counted before the password is hashed, so requests
	// sent at once cannot all pass the check before the first fails.
	attempt, wait, ok, err := s.throttle.Begin(r.Context(), clientIP(r), email)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if !ok {
		tooMany(wait, fmt.Sprintf("Too many failed sign-ins from your network. Try again in %s, or ask an administrator to reset your password.", minutes(wait)))
		return
	}
	hash := ""
	u, err := s.Store.UserByEmail(r.Context(), email)
	switch {
	case err == nil && !u.Disabled:
		hash = u.PasswordHash
	case err != nil && fault.CodeOf(err) != fault.NotFound:
		s.renderError(w, r, errors.Join(err, attempt.Cancel(r.Context())))
		return
	}
	ok, err = auth.VerifyPassword(r.Context(), hash, pw, signInWait)
	if err != nil {
		if cerr := attempt.Cancel(r.Context()); cerr != nil {
			s.renderError(w, r, cerr)
			return
		}
		if errors.Is(err, auth.ErrBusy) {
			tooMany(time.Second, "Many people are signing in at this moment. Try again in a few seconds.")
			return
		}
		s.renderError(w, r, err)
		return
	}
	if !ok || hash == "" {
		attempt.Failed()
		data.Error = "That email and password do not match an account."
		s.renderStatus(w, r, http.StatusUnauthorized, "login", "Sign in", data)
		return
	}
	if err := attempt.Succeeded(r.Context()); err != nil {
		s.renderError(w, r, err)
		return
	}
	if err := s.startSession(w, r, u.ID); err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
}

// minutes says a wait in whole minutes.
func minutes(d time.Duration) string {
	m := int(d.Round(time.Minute) / time.Minute)
	if m <= 1 {
		return "a minute"
	}
	return strconv.Itoa(m) + " minutes"
}

func (s *Server) startSession(w http.ResponseWriter, r *http.Request, userID int64) error {
	tok, hash := auth.NewToken("")
	csrf, _ := auth.NewToken("")
	if err := s.Store.CreateSession(r.Context(), hash, auth.Session{UserID: userID, CSRF: csrf, ExpiresAt: s.Now().Add(s.SessionTTL)}); err != nil {
		return err
	}
	s.setCookie(w, sessionCookie, tok, int(s.SessionTTL.Seconds()))
	s.setCookie(w, preCookie, "", -1)
	return nil
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		s.Store.DeleteSession(r.Context(), auth.HashToken(c.Value))
	}
	s.setCookie(w, sessionCookie, "", -1)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}
