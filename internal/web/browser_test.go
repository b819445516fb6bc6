package web

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/breachdesk/breachdesk/internal/audit"
	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/incident"
)

// browser starts headless Chromium. Under CI=true a missing browser fails
// the suite instead of skipping it. As root, Chromium runs as nobody: on
// these machines root Chromium has been seen to delete /dev/null.
func browser(t *testing.T) (context.Context, string) {
	t.Helper()
	if testing.Short() {
		t.Skip("browser suite skipped with -short")
	}
	path := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI=true but no Chromium is installed: the browser suite must run in CI (apt-get install chromium)")
		}
		t.Skip("no Chromium installed; install the chromium package to run the browser suite")
	}
	dir, err := os.MkdirTemp("", "breachdesk-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	os.Chmod(dir, 0o777)
	exe := path
	if os.Geteuid() == 0 {
		exe = filepath.Join(dir, "chromium-as-nobody")
		script := "#!/bin/sh\nexec setpriv --reuid=65534 --regid=65534 --clear-groups " + path + " \"$@\"\n"
		if err := os.WriteFile(exe, []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	profile := filepath.Join(dir, "profile")
	os.Mkdir(profile, 0o777)
	os.Chmod(profile, 0o777) // Mkdir is subject to the umask
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe), chromedp.UserDataDir(profile), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.Env("HOME="+profile), chromedp.WindowSize(1280, 1600))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	ctx, cancel3 := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(cancel3)
	return ctx, dir
}

func run(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func signIn(base, email, pw string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(css(`#email`)),
		chromedp.SendKeys(css(`#email`), email),
		chromedp.SendKeys(css(`#password`), pw),
		chromedp.Click(css(`form[action="/login"] button`)),
		chromedp.WaitVisible(css(`.top nav`)),
	)
}

var signOut = chromedp.Steps(chromedp.Click(css(`form.logout button`)), chromedp.WaitVisible(css(`#email`)))

func css(s string) chromedp.CSS { return chromedp.CSS(s) }

// void runs an action for its effect, dropping its value.
func void[T any](a chromedp.Action[T]) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		_, err := a(ctx, tg)
		var v chromedp.Void
		return v, err
	}
}

func textOf(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(css(sel)))
	if err != nil {
		t.Fatalf("read %s: %v", sel, err)
	}
	return s
}

