package web

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/deliver"
	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/incident"
	"github.com/breachdesk/breachdesk/internal/org"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// view is what every page template receives.
type view struct {
	Title  string
	User   *auth.User
	CSRF   string
	Org    org.Organisation
	Unread int
	// UnreadUnknown is set when the unread count could not be read.
	UnreadUnknown bool
	Flash         string
	Now           time.Time
	Data          any
	Form          url.Values
	Errors        map[string]string
	Message       string
	// Failed names the form a refusal belongs to, so the page shows the
	// refusal beside that form and keeps what was typed in it; empty
	// shows it at the top of the page.
	Failed string
	// Refresh reloads the page after this many seconds (a running job).
	Refresh int
}

// Refused says whether the refusal on this page belongs to form.
func (v view) Refused(form string) bool { return v.Message != "" && v.Failed == form }

// Typed is what was typed in a field of a refused form, else def: the
// other forms of the page show what is stored.
func (v view) Typed(form, field, def string) string {
	if v.Refused(form) {
		return v.Form.Get(field)
	}
	return def
}

// Zone names the organisation's time zone, as times on pages are shown in it.
func (v view) Zone() string { return zoneName(v.Org.Location(), v.Now) }

// Val returns a submitted form value, so a rejected form keeps what was typed.
func (v view) Val(name string) string { return v.Form.Get(name) }

// Has says whether a checkbox or option was submitted with that value.
func (v view) Has(name, value string) bool {
	for _, x := range v.Form[name] {
		if x == value {
			return true
		}
	}
	return false
}

// Err returns the message for one field.
func (v view) Err(name string) string { return v.Errors[name] }

func parseTemplates() (map[string]*template.Template, error) {
	funcs := template.FuncMap{
		"stepLabel": func(s incident.Step) string { return s.Label() },
		"choice":    incident.LabelOf,
		"catLabel":  func(id string) string { return incident.LabelOf(incident.DataCategories, id) },
		"causeLabel": func(id string) string {
			return incident.LabelOf(incident.Causes, id)
		},
		"recipientLabel": func(id string) string { return incident.LabelOf(incident.Recipients, id) },
		"human":          incident.Human,
		"lower":          strings.ToLower,
		"join":           strings.Join,
		"deref": func(n *int) string {
			if n == nil {
				return "not known"
			}
			return itoa(int64(*n))
		},
		"add":          func(a, b int) int { return a + b },
		"field":        fieldOf,
		"words":        words,
		"regimeLabel":  incident.RegimeLabel,
		"channelLabel": func(c deliver.Channel) string { return deliver.ChannelLabel(c) },
		"trimDot":      func(s string) string { return strings.TrimRight(strings.TrimSpace(s), ".") },
		"teamRole":     auth.TeamRoleLabel,
		"ongoingLabel": func(v string) string {
			switch v {
			case "yes":
				return "Yes"
			case "no":
				return "No"
			}
			return "Not known"
		},
		"decisionLabel":    decisionLabel,
		"worklist":         worklist,
		"factLabel":        factLabel,
		"linkRefs":         linkRefs,
		"kindLabel":        func(k string) string { return incident.Kind(k).Label() },
		"statusLabel":      func(st string) string { return incident.Status(st).Label() },
		"audienceLabel":    func(a string) string { return (&incident.Obligation{Audience: a}).AudienceLabel() },
		"causeCategory":    func(c string) string { return incident.LabelOf(incident.CauseCategories, c) },
		"obligationStatus": obligationStatus,
		// hiddens writes the fields every form on an incident's page
		// carries: the CSRF token, the tab it is on and its own name, so
		// a refusal is shown beside it.
		"hiddens": func(csrf, tab, form string) template.HTML {
			e := template.HTMLEscapeString
			return template.HTML(`<input type="hidden" name="csrf" value="` + e(csrf) + `"><input type="hidden" name="tab" value="` + e(tab) +
				`"><input type="hidden" name="form" value="` + e(form) + `">`)
		},
		"options": optionsHTML,
		"has": func(list []string, s string) bool {
			for _, x := range list {
				if x == s {
					return true
				}
			}
			return false
		},
	}
	layout, err := templateFS.ReadFile("templates/layout.html")
	if err != nil {
		return nil, err
	}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	// Partials (_name.html) are parsed into every page.
	var partials []string
	for _, n := range names {
		if strings.HasPrefix(path.Base(n), "_") {
			b, err := templateFS.ReadFile(n)
			if err != nil {
				return nil, err
			}
			partials = append(partials, string(b))
		}
	}
	pages := map[string]*template.Template{}
	for _, n := range names {
		name := strings.TrimSuffix(path.Base(n), ".html")
		if name == "layout" || strings.HasPrefix(name, "_") {
			continue
		}
		body, err := templateFS.ReadFile(n)
		if err != nil {
			return nil, err
		}
		t, err := template.New(name).Funcs(funcs).Parse(string(layout))
		for _, partial := range partials {
			if err == nil {
				_, err = t.Parse(partial)
			}
		}
		if err == nil {
			_, err = t.Parse(string(body))
		}
		if err != nil {
			return nil, err
		}
		pages[name] = t
	}
	return pages, nil
}

