package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/internal/app"
	"github.com/breachdesk/breachdesk/internal/audit"
	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/deliver"
	"github.com/breachdesk/breachdesk/internal/demo"
)

// TestNotifyPeopleAndLookUp: a refused campaign keeps what was typed and
// says what to change; a started one is queued; the lookup page answers
// only when switched on, the same way for a wrong reference and a wrong
// check value, audits each try without what was typed, and throttles.
func TestNotifyPeopleAndLookUp(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	if err := demo.Load(ctx, f.srv.App); err != nil {
		t.Fatal(err)
	}
	f.user("po2@example.org", auth.PrivacyOfficer, true)
	c := f.login("po2@example.org")
	csv := "name,email,address,city,postcode,country\nAroha Ngata,aroha@example.co.nz,12 Queen Street,Auckland,1010,NZ\n"
	if _, err := f.srv.ImportPeople(ctx, app.System, 4, strings.NewReader(csv)); err != nil {
		t.Fatal(err)
	}
	form := url.Values{"option": {"2"}, "channel": {"letter"}, "practicable": {""}}
	req := func(path string, form url.Values) (*http.Response, string) {
		form.Set("csrf", c.csrf)
		r, _ := http.NewRequest("POST", f.ts.URL+path, strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp := c.do(r)
		defer resp.Body.Close()
		var b strings.Builder
		buf := make([]byte, 4096)
		for {
			n, err := resp.Body.Read(buf)
			b.Write(buf[:n])
			if err != nil {
				break
			}
		}
		return resp, b.String()
	}
	resp, body := req("/incidents/4/delivery", form)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Say why telling people directly is practicable") || !strings.Contains(body, `value="2" checked`) {
		t.Fatalf("refused campaign: %d\n%.2000s", resp.StatusCode, body)
	}
	form = url.Values{"option": {"1"}, "channel": {"letter"}, "practicable": {"We hold every client's postal address."}, "override": {"Reviewed."}}
	if resp, body := req("/incidents/4/delivery", form); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/incidents/4/delivery/1" {
		t.Fatalf("start: %d %s\n%.1500s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	// The workers queue it (no channel is configured to send here).
	wctx, stop := context.WithCancel(ctx)
	done := make(chan error)
	go func() { done <- f.srv.RunDelivery(wctx, &deliver.Worker{Owner: "test"}) }()
	deadline := time.Now().Add(20 * time.Second)
	for {
		v, err := f.srv.Campaign(ctx, app.System, 4, 1)
		if err != nil {
			t.Fatal(err)
		}
		if v.Status == deliver.CampaignRunning {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("not queued: %+v", v)
		}
		time.Sleep(50 * time.Millisecond)
	}
	stop()
	<-done
	if page := c.get("/incidents/4/delivery/1"); !strings.Contains(page, "Campaign 1") || !strings.Contains(page, "Print the queued letters") {
		t.Fatalf("campaign page:\n%.2000s", page)
	}
	people, err := f.db.AffectedPeople(ctx, 4)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := f.db.Reference(ctx, 4, people[0].ID)
	if err != nil || ref.CheckKind != "postcode" {
		t.Fatalf("reference: %+v %v", ref, err)
	}

	visitor := f.anon()
	look := func(reference, check string) (int, string) {
		page := visitor.get("/lookup")
		tok := csrfField.FindStringSubmatch(page)
		if tok == nil {
			t.Fatalf("no form on the lookup page:\n%s", page)
		}
		form := url.Values{"csrf": {tok[1]}, "reference": {reference}, "check": {check}}
		r, _ := http.NewRequest("POST", f.ts.URL+"/lookup", strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp := visitor.do(r)
		defer resp.Body.Close()
		var b strings.Builder
		buf := make([]byte, 4096)
		for {
			n, err := resp.Body.Read(buf)
			b.Write(buf[:n])
			if err != nil {
				break
			}
		}
		return resp.StatusCode, b.String()
	}
	// Off by default: the right reference gets the same answer as a wrong one.
	offCode, offBody := look(ref.Value, "1010")
	wrongCode, wrongBody := look("AAAA-BBBB-CCCC-DDDD", "1010")
	if offCode != wrongCode || offCode != http.StatusNotFound || !strings.Contains(offBody, "could not find") || !strings.Contains(wrongBody, "could not find") {
		t.Fatalf("lookup while off: %d vs %d", offCode, wrongCode)
	}
	if resp, _ := req("/incidents/4/delivery/lookup", url.Values{"enabled": {"on"}}); resp.StatusCode != http.StatusUnprocessableEntity && resp.StatusCode != http.StatusConflict {
		t.Fatalf("switched on before the public notice: %d", resp.StatusCode)
	}
	if _, err := f.srv.PublishNotice(ctx, app.System, 4, app.PublishRequest{Override: "test"}); err != nil {
		t.Fatal(err)
	}
	if resp, _ := req("/incidents/4/delivery/lookup", url.Values{"enabled": {"on"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("switching on: %d", resp.StatusCode)
	}
	if code, body := look(strings.ToLower(ref.Value), "1011"); code != http.StatusNotFound || strings.Contains(body, "Aroha") {
		t.Fatalf("wrong check value: %d", code)
	}
	code, body := look(strings.ToLower(ref.Value), " 1010 ")
	if code != http.StatusOK || !strings.Contains(body, "Dear Aroha Ngata") || strings.Contains(body, "12 Queen Street") {
		t.Fatalf("lookup: %d\n%.3000s", code, body)
	}
	var found, refused int
	if err := f.db.EachAudit(ctx, func(e audit.Entry) error {
		switch e.Action {
		case "lookup.found":
			found++
		case "lookup.refused":
			refused++
		}
		if strings.Contains(e.Details, ref.Value) || strings.Contains(e.Details, "1010") || strings.Contains(e.Object, ref.Value) {
			t.Errorf("the audit log holds what was typed: %+v", e)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if found != 1 || refused != 3 {
		t.Errorf("audited %d found and %d refused lookups, want 1 and 3", found, refused)
	}
	// One reference is tried at most ten times an hour, from anywhere.
	last := 0
	for i := 0; i < 12; i++ {
		last, _ = look(ref.Value, "9999")
	}
	if last != http.StatusTooManyRequests {
		t.Errorf("guessing a reference's check value: %d, want 429", last)
	}
}

// TestDeliveryHooksNeedTheirSignatures: a delivery report or a provider's
// webhook that does not carry its signature changes nothing.
func TestDeliveryHooksNeedTheirSignatures(t *testing.T) {
	f := newFixture(t).withOrg()
	c := f.anon()
	r, _ := http.NewRequest("GET", f.ts.URL+"/hooks/sms/report?entry=1&sig=forged&type=1", nil)
	if resp := c.do(r); resp.StatusCode != http.StatusForbidden {
		t.Errorf("forged SMS report: %d", resp.StatusCode)
	}
	for _, p := range []string{"ses", "sendgrid", "postmark", "mailgun"} {
		r, _ := http.NewRequest("POST", f.ts.URL+"/hooks/email/"+p, strings.NewReader(`{"signature":{"timestamp":"1","token":"x","signature":"y"},"Type":"Notification","TopicArn":"arn"}`))
		if resp := c.do(r); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("unsigned %s webhook: %d, want 401", p, resp.StatusCode)
		}
	}
	r, _ = http.NewRequest("POST", f.ts.URL+"/hooks/email/unknown", strings.NewReader("{}"))
	if resp := c.do(r); resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown provider: %d", resp.StatusCode)
	}
}

// TestDeliveryThroughTheAPI: a script starts a campaign, reads its
// progress, records others told and an enquiry, through the same use
// cases as the pages and with the same permissions.
func TestDeliveryThroughTheAPI(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	if err := demo.Load(ctx, f.srv.App); err != nil {
		t.Fatal(err)
	}
	f.user("po2@example.org", auth.PrivacyOfficer, true)
	f.user("resp2@example.org", auth.Responder, true)
	tok := f.apiToken("po2@example.org")
	csv := "name,email\nAroha Ngata,aroha@example.co.nz\n"
	if status, body := f.callAPI(tok, "POST", "/api/v1/incidents/4/people", "text/csv", strings.NewReader(csv)); status != 201 {
		t.Fatalf("people: %d %v", status, body)
	}
	status, body := f.callAPI(tok, "POST", "/api/v1/incidents/4/campaigns", "application/json", strings.NewReader(`{"option":1,"practicable":""}`))
	if status != 422 || !strings.Contains(fmt.Sprint(body), "practicable") {
		t.Fatalf("campaign without its reason: %d %v", status, body)
	}
	status, body = f.callAPI(tok, "POST", "/api/v1/incidents/4/campaigns", "application/json",
		strings.NewReader(`{"option":1,"practicable":"We hold every client's email address.","channels":["email"],"override":"Reviewed."}`))
	if status != 202 || body["status"] != "queuing" || body["stage"] != float64(1) {
		t.Fatalf("start: %d %v", status, body)
	}
	if status, body := f.callAPI(tok, "GET", "/api/v1/incidents/4/campaigns/1", "", nil); status != 200 || body["id"] != float64(1) {
		t.Fatalf("get: %d %v", status, body)
	}
	if status, body := f.callAPI(tok, "POST", "/api/v1/incidents/4/campaigns/1/pause", "application/json", strings.NewReader(`{}`)); status != 200 || body["campaign"].(map[string]any)["status"] != "paused" {
		t.Fatalf("pause: %d %v", status, body)
	}
	if status, body := f.callAPI(tok, "POST", "/api/v1/incidents/4/third-parties", "application/json", strings.NewReader(`{"kind":"police","name":"NZ Police","reference":"P-123"}`)); status != 201 || body["reference"] != "P-123" {
		t.Fatalf("third party: %d %v", status, body)
	}
	if status, body := f.callAPI(tok, "POST", "/api/v1/incidents/4/enquiries", "application/json", strings.NewReader(`{"channel":"phone","category":"affected","outcome":"answered","notes":"Caller asked if her address was in it."}`)); status != 201 || body["notes"] == "" {
		t.Fatalf("enquiry: %d %v", status, body)
	}
	// A responder may log enquiries but not start or steer campaigns.
	rtok := f.apiToken("resp2@example.org")
	if status, _ := f.callAPI(rtok, "POST", "/api/v1/incidents/4/campaigns/1/resume", "application/json", strings.NewReader(`{}`)); status != 403 {
		t.Fatalf("a responder resumed a campaign: %d", status)
	}
	// NotifyUs's "reported to other authorities" is answered from the record.
	if status, body := f.callAPI(tok, "GET", "/api/v1/incidents/4/notices/notifyus", "", nil); status != 200 || !strings.Contains(fmt.Sprint(body), "NZ Police") {
		t.Fatalf("NotifyUs does not name the police: %d", status)
	}
}
