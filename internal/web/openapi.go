package web

import (
	_ "embed"
	"net/http"
)

// openAPIDoc describes /api/v1. A test checks that every path and method
// it lists is routed, so the document cannot drift from the server.
//
//go:embed openapi.json
var openAPIDoc []byte

func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Write(openAPIDoc)
}
