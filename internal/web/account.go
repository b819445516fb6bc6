package web

import (
	"net/http"
	"strconv"

	"github.com/breachdesk/breachdesk/internal/audit"
	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/notify"
)

// notificationsPage lists a person's notifications; those unread until
// this visit stand out.
type notificationsPage struct {
	Messages []notify.Message
}

// notifications shows a person's notifications and marks them read, so
// the badge clears once they have been seen.
func (s *Server) notifications(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	msgs, err := s.Store.Notifications(r.Context(), u.ID)
	if err == nil {
		err = s.Store.MarkRead(r.Context(), u.ID)
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, "notifications", "Notifications", notificationsPage{Messages: msgs})
}

func (s *Server) markRead(w http.ResponseWriter, r *http.Request) {
	if err := s.Store.MarkRead(r.Context(), currentUser(r).ID); err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/notifications", http.StatusSeeOther)
}

func (s *Server) users(w http.ResponseWriter, r *http.Request) {
	s.usersPage(w, r, nil)
}

func (s *Server) usersPage(w http.ResponseWriter, r *http.Request, err error) {
	users, lerr := s.Store.Users(r.Context())
	if lerr != nil {
		s.renderError(w, r, lerr)
		return
	}
	var form = r.PostForm
	s.renderForm(w, r, "users", "Users", usersView{Users: users, Roles: auth.Roles, TeamRoles: auth.TeamRoles}, form, err)
}

// usersView is the administrator's list of accounts and the form to add
// one.
type usersView struct {
	Users     []auth.User
	Roles     []auth.Role
	TeamRoles []struct{ ID, Label, Duty string }
}

func (s *Server) addUser(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	role, _ := auth.ParseRole(f.Get("role"))
	u := auth.User{Email: f.Get("email"), Name: f.Get("name"), Role: role, ResponseTeam: f.Get("response_team") == "1", TeamRole: f.Get("team_role")}
	if _, err := s.AddUser(r.Context(), currentUser(r), u, f.Get("password")); err != nil {
		s.usersPage(w, r, err)
		return
	}
	s.flash(w, "Account created for "+u.Name+". Give them their password in person or by phone.")
	http.Redirect(w, r, "/admin/users", http.StatusSeeOther)
}

func (s *Server) updateUser(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.ParseInt(r.PathValue("uid"), 10, 64)
	u, err := s.Store.User(r.Context(), id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	f := r.PostForm
	if role, ok := auth.ParseRole(f.Get("role")); ok {
		u.Role = role
	}
	u.ResponseTeam = f.Get("response_team") == "1"
	u.TeamRole = f.Get("team_role")
	u.Disabled = f.Get("disabled") == "1"
	if err := s.UpdateUser(r.Context(), currentUser(r), u, f.Get("password")); err != nil {
		s.usersPage(w, r, err)
		return
	}
	msg := "Saved " + u.Name + "."
	if f.Get("password") != "" || u.Disabled {
		msg += " Their sessions have ended and their API tokens are revoked."
	}
	s.flash(w, msg)
	http.Redirect(w, r, "/admin/users", http.StatusSeeOther)
}

func (s *Server) auditVerify(w http.ResponseWriter, r *http.Request) {
	rep, err := s.Store.VerifyAll(r.Context())
	data := verifyView{Count: rep.Count, OK: err == nil, Report: rep}
	if err != nil {
		data.Problem = err.Error()
	}
	s.render(w, r, "verify", "Audit log check", data)
}

// verifyView is the audit log check: intact, or where it breaks.
type verifyView struct {
	Count   int64
	OK      bool
	Report  audit.Report
	Problem string
}

func (s *Server) tokens(w http.ResponseWriter, r *http.Request) {
	s.tokensPage(w, r, "", nil)
}

func (s *Server) tokensPage(w http.ResponseWriter, r *http.Request, created string, err error) {
	ts, lerr := s.Store.APITokens(r.Context(), currentUser(r).ID)
	if lerr != nil {
		s.renderError(w, r, lerr)
		return
	}
	s.renderForm(w, r, "tokens", "API tokens", tokensView{Tokens: ts, Created: created}, r.PostForm, err)
}

// tokensView is a person's API tokens, and the one just created, shown
// once.
type tokensView struct {
	Tokens  []auth.APIToken
	Created string
}

func (s *Server) createToken(w http.ResponseWriter, r *http.Request) {
	tok, hash := auth.NewToken("bd_")
	_, err := s.Store.CreateAPIToken(r.Context(), auth.APIToken{UserID: currentUser(r).ID, Name: r.PostFormValue("name")}, hash)
	if err != nil {
		s.tokensPage(w, r, "", err)
		return
	}
	s.tokensPage(w, r, tok, nil)
}

func (s *Server) deleteToken(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.ParseInt(r.PathValue("tid"), 10, 64)
	if err := s.Store.DeleteAPIToken(r.Context(), currentUser(r).ID, id); err != nil {
		s.renderError(w, r, err)
		return
	}
	s.flash(w, "Token revoked.")
	http.Redirect(w, r, "/account/tokens", http.StatusSeeOther)
}
