package discover

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestEventStart(t *testing.T) {
	for _, line := range []string{
		"2026-03-01T09:12:44Z INFO x", "2026-03-01 09:12:44,123 ERROR x", "[2026-03-01 09:12:44] production.INFO: x",
		"01/03/2026 09:12 x", "Mar  1 09:12:44 host app[1]: x", "Sun Mar  1 09:12:44 2026 x", "Mon, 02 Mar 2026 x",
		"09:12:44.123 x", "1772356364 x", "1772356364123 x", "INFO x", "[ERROR] x", "WARN: x", "Info: x", "<34>1 2026-03-01 x",
		"I0301 09:12:44.123456 x", `{"ts":"2026-03-01","msg":"x"}`, "10.0.0.1 - - [10/Oct/2000:13:55:36 -0700] x", "01-Mar-2026 x",
		"2026/03/01 09:12:44 x",
	} {
		if !eventStart([]byte(line)) {
			t.Errorf("%q should start an event", line)
		}
	}
	for _, line := range []string{
		"    IRD: 49-091-850", "\tat com.example.Foo(Foo.java:1)", "Caused by: java.io.IOException", "customer wrote: hi",
		"Information about the customer", "021 234 5678 rang", "4111 1111 1111 1111", "Card: 4111111111111111", "... 12 more",
		"Traceback (most recent call last):", "Marketing consent: yes", "1.2.3 released", "Errors were found", "",
	} {
		if eventStart([]byte(line)) {
			t.Errorf("%q should not start an event", line)
		}
	}
}

func TestLearnStyle(t *testing.T) {
	for text, want := range map[string]eventStyle{
		"2026-03-01 INFO a\n  b\nc\n2026-03-01 INFO d\n":             byStart,
		"Ticket 1 from a@b.co\n  IRD 1\nTicket 2 from c@d.co\n  x\n": byIndent,
		"line one\nline two\nline three\n":                           eachLine,
		"   12 Aroha\n   13 Ben\n   14 Cara\n":                       eachLine, // a fixed-width report: every line indented
		"Dear Aroha,\n\nThank you.\n":                                eachLine,
	} {
		if got := learnStyle([]byte(text)); got != want {
			t.Errorf("learnStyle(%q) = %d, want %d", text, got, want)
		}
	}
}

// The lines of a log event are one person: a ticket's first line has
// the email, the lines under it the IRD number and card, with or without
// indentation; an event that names two different IRD numbers or emails
// is two people, and an event is at most maxEventLines lines.
func TestMultiLineEvents(t *testing.T) {
	log := "2026-03-01 09:00:00 INFO ticket 1 from aroha@example.nz\n    IRD 49-091-850\n    card 4111 1111 1111 1111\n" +
		"2026-03-01 09:00:01 DEBUG routed\n" +
		"2026-03-01 09:00:02 INFO ticket 2 opened by phone\nreply-to: ben@example.nz\nTFN 123 456 782\n" +
		"2026-03-01 09:00:03 ERROR failed\njava.io.IOException: x\n\tat a.b(C.java:1)\n" +
		"2026-03-01 09:00:04 INFO batch\n  IRD 49-091-850\n  IRD 136-410-132\n"
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "support.log"), []byte(log), 0o644)
	var out bytes.Buffer
	_, res, err := Scan(context.Background(), []string{dir}, Options{Reveal: true, Findings: &out})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	res.People(func(p Person) { got = append(got, fmt.Sprint(p.Records, p.Elements)) })
	// Aroha (her ticket and the batch line with her IRD), Ben, and the
	// batch's second IRD number.
	want := []string{"2 [email credit_card nz_ird]", "1 [email au_tfn]", "1 [nz_ird]"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("people: %v, want %v", got, want)
	}
	if !strings.Contains(out.String(), `"line":3,"type":"credit_card"`) {
		t.Errorf("a continuation line's finding keeps its own line: %s", out.String())
	}
	// An event without end is cut at maxEventLines lines.
	var b bytes.Buffer
	b.WriteString("2026-03-01 09:00:00 INFO started\n2026-03-01 09:00:00 INFO start\n")
	for i := 0; i < maxEventLines+10; i++ {
		fmt.Fprintf(&b, "  mobile 021 %03d %04d\n", i/1000, i%10000) // phones do not start another person
	}
	os.WriteFile(filepath.Join(dir, "support.log"), b.Bytes(), 0o644)
	if _, res, err = Scan(context.Background(), []string{dir}, Options{}); err != nil || res.Count() != 2 {
		t.Fatalf("long event: %d people, want 2 (%v)", res.Count(), err)
	}
}

// A large log of multi-line events is cut into pieces between events:
// with one, two or three workers every event is one person.
func TestLargeLogOfEventsInPieces(t *testing.T) {
	var b bytes.Buffer
	n := 0
	for b.Len() < splitSize+splitSize/2 {
		n++
		fmt.Fprintf(&b, "2026-03-01T10:00:00Z INFO ticket %d from user%d@example.org\n", n, n)
		for k := 0; k < n%5; k++ {
			fmt.Fprintf(&b, "    note %s: card 4111 1111 1111 %04d\n", strings.Repeat("x", (n*k)%300), 1111) // the same card: joins nothing
		}
		fmt.Fprintf(&b, "    phone 021 %03d %04d\n", n%1000, n%10000)
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "big.log"), b.Bytes(), 0o644)
	for _, workers := range []int{1, 2, 3} {
		sum, res, err := Scan(context.Background(), []string{dir}, Options{Workers: workers})
		if err != nil {
			t.Fatal(err)
		}
		if sum.Bytes != int64(b.Len()) || len(sum.Skipped) > 0 {
			t.Fatalf("%d workers: bytes %d of %d, skipped %v", workers, sum.Bytes, b.Len(), sum.Skipped)
		}
		// Cards shared by every event join them all: count by records.
		records := 0
		res.People(func(p Person) { records += p.Records })
		if records != n {
			t.Errorf("%d workers: %d records for %d events", workers, records, n)
		}
	}
}
