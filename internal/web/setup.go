package web

import (
	"net/http"
	"strings"

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
	s.renderForm(w, r, "setup", "Set up breachdesk", map[string]any{"PreCSRF": s.preToken(w, r), "Laws": org.Laws, "LawGroups": org.LawGroups(), "Sectors": org.Sectors}, nil, nil)
}

func (s *Server) setup(w http.ResponseWriter, r *http.Request) {
	if !s.setupOpen(r) {
		s.renderError(w, r, fault.Errorf(fault.Conflict, "breachdesk is already set up. Sign in instead."))
		return
	}
	f := r.PostForm
	o := org.Organisation{Name: f.Get("name"), ContactName: f.Get("contact_name"), ContactEmail: f.Get("contact_email"),
		ContactPhone: f.Get("contact_phone"), NZBN: strings.TrimSpace(f.Get("nzbn")), ABN: strings.TrimSpace(f.Get("abn")),
		Sector: f.Get("sector"), Laws: f["laws"], TimeZone: strings.TrimSpace(f.Get("time_zone"))}
	errs := fault.Fields{}
	if err := o.Validate(); err != nil {
		for k, v := range fault.FieldsOf(err) {
			errs.Add(k, v)
		}
	}
	admin := auth.User{Email: f.Get("admin_email"), Name: f.Get("admin_name"), Role: auth.Admin, ResponseTeam: true}
	if err := auth.CheckPasswordStrength(f.Get("admin_password"), admin.Email); err != nil {
		errs.Add("admin_password", fault.FieldsOf(err)["password"])
	} else if f.Get("admin_password") != f.Get("admin_password2") {
		errs.Add("admin_password2", "The two passwords differ.")
	}
	data := map[string]any{"PreCSRF": s.preToken(w, r), "Laws": org.Laws, "LawGroups": org.LawGroups(), "Sectors": org.Sectors}
	if err := errs.Err(); err != nil {
		s.renderForm(w, r, "setup", "Set up breachdesk", data, f, err)
		return
	}
	hash, err := auth.HashPassword(f.Get("admin_password"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	admin.PasswordHash = hash
	u, err := s.Store.CreateUser(r.Context(), 0, admin)
	if err != nil {
		if fe := fault.FieldsOf(err); fe != nil {
			for k, v := range fe {
				err.(*fault.Error).Fields["admin_"+k] = v
			}
		}
		s.renderForm(w, r, "setup", "Set up breachdesk", data, f, err)
		return
	}
	if err := s.Store.SaveOrganisation(r.Context(), u.ID, o); err != nil {
		s.renderError(w, r, err)
		return
	}
	if err := s.startSession(w, r, u.ID); err != nil {
		s.renderError(w, r, err)
		return
	}
	s.flash(w, "Welcome. Add your privacy officer and staff under Users, then share the report page with everyone.")
	http.Redirect(w, r, "/incidents", http.StatusSeeOther)
}
