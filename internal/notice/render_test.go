package notice

import (
	"os"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/internal/facts"
	"github.com/breachdesk/breachdesk/internal/law"
)

var now = time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC)

func example(t testing.TB, file string, kind Kind) Data {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	f, err := facts.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	rules, err := law.Load("")
	if err != nil {
		t.Fatal(err)
	}
	a := rules.Assess(f, law.Options{At: now})
	return Build(kind, f, a, Org{Email: "privacy@example.org", Phone: "0800 555 0100", Sector: "Education"}, now, time.UTC)
}