func (s *Server) view(w http.ResponseWriter, r *http.Request, title string, data any) view {
	v := view{Title: title, User: currentUser(r), Org: s.orgOrDefault(r), Now: s.Now(), Data: data, Flash: s.takeFlash(w, r)}
	if sess := currentSession(r); sess != nil {
		v.CSRF = sess.CSRF
	}
	if v.User != nil {
		n, err := s.Store.UnreadCount(r.Context(), v.User.ID)
		if err != nil {
			// The page still serves; the badge says the count is not known.
			s.logIfInternal(r, err)
			v.UnreadUnknown = true
		}
		v.Unread = n
	}
	return v
}

// render writes a page with status 200.
func (s *Server) render(w http.ResponseWriter, r *http.Request, name, title string, data any) {
	s.renderStatus(w, r, http.StatusOK, name, title, data)
}

// renderStatus writes a page with the given status.
func (s *Server) renderStatus(w http.ResponseWriter, r *http.Request, status int, name, title string, data any) {
	s.renderView(w, r, status, name, s.view(w, r, title, data))
}

// renderForm re-shows a form with what was typed and what needs correcting.
func (s *Server) renderForm(w http.ResponseWriter, r *http.Request, name, title string, data any, form url.Values, err error) {
	v := s.view(w, r, title, data)
	v.Form = form
	if v.Form == nil {
		v.Form = url.Values{}
	}
	status := http.StatusOK
	if err != nil {
		v.Errors, v.Message = fault.FieldsOf(err), fault.MessageOf(err)
		status = statusOf(err)
		s.logIfInternal(r, err)
	}
	s.renderView(w, r, status, name, v)
}

