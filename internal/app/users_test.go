package app_test

import (
	"context"
	"testing"

	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/org"
)

// Accounts are one use case whichever door a person comes in by (setup
// page, users page, command line, demo): setup happens once, passwords
// are checked, only administrators manage accounts, and an administrator
// cannot lock the last door behind them.
func TestAccountsFollowOneSetOfRules(t *testing.T) {
	ctx := context.Background()
	a := emptyApp(t)
	o := org.Organisation{Name: "Kiwi Clinics", ContactName: "Pat", ContactEmail: "pat@kiwi.example", TimeZone: "Pacific/Auckland"}
	if _, err := a.SetUp(ctx, o, auth.User{Name: "Ada", Email: "ada@kiwi.example"}, "short"); fault.FieldsOf(err)["admin_password"] == "" {
		t.Fatalf("a weak administrator password: %v", err)
	}
	if n, _ := a.Store.CountUsers(ctx); n != 0 {
		t.Fatal("a refused setup created an account")
	}
	admin, err := a.SetUp(ctx, o, auth.User{Name: "Ada", Email: "ada@kiwi.example"}, "admin password 2026")
	if err != nil || admin.Role != auth.Admin || !admin.ResponseTeam {
		t.Fatalf("setup: %+v %v", admin, err)
	}
	if got, err := a.Organisation(ctx); err != nil || got.Name != "Kiwi Clinics" {
		t.Fatalf("setup's organisation: %+v %v", got, err)
	}
	if _, err := a.SetUp(ctx, o, auth.User{Name: "Eve", Email: "eve@kiwi.example"}, "another password 2026"); fault.CodeOf(err) != fault.Conflict {
		t.Fatalf("a second setup: %v", err)
	}
	po, err := a.AddUser(ctx, &admin, auth.User{Name: "Pat", Email: "pat@kiwi.example", Role: auth.PrivacyOfficer}, "privacy password 2026")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.AddUser(ctx, &po, auth.User{Name: "Sam", Email: "sam@kiwi.example", Role: auth.Admin}, "staff password 2026"); fault.CodeOf(err) != fault.Forbidden {
		t.Fatalf("a privacy officer added an administrator: %v", err)
	}
	if _, err := a.AddUser(ctx, &admin, auth.User{Name: "Sam", Email: "sam@kiwi.example", Role: auth.Reporter}, "sam"); fault.CodeOf(err) != fault.Invalid {
		t.Fatalf("a weak password: %v", err)
	}
	me := admin
	me.Role = auth.Viewer
	if err := a.UpdateUser(ctx, &admin, me, ""); fault.CodeOf(err) != fault.Conflict {
		t.Fatalf("an administrator gave up their own role: %v", err)
	}
	if err := a.UpdateUser(ctx, &admin, po, "weak"); fault.CodeOf(err) != fault.Invalid {
		t.Fatalf("a weak new password: %v", err)
	}
	if err := a.UpdateUser(ctx, &admin, po, "a new privacy password"); err != nil {
		t.Fatal(err)
	}
	if u, err := a.Store.User(ctx, po.ID); err != nil || u.PasswordHash == po.PasswordHash || !auth.CheckPassword(u.PasswordHash, "a new privacy password") {
		t.Fatalf("the new password was not stored: %v", err)
	}
}
