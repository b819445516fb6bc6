//go:build unix

package law

import (
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/internal/facts"
)

// fiftyStatesTwentyCountries is one incident with people in all 50 states
// and 20 countries, inferred laws, and some facts unknown, so the probes
// run as they would for a real first assessment.
func fiftyStatesTwentyCountries(b testing.TB) *facts.Facts {
	b.Helper()
	states := []string{"AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS", "KY", "LA", "ME", "MD",
		"MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN",
		"TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY"}
	countries := []string{"NZ", "AU", "GB", "FR", "DE", "IE", "NL", "CA-ON", "CA-QC", "SG", "JP", "KR", "PH", "IN", "HK", "CN", "BR", "ZA", "CH", "MX"}
	doc := "people:\n  count: 120000\n  by_jurisdiction:\n"
	for i, s := range states {
		doc += fmt.Sprintf("    US-%s: %d\n", s, 200+i*37)
	}
	for i, c := range countries {
		doc += fmt.Sprintf("    %s: %d\n", c, 100+i*53)
	}
	doc += "cause: malicious_external\nmethod: ransomware\ndata: {categories: [name, contact, government_id, payment_card, health]}\nrecipient: {kind: malicious_actor, accessed: unknown}\neffects: {confidentiality: \"yes\", exfiltrated: unknown}\n"
	return parse(b, doc)
}

// BenchmarkAssessFiftyStatesTwentyCountries: the target is under
// 5 ms an assessment; the figure is measured, not asserted.
func BenchmarkAssessFiftyStatesTwentyCountries(b *testing.B) {
	rules := mustRules(b)
	f := fiftyStatesTwentyCountries(b)
	a := rules.Assess(f, Options{At: aware})
	b.ReportMetric(float64(len(a.Regimes)), "regimes")
	b.ReportMetric(float64(len(a.Obligations)), "obligations")
	b.ReportAllocs()
	b.ResetTimer()
	before := cpuTime(b)
	for i := 0; i < b.N; i++ {
		rules.Assess(f, Options{At: aware})
	}
	// CPU time per assessment, which the machine's load does not inflate
	// as it does the wall time of ns/op.
	b.ReportMetric(float64((cpuTime(b)-before).Microseconds())/1000/float64(b.N), "cpu-ms/op")
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime(b *testing.B) time.Duration {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		b.Fatal(err)
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}
