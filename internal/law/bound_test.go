package law

import (
	"fmt"
	"strings"
	"testing"
)

// An organisation's rule pack is read with the same bound on YAML aliases
// as any other document.
func TestPackAliasesAreBounded(t *testing.T) {
	var b strings.Builder
	fmt.Fprintf(&b, "regime: x\ntitle: &a %s\nrules:\n", strings.Repeat("x", 100_000))
	for i := range 200 {
		fmt.Fprintf(&b, "  - id: r%d\n    quote: *a\n", i)
	}
	_, err := parsePack([]byte(b.String()), true)
	if err == nil || !strings.Contains(err.Error(), "aliases") {
		t.Fatalf("want an alias bound error, got %v", err)
	}
}
