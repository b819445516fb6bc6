package main

import (
	"context"

	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/breachdesk/breachdesk/internal/facts"
	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/law"
	"github.com/breachdesk/breachdesk/internal/notice"
)

func cmdNotice(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("notice", stderr)
	data := dataFlag(fs)
	factsFile := fs.String("facts", "", "render from a facts document (JSON or YAML) instead of a stored incident")
	kind := fs.String("kind", "individual", "notifyus, notifyus-update, oaic, ovic, gdpr, individual or public")
	format := fs.String("format", "text", "text, html or pdf")
	channel := fs.String("channel", "", "for individual notices: email, letter, sms or phone (default: the notice itself)")
	paper := fs.String("paper", "a4", "paper for PDF letters: a4 or letter")
	draft := fs.Bool("draft", false, "render even when required content is missing, listing it on standard error")
	url := fs.String("url", "", "address of the public notice page, linked from SMS and notices")
	stage := fs.Int("stage", 1, "1 for a first notice, 2 or more for an update that refers to an earlier one")
	previous := fs.String("previous", "", "reference of the earlier notice or report an update follows")
	phase := fs.String("phase", "initial", "GDPR: initial or follow-up")
	delay := fs.String("delay-reason", "", "GDPR: why the notification is later than 72 hours")
	grade := fs.Float64("grade", notice.DefaultGrade, "highest reading grade accepted for notices to people")
	rulesDir := fs.String("rules", env("BREACHDESK_RULES", ""), "folder of the organisation's own rule packs (env BREACHDESK_RULES)")
	at := fs.String("at", "", "time to write the notice as of (RFC 3339); default now")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: breachdesk notice (INCIDENT-ID | --facts FILE) --kind KIND [--format text|html|pdf] [--draft]")
		fs.PrintDefaults()
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	k := notice.Kind(*kind)
	if !validKind(k) {
		return &exitError{code: 2, err: fmt.Errorf("unknown --kind %q", *kind)}
	}
	now := time.Now().UTC()
	if *at != "" {
		t, err := time.Parse(time.RFC3339, *at)
		if err != nil {
			return &exitError{code: 2, err: fmt.Errorf("--at %q is not a time like 2026-03-05T09:00:00Z", *at)}
		}
		now = t
	}
	rules, err := law.Load(*rulesDir)
	if err != nil {
		return err
	}
	var d notice.Data
	switch {
	case *factsFile != "" && fs.NArg() == 0:
		raw, err := os.ReadFile(*factsFile)
		if err != nil {
			return &exitError{code: 2, err: err}
		}
		f, err := facts.Parse(raw)
		if err != nil {
			return &exitError{code: 2, err: errors.New(fault.MessageOf(err))}
		}
		d = notice.Build(k, f, rules.Assess(f, law.Options{At: now}), notice.Org{}, now, time.UTC)
	case *factsFile == "" && fs.NArg() == 1:
		id, err := strconv.ParseInt(strings.TrimPrefix(strings.ToUpper(fs.Arg(0)), "INC-"), 10, 64)
		if err != nil {
			return &exitError{code: 2, err: fmt.Errorf("%q is not an incident number such as 12 or INC-0012", fs.Arg(0))}
		}
		if d, err = incidentNoticeData(ctx, data, id, k, rules, now); err != nil {
			return err
		}
	default:
		fs.Usage()
		return &exitError{code: 2, err: errors.New("give an incident number or --facts FILE")}
	}
	d.NoticeURL, d.Stage, d.PreviousRef, d.Phase, d.DelayReason = *url, *stage, *previous, *phase, *delay
	if *previous != "" && k == notice.NotifyUsUpdate {
		d.PreviousRef = *previous
	}
	tpl, err := notice.LoadTemplates("en")
	if err != nil {
		return err
	}
	doc, err := tpl.Render(d)
	if err != nil {
		return err
	}
	findings := notice.Check(doc, d, *grade)
	if notice.Blocking(findings) && !*draft {
		var b strings.Builder
		b.WriteString("the notice is not ready to send:\n")
		for _, f := range findings {
			if f.Severity == notice.MustFix {
				b.WriteString("  " + f.String() + "\n")
			}
		}
		b.WriteString("fix these, or render with --draft to see it as it stands")
		return &exitError{code: 2, err: errors.New(b.String())}
	}
	for _, f := range findings {
		fmt.Fprintln(stderr, f)
	}
	pp := notice.A4
	switch strings.ToLower(*paper) {
	case "a4":
	case "letter":
		pp = notice.Letter
	default:
		return &exitError{code: 2, err: fmt.Errorf("unknown --paper %q: use a4 or letter", *paper)}
	}
	return writeNotice(stdout, doc, d, *format, *channel, pp)
}

func validKind(k notice.Kind) bool {
	for _, x := range notice.Kinds {
		if x == k {
			return true
		}
	}
	return false
}

func writeNotice(w io.Writer, doc notice.Document, d notice.Data, format, channel string, paper notice.Paper) error {
	switch channel {
	case "":
	case "sms":
		s, err := d.SMS()
		if err != nil {
			return &exitError{code: 2, err: err}
		}
		_, err = fmt.Fprintln(w, s)
		return err
	case "phone":
		doc = doc.PhoneScript(d.Org.Name)
	case "email":
		e, err := doc.ForEmail("en")
		if err != nil {
			return err
		}
		if format == "html" {
			_, err = w.Write(e.HTML)
			return err
		}
		_, err = fmt.Fprintf(w, "Subject: %s\n\n%s", e.Subject, e.Text)
		return err
	case "letter":
		return doc.WriteLetter(w, d, paper)
	default:
		return &exitError{code: 2, err: fmt.Errorf("unknown --channel %q: use email, letter, sms or phone", channel)}
	}
	switch format {
	case "text":
		_, err := io.WriteString(w, doc.Text(78))
		return err
	case "html":
		b, err := doc.HTML("en", "")
		if err == nil {
			_, err = w.Write(b)
		}
		return err
	case "pdf":
		return doc.WritePDF(w, notice.PDFOptions{Paper: paper, From: []string{d.Org.Name}, Date: d.Date(d.Now), Footer: d.Org.Name, Subject: doc.Title})
	}
	return &exitError{code: 2, err: fmt.Errorf("unknown --format %q: use text, html or pdf", format)}
}

// incidentNoticeData prepares a notice for a stored incident.
func incidentNoticeData(ctx context.Context, data *dataPlace, id int64, k notice.Kind, rules *law.Rules, now time.Time) (notice.Data, error) {
	db, _, err := openData(ctx, data)
	if err != nil {
		return notice.Data{}, err
	}
	defer db.Close()
	inc, err := db.Incident(ctx, id)
	if err != nil {
		return notice.Data{}, errors.New(fault.MessageOf(err))
	}
	o, err := db.Organisation(ctx)
	if err != nil && fault.CodeOf(err) != fault.NotFound {
		return notice.Data{}, err
	}
	previous := ""
	as, err := db.Assessments(ctx, id)
	if err != nil {
		return notice.Data{}, err
	}
	if len(as) > 1 {
		previous = as[1].Facts
	}
	d, err := notice.ForIncident(k, inc, o, rules, previous, now)
	if err != nil {
		return d, &exitError{code: 2, err: errors.New(fault.MessageOf(err))}
	}
	return d, nil
}