// renderView executes the page into a buffer first, so a template error
// becomes a clean 500 rather than half a page.
func (s *Server) renderView(w http.ResponseWriter, r *http.Request, status int, name string, v view) {
	t, ok := s.pages[name]
	if !ok {
		http.Error(w, "missing template "+name, http.StatusInternalServerError)
		return
	}
	buf := pageBuffers.Get().(*bytes.Buffer)
	defer putPageBuffer(buf)
	if err := t.ExecuteTemplate(buf, "layout", v); err != nil {
		if s.Log != nil {
			s.Log.Error("template", "page", name, "error", err)
		}
		http.Error(w, "Something went wrong on our side. It has been logged; please try again.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	buf.WriteTo(w)
}

// pageBuffers hold pages while they are written: a page is tens of
// kilobytes, and growing a new buffer for each was a tenth of what a
// request allocated.
var pageBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// putPageBuffer returns a buffer to the pool, unless an unusually large
// page grew it (those are left to the garbage collector).
func putPageBuffer(b *bytes.Buffer) {
	if b.Cap() > 1<<20 {
		return
	}
	b.Reset()
	pageBuffers.Put(b)
}

// statusClientClosed is the status logged for a request its client gave
// up on (nginx's 499): nothing was wrong on the server's side.
const statusClientClosed = 499

// statusOf maps an error's code to its HTTP status: the one place this is decided.
func statusOf(err error) int {
	if errors.Is(err, context.Canceled) {
		return statusClientClosed
	}
	switch fault.CodeOf(err) {
	case fault.Invalid:
		return http.StatusUnprocessableEntity
	case fault.NotFound:
		return http.StatusNotFound
	case fault.Forbidden:
		return http.StatusForbidden
	case fault.Unauthorized:
		return http.StatusUnauthorized
	case fault.Conflict:
		return http.StatusConflict
	case fault.TooLarge:
		return http.StatusRequestEntityTooLarge
	case fault.RateLimited:
		return http.StatusTooManyRequests
	case fault.Unavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

func (s *Server) logIfInternal(r *http.Request, err error) {
	if s.Log == nil {
		return
	}
	if clientGone(r, err) {
		s.Log.Info("request cancelled by the client", "route", r.Pattern)
		return
	}
	if fault.CodeOf(err) == fault.Internal {
		s.Log.Error("internal error", "route", r.Pattern, "error", err)
	}
}

// clientGone says err came from the client giving up on the request
// (SQLite reports a query cut short as "interrupted", not as the context's
// error, so the request's own context decides).
func clientGone(r *http.Request, err error) bool {
	return err != nil && (errors.Is(err, context.Canceled) || r.Context().Err() != nil)
}

// errorPage is what the error page shows: the message, what to correct,
// and the way back.
type errorPage struct {
	Message string
	Fields  map[string]string
	// Back is the page the person came from, when it is on this site.
	Back string
}

// renderError shows an error page a person can act on. Refusals of a
// form are shown on the form's own page instead (afterChange); this page
// is for what has no page to go back to: not found, not allowed, outages.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, err error) {
	s.logIfInternal(r, err)
	if clientGone(r, err) {
		w.WriteHeader(statusClientClosed) // no one is reading: no page
		return
	}
	d := errorPage{Message: fault.MessageOf(err), Fields: fault.FieldsOf(err)}
	if ref, perr := url.Parse(r.Referer()); perr == nil && ref.Host == r.Host && strings.HasPrefix(ref.Path, "/") && ref.Path != r.URL.Path {
		d.Back = ref.RequestURI()
	}
	s.renderStatus(w, r, statusOf(err), "error", "Cannot do that", d)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	// Not indented: indenting cost a seventh of a list's answer.
	json.NewEncoder(w).Encode(v)
}

func notFoundErr(msg string) error { return fault.Errorf(fault.NotFound, "%s", msg) }

// T formats a time in the organisation's time zone, naming the zone.
func (v view) T(t time.Time) string { return orgTime(v.Org, t) }

// orgTime writes a time as the organisation's people read it.
func orgTime(o org.Organisation, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(o.Location()).Format("Mon 2 Jan 2006 15:04 MST")
}

// zoneName is a zone's IANA name with its abbreviation at t, e.g.
// "Pacific/Auckland (NZDT)".
func zoneName(loc *time.Location, t time.Time) string {
	abbr := t.In(loc).Format("MST")
	if loc.String() == abbr || loc == time.UTC {
		return "UTC"
	}
	return loc.String() + " (" + abbr + ")"
}

// TP formats an optional time.
func (v view) TP(t *time.Time) string {
	if t == nil {
		return ""
	}
	return v.T(*t)
}

// Input formats a time for a datetime-local field.
func (v view) Input(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.In(v.Org.Location()).Format("2006-01-02T15:04")
}

func itoa(i int64) string { return strconv.FormatInt(i, 10) }

// decisionLabel is an assessment's decision on an obligation in words.
func decisionLabel(d string) string {
	switch d {
	case "required":
		return "Required"
	case "recommended":
		return "Recommended"
	case "undetermined":
		return "Not yet determined"
	case "not_required":
		return "Not required"
	}
	return strings.ReplaceAll(d, "_", " ")
}

// obligationStatus is where a person has got with an obligation, in words.
func obligationStatus(status any) string {
	st := incident.ObligationStatus(fmt.Sprint(status))
	switch st {
	case incident.ObligationPending:
		return "To do"
	case incident.ObligationDone:
		return "Done"
	case incident.ObligationNotRequired:
		return "Not required"
	case incident.ObligationOverridden:
		return "Decided otherwise"
	}
	return strings.ReplaceAll(string(st), "_", " ")
}

// optionsHTML writes a select's options, marking the one whose value is
// selected. Lists that every request shows are written here rather than
// by ranging in the template, for the reason listPage.RowsHTML gives.
func optionsHTML(opts []choice, selected string) template.HTML {
	var b strings.Builder
	for _, o := range opts {
		b.WriteString(`<option value="`)
		htmlText.WriteString(&b, o.ID)
		b.WriteByte('"')
		if o.ID == selected {
			b.WriteString(" selected")
		}
		b.WriteByte('>')
		htmlText.WriteString(&b, o.Label)
		b.WriteString(`</option>`)
	}
	return template.HTML(b.String())
}

// fieldView is one question of the facts form, for the "tri" and "sel"
// partials: its name, words, current value, options and error.
type fieldView struct {
	Name, Label, Value, Err string
	Options                 []choice
}

// fieldOf builds a fieldView; options are written "id:Label".
func fieldOf(v view, name, label string, options ...string) fieldView {
	f := fieldView{Name: name, Label: label, Value: v.Val(name), Err: v.Err(name)}
	for _, o := range options {
		id, l, _ := strings.Cut(o, ":")
		f.Options = append(f.Options, choice{id, l})
	}
	return f
}
