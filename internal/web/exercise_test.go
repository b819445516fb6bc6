package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/exercise"
)

// An exercise runs the real workflow but never reaches the register, the
// dashboard, the metrics or the public; its lessons reach the plan.
func TestExerciseStaysOutOfTheRecord(t *testing.T) {
	f := newFixture(t).withOrg()
	po := f.user("po@example.org", auth.PrivacyOfficer, true)
	viewer := f.user("viewer@example.org", auth.Viewer, false)
	f.incident(po, "Real: laptop stolen from a car")
	c := f.login(po.Email)

	if code := c.post("/exercises", url.Values{"scenario": {"no-such-scenario"}}).StatusCode; code != http.StatusUnprocessableEntity {
		t.Fatalf("unknown scenario: %d", code)
	}
	if code := f.login(viewer.Email).post("/exercises", url.Values{"scenario": {"usb-lost"}}).StatusCode; code != http.StatusForbidden {
		t.Fatalf("a viewer started an exercise: %d", code)
	}
	resp := c.post("/exercises", url.Values{"scenario": {"usb-lost"}})
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/exercises/") {
		t.Fatalf("start: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	exPath := resp.Header.Get("Location")
	exs, _ := f.db.Exercises(context.Background())
	if len(exs) != 1 {
		t.Fatalf("exercises: %d", len(exs))
	}
	incPath := "/incidents/" + strconv.FormatInt(exs[0].IncidentID, 10)
	if page := c.get(incPath); !strings.Contains(page, "Tabletop exercise: not a real breach") || !strings.Contains(page, "EXERCISE: Unencrypted USB stick") {
		t.Fatal("the exercise incident is not marked as one")
	}
	if page := c.get("/incidents"); !strings.Contains(page, `<span class="tag exercise">exercise</span>`) {
		t.Fatal("the list does not mark the exercise")
	}
	if page := c.get("/incidents?exercise=exclude"); strings.Contains(page, "EXERCISE:") || !strings.Contains(page, "Real: laptop") {
		t.Fatal("the list could not leave exercises out")
	}

	// The clock: bad input is refused and named; the next inject is revealed.
	if code := c.post(exPath+"/advance", url.Values{"hours": {"soon"}}).StatusCode; code != http.StatusUnprocessableEntity {
		t.Fatalf("bad hours: %d", code)
	}
	if code := c.post(exPath+"/advance", url.Values{"to": {"next"}}).StatusCode; code != http.StatusSeeOther {
		t.Fatalf("next inject: %d", code)
	}
	sc, _ := exercise.Find("usb-lost")
	if page := c.get(exPath); !strings.Contains(page, "12 hours</strong>") || !strings.Contains(page, "passport numbers for 40 clients") {
		t.Fatalf("the first inject is not shown on the exercise page: %s", page)
	}
	if page := c.get(incPath + "?tab=timeline"); !strings.Contains(page, "Exercise inject at") || !strings.Contains(page, sc.Injects[0].Text) {
		t.Fatal("the inject is not on the incident's timeline")
	}

	// Never published, never counted.
	if code := c.post(incPath+"/notices/publish", url.Values{}).StatusCode; code != http.StatusConflict {
		t.Fatalf("publishing an exercise's public notice: %d", code)
	}
	if page := c.get("/register"); strings.Contains(page, "EXERCISE") || !strings.Contains(page, "1 entr") {
		t.Fatal("the register counts the exercise")
	}
	if page := c.get("/dashboard"); strings.Contains(page, "EXERCISE") {
		t.Fatal("the dashboard shows the exercise")
	}

	// Ending needs lessons; then the score is shown and the plan lists them.
	if code := c.post(exPath+"/end", url.Values{"lessons": {" "}}).StatusCode; code != http.StatusUnprocessableEntity {
		t.Fatalf("ended without lessons: %d", code)
	}
	if code := c.post(exPath+"/end", url.Values{"lessons": {"Nobody knew who calls the insurer."}}).StatusCode; code != http.StatusSeeOther {
		t.Fatalf("end: %d", code)
	}
	page := c.get(exPath)
	for _, want := range []string{"out of 100", "skipped", "Nobody knew who calls the insurer."} {
		if !strings.Contains(page, want) {
			t.Fatalf("score page lacks %q", want)
		}
	}
	if code := c.post(exPath+"/advance", url.Values{"hours": {"1"}}).StatusCode; code != http.StatusConflict {
		t.Fatalf("clock moved after the end: %d", code)
	}
	if plan := c.get("/plan"); !strings.Contains(plan, "Nobody knew who calls the insurer.") {
		t.Fatal("the plan does not list the exercise's lessons")
	}
}

func TestPlanReviewPeriodIsConfigurable(t *testing.T) {
	f := newFixture(t).withOrg()
	admin := f.user("admin@example.org", auth.Admin, true)
	po := f.user("po@example.org", auth.PrivacyOfficer, true)
	if code := f.login(po.Email).post("/plan/review-period", url.Values{"months": {"6"}}).StatusCode; code != http.StatusForbidden {
		t.Fatalf("a privacy officer changed an organisation setting: %d", code)
	}
	c := f.login(admin.Email)
	if code := c.post("/plan/review-period", url.Values{"months": {"100"}}).StatusCode; code != http.StatusUnprocessableEntity {
		t.Fatalf("100 months: %d", code)
	}
	if code := c.post("/plan/review-period", url.Values{"months": {"6"}}).StatusCode; code != http.StatusSeeOther {
		t.Fatalf("6 months: %d", code)
	}
	if page := c.get("/plan"); !strings.Contains(page, "every 6 months") {
		t.Fatal("the plan page does not show the new period")
	}
}
