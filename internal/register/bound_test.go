package register

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/breachdesk/breachdesk/internal/fault"
)

// A register file past the limit is refused as too large, saying so,
// rather than cut off and reported as broken JSON.
func TestReadJSONRefusesOversizedFile(t *testing.T) {
	body := io.MultiReader(strings.NewReader(`{"schema": "`), io.LimitReader(zeros{}, MaxImportBytes+10), strings.NewReader(`"}`))
	_, err := ReadJSON(body)
	if fault.CodeOf(err) != fault.TooLarge || !strings.Contains(fault.MessageOf(err), "MB") {
		t.Fatalf("want too large, got %v", err)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	copy(p, bytes.Repeat([]byte("0"), len(p)))
	return len(p), nil
}
