package app_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/breachdesk/breachdesk/internal/app"
	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/incident"
	"github.com/breachdesk/breachdesk/internal/notice"
)

// Publishing the public notice when the people must be told and no one
// has been told directly is option 3 of s 26WL: it needs the reason
// direct notification is not practicable, which the OAIC statement then
// states.
func TestPublishingInsteadOfTellingPeopleNeedsAReason(t *testing.T) {
	ctx := context.Background()
	a := demoApp(t)
	id := incidentTellingPeople(t, a)

	_, err := a.PublishNotice(ctx, app.System, id, app.PublishRequest{Override: "test"})
	var fe *fault.Error
	if !errors.As(err, &fe) || fe.Code != fault.Conflict || fe.Fields["not_direct"] == "" {
		t.Fatalf("publishing without saying why people are not told directly: got %v, want a conflict naming not_direct", err)
	}
	why := "The only contact details were on the stolen laptop; we hold no other record of who the customers are."
	p, err := a.PublishNotice(ctx, app.System, id, app.PublishRequest{Override: "test", NotDirect: why})
	if err != nil {
		t.Fatal(err)
	}
	if p.NotDirect != why {
		t.Fatalf("the published notice keeps %q as the reason, want %q", p.NotDirect, why)
	}
	n, err := a.Notice(ctx, app.System, id, notice.OAIC, app.NoticeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	text := n.Doc.PlainText()
	if !strings.Contains(text, "Option 3") || !strings.Contains(text, "we hold no other record") {
		t.Fatalf("the OAIC statement does not state option 3 with its reason:\n%s", text)
	}
}

// incidentTellingPeople returns a demo incident with an obligation to
// tell the people and no campaign started.
func incidentTellingPeople(t *testing.T, a *app.App) int64 {
	t.Helper()
	ctx := context.Background()
	for id := int64(1); id <= 12; id++ {
		inc, _, err := a.Open(ctx, app.System, id, auth.ReadAccess)
		if err != nil {
			continue
		}
		for _, o := range inc.Obligations {
			if o.Audience == "individuals" && o.Status == incident.ObligationPending && strings.HasPrefix(o.Regime, "au") {
				cs, err := a.Campaigns(ctx, app.System, id)
				if err != nil {
					t.Fatal(err)
				}
				if len(cs) == 0 {
					return id
				}
			}
		}
	}
	t.Fatal("no demo incident must tell people under the Australian scheme without a campaign started")
	return 0
}
