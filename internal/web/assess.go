package web

import (
	"io"
	"net/http"

	"github.com/breachdesk/breachdesk/internal/facts"
	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/law"
)

// apiAssess takes a facts document (JSON or YAML) and returns the
// assessment, exactly as `breachdesk assess --json` prints it.
func (s *Server) apiAssess(w http.ResponseWriter, r *http.Request) {
	data, err := io.ReadAll(r.Body)
	if err != nil {
		writeAPIError(w, fault.Errorf(fault.TooLarge, "The facts document is larger than 1 MB."))
		return
	}
	f, err := facts.Parse(data)
	if err != nil {
		writeAPIError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, s.Rules.Assess(f, law.Options{At: s.Now(), TargetHours: s.TargetHours}))
}
