package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/breachdesk/breachdesk/internal/app"
	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/org"
)

// setupOpen says whether first-run setup may still happen: only while
// there is no account at all.
func (s *Server) setupOpen(r *http.Request) bool {
	n, err := s.Store.CountUsers(r.Context())
	return err == nil && n == 0
}

func (s *Server) setupForm(w http.ResponseWriter, r *http.Request) {
	if !s.setupOpen(r) {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	form := url.Values{"time_zone": {"UTC"}, "retention_years": {"7"}}
	s.renderForm(w, r, "setup", "Set up breachdesk", orgForm{PreCSRF: s.preToken(w, r), orgChoices: choicesOfOrg}, form, nil)
}

func (s *Server) setup(w http.ResponseWriter, r *http.Request) {
	if !s.setupOpen(r) {
		s.renderError(w, r, fault.Errorf(fault.Conflict, "breachdesk is already set up. Sign in instead."))
		return
	}
	f := r.PostForm
	errs := fault.Fields{}
	o := orgOfForm(f, errs)
	admin := auth.User{Email: f.Get("admin_email"), Name: f.Get("admin_name")}
	for k, v := range app.SetUpProblems(o, admin, f.Get("admin_password")) {
		errs.Add(k, v)
	}
	if f.Get("admin_password") != f.Get("admin_password2") {
		errs.Add("admin_password2", "The two passwords differ.")
	}
	data := orgForm{PreCSRF: s.preToken(w, r), orgChoices: choicesOfOrg}
	if err := errs.Err(); err != nil {
		s.renderForm(w, r, "setup", "Set up breachdesk", data, f, err)
		return
	}
	u, err := s.SetUp(r.Context(), o, admin, f.Get("admin_password"))
	switch {
	case fault.CodeOf(err) == fault.Invalid:
		s.renderForm(w, r, "setup", "Set up breachdesk", data, f, err)
		return
	case err != nil:
		s.renderError(w, r, err)
		return
	}
	if err := s.startSession(w, r, u.ID); err != nil {
		s.renderError(w, r, err)
		return
	}
	s.flash(w, "Welcome. Add your privacy officer and staff under Users, then share the report page with everyone.")
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// orgChoices are the lists the organisation's form offers.
type orgChoices struct {
	LawGroups  []org.LawGroup
	Sectors    []string
	Industries []struct{ Code, Label string }
	Zones      []string
}

var choicesOfOrg = orgChoices{LawGroups: org.LawGroups(), Sectors: org.Sectors, Industries: org.Industries, Zones: org.TimeZones}

// orgForm is the setup and settings pages' data.
type orgForm struct {
	orgChoices
	PreCSRF string
}

// orgOfForm reads the organisation's form; a retention period that is
// not a number is a field error.
func orgOfForm(f url.Values, errs fault.Fields) org.Organisation {
	o := org.Organisation{Name: f.Get("name"), ContactName: f.Get("contact_name"), ContactTitle: f.Get("contact_title"), ContactEmail: strings.TrimSpace(f.Get("contact_email")),
		ContactPhone: f.Get("contact_phone"), NZBN: strings.TrimSpace(f.Get("nzbn")), ABN: strings.TrimSpace(f.Get("abn")),
		Sector: f.Get("sector"), Industry: f.Get("industry"), Laws: f["laws"], TimeZone: strings.TrimSpace(f.Get("time_zone"))}
	if v := strings.TrimSpace(f.Get("retention_years")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			errs.Add("retention_years", "Give a whole number of years, such as 7.")
		}
		o.RetentionYears = n
	}
	return o
}

// formOfOrg fills the organisation's form from its settings.
func formOfOrg(o org.Organisation) url.Values {
	return url.Values{"name": {o.Name}, "contact_name": {o.ContactName}, "contact_title": {o.ContactTitle}, "contact_email": {o.ContactEmail},
		"contact_phone": {o.ContactPhone}, "nzbn": {o.NZBN}, "abn": {o.ABN}, "sector": {o.Sector}, "industry": {o.Industry}, "laws": o.Laws,
		"time_zone": {o.TimeZone}, "retention_years": {strconv.Itoa(o.Retention())}}
}

func (s *Server) settingsPage(w http.ResponseWriter, r *http.Request) {
	o, err := s.Organisation(r.Context())
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.renderForm(w, r, "settings", "Organisation settings", orgForm{orgChoices: choicesOfOrg}, formOfOrg(o), nil)
}

func (s *Server) saveSettings(w http.ResponseWriter, r *http.Request) {
	errs := fault.Fields{}
	o := orgOfForm(r.PostForm, errs)
	err := errs.Err()
	if err == nil {
		_, err = s.SaveSettings(r.Context(), currentUser(r), o)
	}
	if err != nil {
		s.renderForm(w, r, "settings", "Organisation settings", orgForm{orgChoices: choicesOfOrg}, r.PostForm, err)
		return
	}
	s.flash(w, "Settings saved. Notices, the staff page and NotifyUs answers use them from now on.")
	http.Redirect(w, r, "/admin/organisation", http.StatusSeeOther)
}
