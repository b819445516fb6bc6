package web

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/internal/auth"
)

// The list of people to notify: imported, marked at risk, chosen by
// option 1 or 2, each with their own notice, printed as personal letters.
func TestPeopleToNotify(t *testing.T) {
	f := newFixture(t).withOrg()
	po := f.user("po@example.org", auth.PrivacyOfficer, true)
	inc := f.incident(po, "Client list emailed to the wrong supplier")
	c := f.login(po.Email)
	path := "/incidents/" + strconv.FormatInt(inc.ID, 10)
	post := func(p string, v url.Values) int { return c.post(path+p, v).StatusCode }
	post("/triage", url.Values{"kind": {"breach"}, "severity": {"high"}})
	form := url.Values{"organisation.subject_to": {"au_ndb"}, "timeline.discovered_at": {time.Now().UTC().Add(-2 * time.Hour).Format("2006-01-02T15:04")},
		"data.categories": {"name", "contact", "payment_card"}, "recipient.kind": {"other_organisation"}, "people.vulnerable": {"no"}, "people.count": {"3"},
		"summary": {"On Monday a staff member emailed our client list to the wrong supplier. The supplier deleted it the same day."}, "remediation.steps": {"We asked the supplier to delete the email and confirm it in writing."}}
	post("/steps/contain/start", url.Values{})
	post("/steps/assess/start", url.Values{})
	if code := post("/assess", form); code != http.StatusSeeOther {
		t.Fatalf("assess %d", code)
	}
	csv := "First name,Surname,Email,Address line 1,City,Postcode,Country\n" +
		"Aroha,Ngata,aroha@example.nz,12 Kauri Road,Auckland,1010,New Zealand\n" +
		"Ben,Smith,ben@example.au,4 George Street,Sydney NSW,2000,Australia\n" +
		"Chloe,Wilson,chloe@example.org,,,,\n"
	if code := c.upload(path+"/people", "file", "people.csv", []byte("name,email\nBad,not-an-email\n"), nil).StatusCode; code != http.StatusUnprocessableEntity {
		t.Fatalf("a bad list was accepted: %d", code)
	}
	if code := c.upload(path+"/people", "file", "people.csv", []byte(csv), nil).StatusCode; code != http.StatusSeeOther {
		t.Fatalf("import: %d", code)
	}
	// Without a description of what happened, the letters are refused
	// unless a person records why they go out anyway.
	summary := form.Get("summary")
	form.Del("summary")
	post("/assess", form)
	req, _ := http.NewRequest("GET", f.ts.URL+path+"/notices/individual/letters.pdf", nil)
	r := c.do(req)
	refused, _ := io.ReadAll(r.Body)
	r.Body.Close()
	if r.StatusCode != http.StatusConflict || !strings.Contains(between(string(refused), `id="letters"`, 800), "cannot go out") || !strings.Contains(string(refused), `id="tabs"`) {
		t.Fatalf("letters failing a check are not refused on the notices page: %d", r.StatusCode)
	}
	if r := c.post(path+"/notices/individual/letters.pdf", url.Values{"override": {"The regulator asked for the letters today; a fuller letter follows."}}); r.StatusCode != http.StatusOK {
		t.Fatalf("letters with an override: %d", r.StatusCode)
	}
	if tl := c.get(path + "?tab=timeline"); !strings.Contains(tl, "failed their checks (override): The regulator asked") {
		t.Fatal("the override is not recorded")
	}
	form.Set("summary", summary)
	post("/assess", form)
	page := c.get(path + "/notices?kind=individual")
	if !strings.Contains(page, "3 people on the list") || !strings.Contains(page, `<strong id="chosen">3</strong>`) {
		t.Fatal("the list is not summarised")
	}
	ps, _ := f.db.AffectedPeople(context.Background(), inc.ID)
	// Nobody is at risk yet: option 2 notifies nobody.
	if page := c.get(path + "/notices?kind=individual&option=2"); !strings.Contains(page, `<strong id="chosen">0</strong>`) {
		t.Fatal("option 2 chose people not at risk")
	}
	if code := post("/people/at-risk", url.Values{}); code != http.StatusUnprocessableEntity {
		t.Fatalf("marking without a category: %d", code)
	}
	// Mark by a kind none of them has in their own list: the imported list
	// has no per-person kinds, so nobody is marked.
	post("/people/at-risk", url.Values{"category": {"health"}})
	if page := c.get(path + "/notices?kind=individual&option=2"); !strings.Contains(page, `<strong id="chosen">0</strong>`) {
		t.Fatal("people were marked at risk by a kind they do not have")
	}
	f.db.SetAtRisk(context.Background(), po.ID, "po", inc.ID, map[int64]bool{ps[0].ID: true})
	if page := c.get(path + "/notices?kind=individual&option=2"); !strings.Contains(page, `<strong id="chosen">1</strong>`) {
		t.Fatal("option 2 does not choose the one at risk")
	}
	// Each person's own notice greets them and holds nobody else.
	own := c.get(path + "/notices?kind=individual&person=" + strconv.FormatInt(ps[1].ID, 10))
	own = own[strings.Index(own, `<article class="panel doc"`):]
	own = own[:strings.Index(own, "</article>")]
	if !strings.Contains(own, "Dear Ben Smith,") || strings.Contains(own, "aroha@example.nz") || strings.Contains(own, "Aroha") {
		t.Fatalf("the personal notice is not Ben's alone: %s", own)
	}
	if page := c.get(path + "/notices?kind=individual&person=999999"); !strings.Contains(page, "That person is not on this incident") {
		t.Fatal("a person not on the list was accepted")
	}
	// Letters: one per person with a postal address, each addressed.
	req, _ = http.NewRequest("GET", f.ts.URL+path+"/notices/individual/letters.pdf?option=1", nil)
	r = c.do(req)
	pdf, _ := io.ReadAll(r.Body)
	r.Body.Close()
	if r.StatusCode != http.StatusOK || !strings.HasPrefix(string(pdf), "%PDF") {
		t.Fatalf("letters: %d %s", r.StatusCode, pdf[strings.Index(string(pdf), "<main"):])
	}
	if _, err := exec.LookPath("pdftotext"); err == nil {
		p := filepath.Join(f.dir, "letters.pdf")
		os.WriteFile(p, pdf, 0o600)
		out, err := exec.Command("pdftotext", "-layout", p, "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		text := string(out)
		if !strings.Contains(text, "12 Kauri Road") || !strings.Contains(text, "4 George Street") || strings.Contains(text, "chloe") {
			t.Fatalf("letters are not addressed to the two people with addresses: %s", text)
		}
	}
	if tl := c.get(path + "?tab=timeline"); !strings.Contains(tl, "Printed 2 personal letters") || !strings.Contains(tl, "Added 3 people to the list") {
		t.Fatal("the timeline does not record the list and the letters")
	}
}
