package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/breachdesk/breachdesk/internal/facts"
	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/law"
	"github.com/breachdesk/breachdesk/internal/matrix"
)

func cmdAssess(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("assess", stderr)
	asJSON := fs.Bool("json", false, "print the assessment document (spec/assessment.schema.json) instead of the report")
	at := fs.String("at", "", "judge deadlines as of this time (RFC 3339, e.g. 2026-03-05T09:00:00Z); default now")
	rulesDir := fs.String("rules", env("BREACHDESK_RULES", ""), "folder of the organisation's own rule packs (*.yaml) (env BREACHDESK_RULES)")
	target := fs.Int("target-hours", atoiOr(env("BREACHDESK_TARGET_HOURS", "0"), 0), "internal target for 'as soon as practicable', in hours; default each rule's own, 72 (env BREACHDESK_TARGET_HOURS)")
	matrixFormat := fs.String("matrix", "", "print the notification matrix instead of the report: text, csv, pdf or json")
	sortBy := fs.String("sort", "deadline", "order of the matrix's rows: "+strings.Join(matrix.Sorts, ", "))
	only := fs.String("only", "", "matrix rows with these decisions only, comma separated (required,undetermined,recommended,not_required)")
	out := fs.String("out", "", "file to write; standard output when empty")
	zone := fs.String("tz", "UTC", "time zone of the matrix's deadlines (IANA name, e.g. America/New_York)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: breachdesk assess [--json | --matrix text|csv|pdf|json [--sort deadline|law|place|people|decision] [--only DECISIONS] [--tz ZONE]] [--at TIME] [--rules DIR] [--out FILE] FILE   (FILE is a facts document, JSON or YAML; - for standard input)")
		fs.PrintDefaults()
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return &exitError{code: 2, err: errors.New("give one facts file")}
	}
	switch *matrixFormat {
	case "", "text", "csv", "pdf", "json":
	default:
		return &exitError{code: 2, err: fmt.Errorf("--matrix %q: use text, csv, pdf or json", *matrixFormat)}
	}
	loc, err := time.LoadLocation(*zone)
	if err != nil {
		return &exitError{code: 2, err: fmt.Errorf("--tz %q is not a time zone like Europe/London", *zone)}
	}
	when := time.Now().UTC()
	if *at != "" {
		t, err := time.Parse(time.RFC3339, *at)
		if err != nil {
			return &exitError{code: 2, err: fmt.Errorf("--at %q is not a time like 2026-03-05T09:00:00Z", *at)}
		}
		when = t.UTC()
	}
	var data []byte
	if name := fs.Arg(0); name == "-" {
		data, err = io.ReadAll(io.LimitReader(stdin, 10<<20))
	} else {
		data, err = os.ReadFile(name)
	}
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	f, err := facts.Parse(data)
	if err != nil {
		return &exitError{code: 2, err: errors.New(fault.MessageOf(err))}
	}
	rules, err := law.Load(*rulesDir)
	if err != nil {
		return err
	}
	a := rules.Assess(f, law.Options{At: when, TargetHours: *target})
	w := stdout
	if *out != "" {
		file, err := os.OpenFile(*out, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
		if err != nil {
			return err
		}
		defer file.Close()
		w = file
	}
	if *matrixFormat != "" {
		title := f.Title
		if title == "" {
			title = "the breach"
		}
		m := matrix.Build(rules, a, title)
		if *only != "" {
			m.Only(strings.Split(*only, ",")...)
		}
		if err := m.Sort(*sortBy); err != nil {
			return &exitError{code: 2, err: err}
		}
		switch *matrixFormat {
		case "csv":
			return m.WriteCSV(w, loc)
		case "pdf":
			org := ""
			if f.Organisation != nil {
				org = f.Organisation.Name
			}
			return m.WritePDF(w, org, loc)
		case "json":
			enc := json.NewEncoder(w)
			enc.SetIndent("", "  ")
			return enc.Encode(m)
		}
		return m.WriteText(w, loc)
	}
	if *asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(a)
	}
	writeReport(w, f, a)
	return nil
}

