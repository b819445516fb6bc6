package web

import (
	"net/http"
	"strconv"

	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/incident"
)

// pathID reads a numeric path value; 0 when it is not one.
func pathID(r *http.Request, name string) int64 {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id < 0 {
		return 0
	}
	return id
}

// formID reads a numeric form value; 0 when it is empty or not one.
func formID(r *http.Request, name string) int64 {
	id, err := strconv.ParseInt(r.PostFormValue(name), 10, 64)
	if err != nil || id < 0 {
		return 0
	}
	return id
}

// incidentFor loads the incident named in the path for the signed-in
// person, with the access needed (see app.Open).
func (s *Server) incidentFor(r *http.Request, need auth.Access) (*incident.Incident, auth.Access, error) {
	return s.Open(r.Context(), currentUser(r), pathID(r, "id"), need)
}
