package auth

import (
	"context"
	"errors"
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

func TestThrottleCountsIPv6ByNetwork(t *testing.T) {
	if AddressKey("2001:db8::1") != AddressKey("2001:db8::ffff") || AddressKey("::ffff:10.0.0.1") != "10.0.0.1" {
		t.Fatal("addresses are not grouped")
	}
}

func TestPasswordChecksWaitForASlot(t *testing.T) {
	for range cap(hashSlots) {
		hashSlots <- struct{}{}
	}
	_, err := VerifyPassword(context.Background(), "", "pw", 20*time.Millisecond)
	for range cap(hashSlots) {
		<-hashSlots
	}
	if !errors.Is(err, ErrBusy) {
		t.Fatalf("want ErrBusy with every slot taken, got %v", err)
	}
	if ok, err := VerifyPassword(context.Background(), "", "pw", time.Second); ok || err != nil {
		t.Fatalf("the dummy hash matched or failed: %v %v", ok, err)
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
