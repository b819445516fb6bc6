package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/breachdesk/breachdesk/internal/auth"
)

func TestResponseTeamRolesAndOnCall(t *testing.T) {
	f := newFixture(t).withOrg()
	po := f.user("po@example.org", auth.PrivacyOfficer, true)
	lead := f.user("lead@example.org", auth.Responder, true)
	legal := f.user("legal@example.org", auth.Responder, false)
	ctx := context.Background()
	lead.TeamRole, legal.TeamRole = "team_leader", "legal"
	for _, u := range []auth.User{lead, legal} {
		if err := f.db.UpdateUser(ctx, po.ID, u); err != nil {
			t.Fatal(err)
		}
	}
	inc := f.incident(po, "Ransomware on the file server")
	c := f.login(po.Email)
	path := "/incidents/" + strconv.FormatInt(inc.ID, 10)
	c.post(path+"/triage", url.Values{"kind": {"breach"}, "severity": {"critical"}})
	c.post(path+"/escalate", url.Values{})
	ps, _ := f.db.Participants(ctx, inc.ID)
	roles := map[string]string{}
	for _, p := range ps {
		roles[p.Name] = p.Role
	}
	if roles["lead"] != "Team leader" || roles["legal"] != "" {
		t.Fatalf("escalation adds core members with their team role, not on-call specialists: %+v", ps)
	}
	lc := f.login(legal.Email)
	if resp := lc.post(path+"/notes", url.Values{"text": {"Advice on the insurer notice"}}); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("an on-call specialist not yet added: %d", resp.StatusCode)
	}
	if resp := c.post(path+"/participants", url.Values{"user_id": {strconv.FormatInt(legal.ID, 10)}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("add participant: %d", resp.StatusCode)
	}
	if resp := lc.post(path+"/notes", url.Values{"text": {"Advice on the insurer notice"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("the added specialist can work the incident: %d", resp.StatusCode)
	}
	if resp := c.post("/team/experts", url.Values{"kind": {"insurer"}, "name": {"Cyber desk"}, "organisation": {"Kiwi Insure"}, "contact": {"0800 555 0199"}, "notes": {"Policy CY-1234; call within 24 h"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("add expert: %d", resp.StatusCode)
	}
	if resp := c.post("/team/experts", url.Values{"kind": {"wizard"}}); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad expert: %d", resp.StatusCode)
	}
	team := c.get("/team")
	if !strings.Contains(team, "Team leader") || !strings.Contains(team, "Kiwi Insure") || !strings.Contains(team, "On-call specialists") {
		t.Fatal("team page")
	}
	if page := c.get(path + "?tab=report"); !strings.Contains(page, "Cyber desk") || !strings.Contains(page, "legal") {
		t.Fatal("incident page lacks the outside help or the added specialist")
	}
}
