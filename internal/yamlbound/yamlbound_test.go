package yamlbound

import (
	"fmt"
	"strings"
	"testing"

	"github.com/breachdesk/breachdesk/internal/fault"
)

// aliasBomb is a short document whose aliases stand for copies*len(value)
// bytes once expanded.
func aliasBomb(value, copies int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "big: &a %s\nmany:\n", strings.Repeat("x", value))
	for range copies {
		b.WriteString("  - *a\n")
	}
	return b.String()
}

func TestAliasesAreMeasuredBeforeDecoding(t *testing.T) {
	doc := aliasBomb(300_000, 4_000) // 312 KB standing for 1.2 GB
	_, err := Parse([]byte(doc), Default)
	if fault.CodeOf(err) != fault.TooLarge || !strings.Contains(fault.MessageOf(err), "aliases") {
		t.Fatalf("want a too-large error naming aliases, got %v", err)
	}
}

func TestNestedAliasesCountEveryCopy(t *testing.T) {
	// Each level doubles the one before: the classic billion laughs.
	var b strings.Builder
	b.WriteString("l0: &l0 [lol, lol]\n")
	for i := 1; i <= 40; i++ {
		fmt.Fprintf(&b, "l%d: &l%d [*l%d, *l%d]\n", i, i, i-1, i-1)
	}
	_, err := Parse([]byte(b.String()), Default)
	if fault.CodeOf(err) != fault.TooLarge {
		t.Fatalf("want too large, got %v", err)
	}
}

func TestOrdinaryAliasesPass(t *testing.T) {
	doc := aliasBomb(100, 20)
	n, err := Parse([]byte(doc), Default)
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := n.Decode(&v); err != nil || len(v["many"].([]any)) != 20 {
		t.Fatalf("decoded %v, %v", v, err)
	}
}

func TestDepthIsBounded(t *testing.T) {
	doc := strings.Repeat("[", 200) + strings.Repeat("]", 200)
	_, err := Parse([]byte(doc), Default)
	if fault.CodeOf(err) != fault.TooLarge || !strings.Contains(fault.MessageOf(err), "levels") {
		t.Fatalf("want a depth error, got %v", err)
	}
}

func TestNotYAML(t *testing.T) {
	_, err := Parse([]byte("a: [unclosed"), Default)
	if fault.CodeOf(err) != fault.Invalid {
		t.Fatalf("want invalid, got %v", err)
	}
}