// TestBrowserWalkthrough is the path a new organisation takes in its first
// hour: setup, a staff report, triage, escalation, containment, evidence,
// assessment and the PDF dossier; and a colleague who must not see it.
func TestBrowserWalkthrough(t *testing.T) {
	ctx, dir := browser(t)
	f := newFixture(t)
	base := f.ts.URL
	const adminPW, poPW, staffPW = "admin password 2026", "privacy password 2026", "staff password 2026"

	run(t, ctx, "first-run setup",
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(css(`#f-name`)),
		chromedp.SendKeys(css(`#f-name`), "Kiwi Clinics Ltd"),
		chromedp.SendKeys(css(`#f-time_zone`), "UTC"),
		chromedp.SendKeys(css(`#f-contact_name`), "Pat Privacy"),
		chromedp.SendKeys(css(`#f-contact_email`), "privacy@kiwi.example"),
		chromedp.Click(css(`input[name=laws][value=nz_privacy_act]`)),
		chromedp.Click(css(`input[name=laws][value=eu_gdpr]`)),
		chromedp.SendKeys(css(`#f-admin_name`), "Ada Admin"),
		chromedp.SendKeys(css(`#f-admin_email`), "ada@kiwi.example"),
		chromedp.SendKeys(css(`#f-admin_password`), adminPW),
		chromedp.SendKeys(css(`#f-admin_password2`), adminPW),
		chromedp.Click(css(`form[action="/setup"] button`)),
		chromedp.WaitVisible(css(`.flash`)),
	)
	if h := textOf(t, ctx, `main h1`); h != "Incidents" {
		t.Fatalf("after setup the incidents page shows, got %q", h)
	}
	addUser := func(name, email, role, pw string, team bool) {
		acts := []chromedp.Action[chromedp.Void]{
			chromedp.Navigate(base + "/admin/users"),
			chromedp.WaitVisible(css(`#f-name`)),
			chromedp.SendKeys(css(`#f-name`), name),
			chromedp.SendKeys(css(`#f-email`), email),
			chromedp.SetValue(css(`#f-role`), role),
			chromedp.SendKeys(css(`#f-password`), pw),
		}
		if team {
			acts = append(acts, chromedp.Click(css(`form[action="/admin/users"] input[name=response_team]`)))
		}
		acts = append(acts, chromedp.Click(css(`form[action="/admin/users"] button.primary`)), chromedp.WaitVisible(css(`.flash`)))
		run(t, ctx, "add "+email, acts...)
	}
	addUser("Pat Privacy", "pat@kiwi.example", "privacy_officer", poPW, true)
	addUser("Sam Staff", "sam@kiwi.example", "reporter", staffPW, false)
	addUser("Tia Other", "tia@kiwi.example", "reporter", staffPW, false)
	run(t, ctx, "edit and approve the plan",
		chromedp.Navigate(base+"/plan"),
		chromedp.WaitVisible(css(`#f-body`)),
		chromedp.Click(css(`form[action="/plan"] button.primary`)),
		chromedp.WaitVisible(css(`#f-approver`)),
		chromedp.SendKeys(css(`#f-approver`), "Rangi Tane, Chief Executive"),
		chromedp.Click(css(`form[action="/plan/approve"] button`)),
		chromedp.WaitNotPresent(css(`#f-approver`)),
		chromedp.WaitVisible(css(`article.doc`)),
	)
	if doc := textOf(t, ctx, `article.doc`); !strings.Contains(doc, "Approved by Rangi Tane, Chief Executive") || !strings.Contains(doc, "Data breach response plan: Kiwi Clinics Ltd") {
		t.Fatalf("approved plan: %q", doc)
	}
	run(t, ctx, "sign out", signOut)

	found := time.Now().UTC().Add(-3 * time.Hour).Format("2006-01-02T15:04")
	run(t, ctx, "report as staff",
		signIn(base, "sam@kiwi.example", staffPW),
		chromedp.Click(css(`a.report-link`)),
		chromedp.WaitVisible(css(`#f-title`)),
		chromedp.SendKeys(css(`#f-title`), "Patient list emailed to the wrong clinic"),
		chromedp.SendKeys(css(`#f-what_happened`), "I emailed the list of tomorrow's patients to another clinic by picking the wrong address."),
		chromedp.SetValue(css(`#f-discovered_at`), found),
		chromedp.Click(css(`input[name=ongoing][value=no]`)),
		chromedp.Click(css(`input[name=data_categories][value=name]`)),
		chromedp.Click(css(`input[name=data_categories][value=health]`)),
		chromedp.SendKeys(css(`#f-people_count`), "48"),
		chromedp.SetValue(css(`#f-cause`), "human_error"),
		chromedp.SetValue(css(`#f-recipient`), "other_organisation"),
		chromedp.Click(css(`form[action="/report"] button.primary`)),
		chromedp.WaitVisible(css(`.flash`)),
	)
	if fl := textOf(t, ctx, `.flash`); !strings.Contains(fl, "INC-0001") || !strings.Contains(fl, "Pat Privacy") {
		t.Fatalf("confirmation after reporting: %q", fl)
	}
	run(t, ctx, "sign out", signOut)

	po, _ := f.db.UserByEmail(context.Background(), "pat@kiwi.example")
	run(t, ctx, "triage and escalate as the privacy officer",
		signIn(base, "pat@kiwi.example", poPW),
		chromedp.WaitVisible(css(`.badge`)), // told about the new report
		chromedp.Navigate(base+"/incidents/1"),
		chromedp.WaitVisible(css(`#triage`)),
		chromedp.SetValue(css(`select[name=kind]`), "breach"),
		chromedp.SetValue(css(`select[name=severity]`), "high"),
		chromedp.SetValue(css(`select[name=owner_id]`), strconv.FormatInt(po.ID, 10)),
		chromedp.Click(css(`form[action$="/triage"] button`)),
		chromedp.WaitVisible(css(`p.meta .sev-high`)), // triaged
		chromedp.WaitVisible(css(`#timeline`)),
	)
	// The report involves health information, so the escalation rule
	// fired as it arrived and the response team was added.
	if tl := textOf(t, ctx, `#timeline`); !strings.Contains(tl, "Escalation rule fired (Sensitive information is involved)") {
		t.Fatalf("no escalation rule firing on the timeline: %q", tl)
	}
	if team := textOf(t, ctx, `section[aria-labelledby=people-h]`); !strings.Contains(team, "Ada Admin") {
		t.Fatalf("the rule's escalation did not add the response team: %q", team)
	}
	evidencePath := filepath.Join(dir, "email-headers.txt")
	os.WriteFile(evidencePath, []byte("Received: from mail.kiwi.example\nTo: reception@other-clinic.example\n"), 0o644)
	run(t, ctx, "contain, tick a task, attach evidence, assess",
		chromedp.Click(css(`form[action$="/steps/contain/start"] button`)),
		chromedp.WaitVisible(css(`#step-contain.step-active`)),
		chromedp.Click(css(`#step-contain li.task:first-child form.tick button`)),
		chromedp.WaitVisible(css(`#step-contain li.task.done`)),
		chromedp.SetUploadFiles(css(`#f-file`), []string{evidencePath}),
		chromedp.SendKeys(css(`#f-description`), "Headers of the misdirected email"),
		chromedp.Click(css(`form[action$="/evidence"] button`)),
		chromedp.WaitVisible(css(`#evidence a[href*="/evidence/"]`)),
		chromedp.Click(css(`form[action$="/steps/assess/start"] button`)),
		chromedp.WaitVisible(css(`#step-assess.step-active`)),
	)
	if ev := textOf(t, ctx, `#evidence`); !strings.Contains(ev, "email-headers.txt") || !strings.Contains(ev, "text/plain") {
		t.Fatalf("evidence list: %q", ev)
	}
	if clocks := textOf(t, ctx, `section.clocks`); !strings.Contains(clocks, "GDPR") || !strings.Contains(clocks, "NZ") || strings.Contains(clocks, "AU:") {
		t.Fatalf("clocks should follow the organisation's laws (NZ, GDPR): %q", clocks)
	}
	run(t, ctx, "open the Assess step",
		chromedp.Navigate(base+"/incidents/1/assess"),
		chromedp.WaitVisible(css(`#assessment .risk`)),
	)
	// A patient list sent to another clinic: sensitive, but in the hands of
	// an organisation with its own duty of care.
	if risk := textOf(t, ctx, `#assessment .risk`); !strings.Contains(risk, "Risk of harm: medium") {
		t.Fatalf("assessment of the reported facts: %q", risk)
	}
	if shot := os.Getenv("BREACHDESK_SCREENSHOT"); shot != "" {
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(strings.TrimSuffix(shot, ".png")+"-assess.png", png, 0o644)
	}
	// The panel follows the form as it changes, before anything is saved.
	setSelect := func(id, v string) chromedp.Action[chromedp.Void] {
		return void(chromedp.Evaluate[bool](`(() => { const e = document.getElementById('` + id + `'); e.value = '` + v + `'; e.dispatchEvent(new Event('change', {bubbles: true})); return true })()`))
	}
	run(t, ctx, "live assessment follows the form",
		setSelect("f-protection.encrypted", "yes"),
		setSelect("f-protection.key_compromised", "no"),
		void(chromedp.Poll[bool](`document.querySelector('#assessment .risk').innerText.includes('Risk of harm: low')`)),
		setSelect("f-protection.encrypted", ""),
		setSelect("f-protection.key_compromised", ""),
		void(chromedp.Poll[bool](`document.querySelector('#assessment .risk').innerText.includes('Risk of harm: medium')`)),
		chromedp.Click(css(`#facts-form button.primary`)),
		chromedp.WaitVisible(css(`#obligations`)),
	)
	if obs := strings.ToLower(textOf(t, ctx, `#obligations`)); !strings.Contains(obs, "tell the regulator") || !strings.Contains(obs, "gdpr") || !strings.Contains(obs, "pending") {
		t.Fatalf("obligations after recording the assessment: %q", obs)
	}
	if shot := os.Getenv("BREACHDESK_SCREENSHOT"); shot != "" {
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(shot, png, 0o644)
	}
	run(t, ctx, "review with an action",
		chromedp.Navigate(base+"/incidents/1"),
		chromedp.WaitVisible(css(`#evidence`)),
		chromedp.Click(css(`form[action$="/steps/contain/complete"] button`)),
		chromedp.WaitVisible(css(`#step-contain.step-done`)),
		chromedp.Click(css(`form[action$="/steps/notify/start"] button`)),
		chromedp.WaitVisible(css(`#step-notify.step-active`)),
		chromedp.Click(css(`form[action$="/steps/assess/complete"] button`)),
		chromedp.WaitVisible(css(`#step-assess.step-done`)),
		chromedp.Click(css(`form[action$="/steps/review/start"] button`)),
		chromedp.WaitVisible(css(`#review`)),
		chromedp.SendKeys(css(`#f-cause`), "The address was picked by auto-fill"),
		chromedp.Click(css(`form[action$="/review/causes"] button`)),
		chromedp.WaitVisible(css(`#review ul.plain li`)),
		chromedp.SendKeys(css(`#f-lessons`), "Type addresses out; turn off auto-fill for client emails."),
		chromedp.Click(css(`form[action$="/review/notes"] button`)),
		chromedp.WaitVisible(css(`.flash`)),
		chromedp.SendKeys(css(`#f-action`), "Turn off email auto-fill for the clinic mailbox"),
		chromedp.SetValue(css(`#f-due`), time.Now().AddDate(0, 1, 0).Format("2006-01-02T15:04")),
		chromedp.SendKeys(css(`#f-link`), "Email policy 2.1"),
		chromedp.Click(css(`form[action$="/review/actions"] button`)),
		chromedp.WaitVisible(css(`form[action*="/review/actions/"]`)),
		chromedp.Click(css(`form[action$="/steps/review/complete"] button`)),
		chromedp.WaitVisible(css(`#step-review.step-done`)),
	)
	if rv := textOf(t, ctx, `#review`); !strings.Contains(rv, "Turn off email auto-fill for the clinic mailbox") || !strings.Contains(rv, "Email policy 2.1") {
		t.Fatalf("review: %q", rv)
	}
	run(t, ctx, "dashboard", chromedp.Navigate(base+"/dashboard"), chromedp.WaitVisible(css(`.charts figure`)))
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`[...document.querySelectorAll('.charts svg[role="img"]')].filter(s => s.querySelector('title') && s.querySelector('title').textContent.length > 10 && s.querySelector('desc')).length`))
	if err != nil || n != 7 {
		t.Fatalf("the dashboard's charts with accessible titles: %d %v", n, err)
	}
	if tables, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('.charts details table').length`)); tables != 7 {
		t.Fatalf("each chart needs the table of its figures: %d", tables)
	}
	if shot := os.Getenv("BREACHDESK_SCREENSHOT"); shot != "" {
		png, _ := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		os.WriteFile(strings.TrimSuffix(shot, ".png")+"-dashboard.png", png, 0o644)
	}
	run(t, ctx, "back to the incident", chromedp.Navigate(base+"/incidents/1"), chromedp.WaitVisible(css(`#evidence`)))
	pdf, err := chromedp.Run(ctx, chromedp.Evaluate[string](`fetch('/incidents/1/export.pdf', {method: 'POST', body: new URLSearchParams({csrf: document.querySelector('form[action$="export.pdf"] input[name=csrf]').value})}).then(r => r.arrayBuffer()).then(b => { const u = new Uint8Array(b); return String.fromCharCode(...u.slice(0, 5)) + ':' + u.length })`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("export the PDF: %v", err)
	}
	if !strings.HasPrefix(pdf, "%PDF-:") {
		t.Fatalf("export is not a PDF: %q", pdf)
	}
	if n, _ := strconv.Atoi(strings.TrimPrefix(pdf, "%PDF-:")); n < 2000 {
		t.Fatalf("PDF is suspiciously small: %d bytes", n)
	}
	run(t, ctx, "sign out", signOut)

	run(t, ctx, "another staff member tries the incident",
		signIn(base, "tia@kiwi.example", staffPW),
		chromedp.Navigate(base+"/incidents/1"),
		chromedp.WaitVisible(css(`.error-box`)),
	)
	if msg := textOf(t, ctx, `.error-box`); !strings.Contains(msg, "not found") {
		t.Fatalf("other reporter should get not found, got %q", msg)
	}
	if list := textOf(t, ctx, `main`); strings.Contains(list, "Patient list") {
		t.Fatal("the other reporter's page leaks the incident title")
	}

	run(t, ctx, "sign out", signOut)
	run(t, ctx, "quick check without an account",
		chromedp.Navigate(base+"/check"),
		chromedp.WaitVisible(css(`form[action="/check"]`)),
		chromedp.Click(css(`input[name="organisation.subject_to"][value=nz_privacy_act]`)),
		chromedp.Click(css(`input[name="data.categories"][value=health]`)),
		chromedp.Click(css(`input[name="data.categories"][value=name]`)),
		chromedp.SetValue(css(`#f-recipient\.kind`), "malicious_actor"),
		chromedp.Click(css(`form[action="/check"] button.primary`)),
		chromedp.WaitVisible(css(`#assessment .risk`)),
	)
	if res := textOf(t, ctx, `aside`); !strings.Contains(res, "New Zealand Privacy Act 2020") || !strings.Contains(res, "REQUIRED") && !strings.Contains(res, "required") {
		t.Fatalf("quick check result: %q", res)
	}
	inc, _ := f.db.Incident(context.Background(), 1)
	if inc.Status != incident.StatusOpen || !inc.Escalated || inc.Steps.State(incident.Assess) != incident.StepDone || inc.Steps.State(incident.Review) != incident.StepDone || inc.OwnerID != po.ID {
		t.Fatalf("stored incident after the walk: %+v", inc)
	}
	if n, err := audit.Verify(context.Background(), f.db, nil); err != nil || n < 10 {
		t.Fatalf("audit chain after the walk: %d entries, %v", n, err)
	}
	if u, _ := f.db.UserByEmail(context.Background(), "ada@kiwi.example"); u.Role != auth.Admin {
		t.Fatalf("setup admin: %+v", u)
	}
	fmt.Fprintln(os.Stderr, "browser walkthrough passed")
}

