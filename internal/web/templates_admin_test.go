package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/internal/app"
	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/notice"
)

func TestBuiltinTemplatesPassOnTheSample(t *testing.T) {
	tpl, _ := notice.LoadTemplates("en")
	for _, k := range notice.Kinds {
		d := notice.Sample(k, time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC))
		doc, err := tpl.Render(d)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range notice.Check(doc, d, notice.DefaultGrade) {
			if f.Severity == notice.MustFix {
				t.Errorf("%s: built-in template fails on the sample: %s", k, f)
			}
		}
	}
}

func TestEditTemplateVersions(t *testing.T) {
	f := newFixture(t).withOrg()
	po := f.user("po@example.org", auth.PrivacyOfficer, true)
	c := f.login(po.Email)
	builtin, _ := notice.Builtin(notice.Individual, "en")
	edited := strings.Replace(builtin, "We are sorry this happened.", "We are truly sorry this happened.", 1)
	if resp := c.post("/admin/templates/individual", url.Values{"op": {"preview"}, "body": {edited}}); resp.StatusCode != 200 {
		t.Fatalf("preview: %d", resp.StatusCode)
	}
	if vs, _ := f.db.TemplateVersions(context.Background(), notice.Individual, "en"); len(vs) != 0 {
		t.Fatal("a preview saved a version")
	}
	if resp := c.post("/admin/templates/individual", url.Values{"op": {"save"}, "body": {edited}, "note": {"warmer apology"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", resp.StatusCode)
	}
	d := notice.Sample(notice.Individual, time.Now())
	doc, _ := f.srv.Writer.Render(d)
	if !strings.Contains(doc.PlainText(), "truly sorry") {
		t.Fatal("the saved version is not in use")
	}
	broken := strings.Replace(edited, "## What you can do", "## Other things", 1)
	if resp := c.post("/admin/templates/individual", url.Values{"op": {"save"}, "body": {broken}}); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("a version without required content: %d", resp.StatusCode)
	}
	if resp := c.post("/admin/templates/individual", url.Values{"op": {"save"}, "body": {"{{.Nope"}}); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("a template that does not parse: %d", resp.StatusCode)
	}
	if resp := c.post("/admin/templates/individual", url.Values{"op": {"builtin"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("back to built-in: %d", resp.StatusCode)
	}
	vs, _ := f.db.TemplateVersions(context.Background(), notice.Individual, "en")
	if len(vs) != 2 || vs[0].Version != 2 || vs[1].Note != "warmer apology" {
		t.Fatalf("versions: %+v", vs)
	}
	doc, _ = f.srv.Writer.Render(d)
	if strings.Contains(doc.PlainText(), "truly sorry") {
		t.Fatal("restoring the built-in text did not take effect")
	}
	// A restarted server picks up the organisation's latest version.
	srv, err := app.New(context.Background(), f.db, app.Config{ScanDir: f.srv.ScanDir}, f.srv.Files, f.srv.Notifier, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Writer.Render(d); err != nil {
		t.Fatal(err)
	}
}
