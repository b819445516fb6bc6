package auth

import (
	"strings"
	"testing"
	"time"
)

func TestPasswordHashRoundTrip(t *testing.T) {
	h, err := HashPassword("a correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$") || !CheckPassword(h, "a correct horse battery") {
		t.Fatalf("hash %q does not verify", h)
	}
	if CheckPassword(h, "a correct horse batterY") || CheckPassword("$bcrypt$junk", "x") || CheckPassword("", "") {
		t.Fatal("wrong password or malformed hash accepted")
	}
	h2, _ := HashPassword("a correct horse battery")
	if h == h2 {
		t.Fatal("hashes are not salted")
	}
	if CheckPasswordStrength("short", "a@b.c") == nil || CheckPasswordStrength("jo@example.org", "JO@example.org") == nil || CheckPasswordStrength("twelve chars", "") != nil {
		t.Fatal("strength rules")
	}
}

func TestLimiterForgetsAfterWindow(t *testing.T) {
	now := time.Unix(0, 0)
	l := NewLimiter(3, time.Minute)
	l.Now = func() time.Time { return now }
	for i := 0; i < 3; i++ {
		l.Fail("ip:1", "email:a")
	}
	if l.Allowed("ip:1") || l.Allowed("ip:2", "email:a") || !l.Allowed("ip:2", "email:b") {
		t.Fatal("limits per key")
	}
	now = now.Add(61 * time.Second)
	if !l.Allowed("ip:1", "email:a") {
		t.Fatal("failures older than the window still count")
	}
}

func TestIncidentAccessIsLeastPrivilege(t *testing.T) {
	for _, c := range []struct {
		role                Role
		reported, takesPart bool
		want                Access
	}{
		{Reporter, false, false, NoAccess}, {Reporter, true, false, ReadAccess}, {Reporter, false, true, ReadAccess},
		{Responder, false, false, NoAccess}, {Responder, false, true, WorkAccess}, {Responder, true, false, ReadAccess},
		{Viewer, false, false, ReadAccess}, {PrivacyOfficer, false, false, WorkAccess}, {Admin, false, false, WorkAccess},
	} {
		u := &User{Role: c.role}
		if got := u.IncidentAccess(c.reported, c.takesPart); got != c.want {
			t.Errorf("%s reported=%v part=%v: %v, want %v", c.role, c.reported, c.takesPart, got, c.want)
		}
	}
	if (&User{Role: Admin, Disabled: true}).Can(ViewIncident) {
		t.Fatal("a disabled account can do nothing")
	}
}