// writeReport prints the assessment for a person: the risk of harm by
// kind, the facts assumed, then per law each decision with its deadline,
// reasons, what it waits for, the unknown facts that would flip it,
// exceptions and required content.
func writeReport(w io.Writer, f *facts.Facts, a law.Assessment) {
	title := f.Title
	if title == "" {
		title = "the breach"
	}
	fmt.Fprintf(w, "Assessment of %s\nAware since %s; judged as of %s; rules %s.\nA guide, not a final ruling: confirm or override each decision and record why.\n\n",
		title, f.Timeline.DiscoveredAt.UTC().Format("2 Jan 2006 15:04 MST"), a.AssessedAt.Format("2 Jan 2006 15:04 MST"), a.RulesVersion)
	fmt.Fprintf(w, "RISK OF HARM: %s (likelihood %s x severity %s)\n", upper(a.Harm.Level), words(a.Harm.Likelihood), words(a.Harm.Severity))
	if a.Harm.Holder != "" {
		fmt.Fprintf(w, "  Who has or may have it: %s.\n", a.Harm.Holder)
	}
	if a.Harm.Contained != "" {
		fmt.Fprintf(w, "  Contained: %s.\n", a.Harm.Contained)
	}
	for _, c := range a.Harm.Channels {
		fmt.Fprintf(w, "  %s: %s risk (likelihood %s x severity %s)\n", kindWords[c.Kind], words(c.Level), words(c.Likelihood), words(c.Severity))
		for _, r := range c.Reasons {
			fmt.Fprintf(w, "    - %s\n", r)
		}
	}
	if len(a.Harm.Channels) == 0 {
		for _, r := range a.Harm.Reasons {
			fmt.Fprintf(w, "  - %s\n", r)
		}
	}
	fmt.Fprintf(w, "  ENISA severity: SE = %d x %s + %s = %s (%s)\n", a.Harm.ENISA.DPC, a.Harm.ENISA.EI, a.Harm.ENISA.CB, a.Harm.ENISA.Score, words(a.Harm.ENISA.Band))
	if len(a.Assumptions) > 0 {
		fmt.Fprintln(w, "\nASSUMED: what is not known, taken at its most likely value")
		for _, as := range a.Assumptions {
			fmt.Fprintf(w, "  - %s: %s. Why: %s.\n", as.Fact, as.Assumed, as.Why)
		}
	}
	for _, r := range a.Regimes {
		fmt.Fprintf(w, "\n== %s ==\n%s\n", r.Title, r.Reason)
		if r.Regulator != "" {
			fmt.Fprintf(w, "Regulator: %s\n", r.Regulator)
		}
		for _, o := range a.Obligations {
			if o.Regime == r.Regime {
				writeObligation(w, o)
			}
		}
	}
}

var kindWords = map[string]string{"exposure": "Exposure (known to the wrong people)", "misuse": "Misuse (fraud, identity theft, violence)",
	"integrity": "Integrity (altered)", "availability": "Availability (unavailable)"}

var basisWords = map[string]string{"likely": "unknown facts taken at their most likely value", "cautious": "unknown facts taken with caution, as this law asks",
	"undetermined": "no reasonable default: establish the missing facts"}

func writeObligation(w io.Writer, o law.Obligation) {
	head := o.Label
	if o.Recipient != "" {
		head += " (" + o.Recipient + ")"
	}
	fmt.Fprintf(w, "\n  %s: %s  [%s]\n", head, upper(o.Decision), o.Citation)
	if o.Due != nil {
		state := ""
		if o.Overdue {
			state = "  OVERDUE"
		}
		fmt.Fprintf(w, "    Due: %s%s\n", o.Due.Format("2 Jan 2006 15:04 MST"), state)
	} else if o.Overdue {
		fmt.Fprintln(w, "    Past the internal target: OVERDUE")
	}
	if o.DueRule != "" {
		fmt.Fprintf(w, "    When: %s\n", o.DueRule)
	}
	if o.MetWhenRecorded {
		fmt.Fprintln(w, "    Met once this assessment is recorded, with its reasons.")
	}
	for _, r := range o.Reasons {
		fmt.Fprintf(w, "    Why: %s\n", r)
	}
	if o.Basis != "" {
		fmt.Fprintf(w, "    Decided on: %s.\n", basisWords[o.Basis])
	}
	if o.WaitingFor != "" {
		fmt.Fprintf(w, "    Waiting for: %s\n", o.WaitingFor)
	}
	if len(o.Flips) > 0 {
		fmt.Fprintln(w, "    Would change if:")
		for _, fl := range o.Flips {
			fmt.Fprintf(w, "      - %s (%s): %s\n", fl.If, fl.Set, upper(fl.Decision))
		}
	} else if len(o.MissingFacts) > 0 {
		fmt.Fprintf(w, "    Would change with: %s\n", strings.Join(o.MissingFacts, ", "))
	}
	for _, e := range o.Exceptions {
		fmt.Fprintf(w, "    Exception or delay: %s\n", e)
	}
	if len(o.Content) > 0 && o.Decision != "not_required" {
		fmt.Fprintln(w, "    The notice must contain:")
		for _, c := range o.Content {
			fmt.Fprintf(w, "      - %s\n", c)
		}
	}
}

func upper(s string) string { return strings.ToUpper(words(s)) }
func words(s string) string { return strings.ReplaceAll(s, "_", " ") }
