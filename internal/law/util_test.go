package law

import (
	"os"

	"github.com/breachdesk/breachdesk/internal/facts"
)

func writeFile(path, s string) error { return os.WriteFile(path, []byte(s), 0o644) }

func factsParse(doc string) (*facts.Facts, error) { return facts.Parse([]byte(doc)) }