// TestBrowserExercise runs a tabletop exercise from the scenario library
// to its score: start, reveal an inject, work the incident, end with
// lessons, and see the score and the lessons on the plan.
func TestBrowserExercise(t *testing.T) {
	ctx, _ := browser(t)
	f := newFixture(t).withOrg()
	po := f.user("po@example.org", auth.PrivacyOfficer, true)
	base := f.ts.URL
	run(t, ctx, "start the council bag scenario",
		signIn(base, po.Email, testPassword),
		chromedp.Navigate(base+"/exercises"),
		chromedp.WaitVisible(css(`#sc-council-bag`)),
		chromedp.Click(css(`#sc-council-bag button`)),
		chromedp.WaitVisible(css(`#elapsed`)),
		chromedp.Click(css(`#next-inject`)),
		chromedp.WaitVisible(css(`#injects ol li`)),
	)
	if in := textOf(t, ctx, `#injects`); !strings.Contains(in, "T+1 hour") || !strings.Contains(in, "finds the bag in a meeting room") {
		t.Fatalf("the inject was not revealed: %q", in)
	}
	if clock := textOf(t, ctx, `#elapsed`); !strings.HasPrefix(clock, "T+1 hour") {
		t.Fatalf("the clock did not move to the inject: %q", clock)
	}
	run(t, ctx, "work the exercise incident",
		chromedp.Click(css(`a.button.primary[href^="/incidents/"]`)),
		chromedp.WaitVisible(css(`#triage`)),
		chromedp.SetValue(css(`select[name=kind]`), "breach"),
		chromedp.SetValue(css(`select[name=severity]`), "low"),
		chromedp.Click(css(`form[action$="/triage"] button`)),
		chromedp.WaitVisible(css(`p.meta .sev-low`)),
		chromedp.Click(css(`form[action$="/steps/contain/start"] button`)),
		chromedp.WaitVisible(css(`#step-contain.step-active`)),
		chromedp.Click(css(`#step-contain li.task:first-child form.tick button`)),
		chromedp.WaitVisible(css(`#step-contain li.task.done`)),
	)
	if banner := textOf(t, ctx, `.exercise-banner`); !strings.Contains(banner, "not a real breach") {
		t.Fatalf("exercise banner: %q", banner)
	}
	if tl := textOf(t, ctx, `#timeline`); !strings.Contains(tl, "Exercise inject at T+1 hour") {
		t.Fatalf("the inject is not on the timeline: %q", tl)
	}
	run(t, ctx, "end the exercise with lessons",
		chromedp.Click(css(`.exercise-banner a`)),
		chromedp.WaitVisible(css(`#f-lessons`)),
		chromedp.SendKeys(css(`#f-lessons`), "Check meeting rooms before calling the police."),
		chromedp.Click(css(`form[action$="/end"] button`)),
		chromedp.WaitVisible(css(`#score`)),
	)
	score := textOf(t, ctx, `#score`)
	points, err := strconv.Atoi(textOf(t, ctx, `#score .score`))
	if err != nil || points <= 0 || points >= 100 {
		t.Fatalf("score %q: %v", score, err)
	}
	for _, want := range []string{"Contain\tT+1 hour", "(1 of 27 tasks ticked)", "Assess\t-\t-\tskipped", "NZ: notify the Privacy Commissioner", "Check meeting rooms"} {
		if !strings.Contains(score, want) {
			t.Fatalf("score lacks %q: %q", want, score)
		}
	}
	run(t, ctx, "the plan lists the lessons",
		chromedp.Navigate(base+"/plan"),
		chromedp.WaitVisible(css(`#lessons`)),
	)
	if l := textOf(t, ctx, `#lessons`); !strings.Contains(l, "Check meeting rooms before calling the police.") {
		t.Fatalf("lessons on the plan: %q", l)
	}
}
