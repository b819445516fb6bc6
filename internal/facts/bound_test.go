package facts

import (
	"fmt"
	"strings"
	"testing"

	"github.com/breachdesk/breachdesk/internal/fault"
)

// A short YAML document whose aliases expand to a gigabyte is refused as
// too large before any value is built (it took 36 s and 2.6 GB before).
func TestParseRefusesAliasExpansion(t *testing.T) {
	var b strings.Builder
	fmt.Fprintf(&b, "schema: x\nbig: &a %s\nmany:\n", strings.Repeat("x", 30_000))
	for range 1_000 {
		b.WriteString("  - *a\n")
	}
	_, err := Parse([]byte(b.String()))
	if fault.CodeOf(err) != fault.TooLarge || !strings.Contains(fault.MessageOf(err), "aliases") {
		t.Fatalf("want too large naming aliases, got %v", err)
	}
}

func TestParseRefusesOversizedDocument(t *testing.T) {
	doc := `{"schema": "` + strings.Repeat("x", MaxBytes) + `"}`
	_, err := Parse([]byte(doc))
	if fault.CodeOf(err) != fault.TooLarge {
		t.Fatalf("want too large, got %v", err)
	}
}
