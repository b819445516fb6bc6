package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/incident"
)

// TestReviewAndClosing walks an incident to closure: the Review step needs
// a root cause and lessons; closing needs every obligation resolved.
func TestReviewAndClosing(t *testing.T) {
	f := newFixture(t).withOrg()
	po := f.user("po@example.org", auth.PrivacyOfficer, true)
	inc := f.incident(po, "USB stick with client files lost")
	c := f.login(po.Email)
	path := "/incidents/" + strconv.FormatInt(inc.ID, 10)
	post := func(p string, v url.Values) int { return c.post(path+p, v).StatusCode }
	if code := post("/triage", url.Values{"kind": {"breach"}, "severity": {"medium"}}); code != http.StatusSeeOther {
		t.Fatalf("triage %d", code)
	}
	for _, st := range []string{"contain", "assess"} {
		post("/steps/"+st+"/start", url.Values{})
	}
	f.settle(c, inc.ID, incident.Contain)
	post("/steps/contain/complete", url.Values{})
	form := url.Values{"organisation.subject_to": {"eu_gdpr"}, "timeline.discovered_at": {time.Now().UTC().Add(-2 * time.Hour).Format("2006-01-02T15:04")},
		"data.categories": {"name", "health"}, "recipient.kind": {"unknown"}, "people.vulnerable": {"no"}}
	if code := post("/assess", form); code != http.StatusSeeOther {
		t.Fatalf("assess %d", code)
	}
	post("/steps/notify/start", url.Values{})
	f.settle(c, inc.ID, incident.Assess)
	if code := post("/steps/assess/complete", url.Values{}); code != http.StatusSeeOther {
		t.Fatalf("assess complete %d", code)
	}
	f.settle(c, inc.ID, incident.Notify)
	got, _ := f.db.Incident(context.Background(), inc.ID)
	for _, o := range got.Obligations {
		if o.Open() {
			post("/obligations/"+strconv.FormatInt(o.ID, 10), url.Values{"op": {"done"}, "reference": {"done, ref 42"}})
		}
	}
	if code := post("/steps/notify/complete", url.Values{}); code != http.StatusSeeOther {
		t.Fatalf("notify complete %d", code)
	}
	post("/steps/review/start", url.Values{})
	f.settle(c, inc.ID, incident.Review)
	if code := post("/steps/review/complete", url.Values{}); code != http.StatusConflict {
		t.Fatalf("review completed without causes or lessons: %d", code)
	}
	if code := post("/review/causes", url.Values{"category": {"technical_control_missing"}, "description": {"USB sticks were not encrypted"}}); code != http.StatusSeeOther {
		t.Fatalf("root cause %d", code)
	}
	if code := post("/review/causes", url.Values{"category": {"nonsense"}, "description": {"x"}}); code != http.StatusUnprocessableEntity {
		t.Fatalf("bad cause %d", code)
	}
	if code := post("/review/notes", url.Values{"went_well": {"Fast containment"}, "lessons": {"Encrypt removable media"}}); code != http.StatusSeeOther {
		t.Fatalf("notes %d", code)
	}
	if code := post("/review/actions", url.Values{"title": {"Buy encrypted USB sticks"}, "owner_id": {strconv.FormatInt(po.ID, 10)}, "due_at": {"2027-01-15T12:00"}, "link": {"USB policy"}}); code != http.StatusSeeOther {
		t.Fatalf("action %d", code)
	}
	if code := post("/review/actions", url.Values{"title": {"No owner"}}); code != http.StatusUnprocessableEntity {
		t.Fatalf("action without owner and due date %d", code)
	}
	if code := post("/steps/review/complete", url.Values{}); code != http.StatusSeeOther {
		t.Fatalf("review complete %d", code)
	}
	if code := post("/close", url.Values{"reason": {"Response complete"}}); code != http.StatusSeeOther {
		t.Fatalf("close %d", code)
	}
	got, _ = f.db.Incident(context.Background(), inc.ID)
	if got.Status != incident.StatusClosed {
		t.Fatalf("status %s", got.Status)
	}
	acts, _ := f.db.OpenActions(context.Background())
	if len(acts) != 1 || acts[0].OwnerName != "po" {
		t.Fatalf("open actions outlive the incident until done: %+v", acts)
	}
}

// settle ticks every open task of a step through the page's forms.
func (f *fixture) settle(c *client, id int64, st incident.Step) {
	f.t.Helper()
	tasks, err := f.db.Tasks(context.Background(), id)
	if err != nil {
		f.t.Fatal(err)
	}
	for _, t := range tasks {
		if t.Step == st && !t.Settled() {
			if code := c.post("/incidents/"+strconv.FormatInt(id, 10)+"/tasks/"+strconv.FormatInt(t.ID, 10), url.Values{"op": {"done"}}).StatusCode; code != http.StatusSeeOther {
				f.t.Fatalf("tick %q: %d", t.Title, code)
			}
		}
	}
}
