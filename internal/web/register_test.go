package web

import (
	"context"
	"encoding/csv"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/incident"
)

// TestRegisterPageCSVAndMetrics: the register lists every incident, its
// CSV parses back with the same cells, and the metrics count them.
func TestRegisterPageCSVAndMetrics(t *testing.T) {
	f := newFixture(t).withOrg()
	po := f.user("po@example.org", auth.PrivacyOfficer, true)
	f.incident(po, `Spreadsheet "clients, 2026" sent, with a formula =1+1`)
	f.incident(po, "Laptop left on the 8:15 train")
	c := f.login(po.Email)
	if page := c.get("/register"); !strings.Contains(page, "2 entries") || !strings.Contains(page, "Laptop left on the 8:15 train") {
		t.Fatal("register page")
	}
	req, _ := http.NewRequest("GET", f.ts.URL+"/register/export/csv", nil)
	resp := c.do(req)
	rows, err := csv.NewReader(resp.Body).ReadAll()
	resp.Body.Close()
	if err != nil || len(rows) != 3 || rows[0][1] != "title" {
		t.Fatalf("csv: %v %v", err, rows)
	}
	titles := rows[1][1] + "|" + rows[2][1]
	if !strings.Contains(titles, `Spreadsheet "clients, 2026" sent, with a formula =1+1`) {
		t.Fatalf("quotes and commas must survive the CSV: %q", titles)
	}
	// Words, not codes, and each reference a link to its incident.
	staff := f.user("staff@example.org", auth.Reporter, false)
	if _, err := f.srv.Report(context.Background(), &staff, "Card slips left on the counter", incident.Report{NearMiss: true, WhatHappened: "Slips found before closing.",
		DiscoveredAt: time.Now().Add(-time.Hour), DataCategories: []string{"payment_card", "name"}, Cause: "human_error", Ongoing: "no"}); err != nil {
		t.Fatal(err)
	}
	table := between(c.get("/register"), "<tbody>", 20000)
	for _, want := range []string{`<a href="/incidents/3">INC-0003</a>`, "Near miss", "Payment card details"} {
		if !strings.Contains(table, want) {
			t.Errorf("the register does not show %q", want)
		}
	}
	for _, code := range []string{"near_miss", "payment_card", "human_error"} {
		if strings.Contains(table, code) {
			t.Errorf("the register shows the code %q", code)
		}
	}
	tok := f.apiToken(po.Email)
	req, _ = http.NewRequest("GET", f.ts.URL+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `breachdesk_incidents_open{kind="breach"} 2`) || !strings.Contains(string(body), "breachdesk_obligations_overdue 0") {
		t.Fatalf("metrics: %d %s", resp.StatusCode, body)
	}
}
