package web

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/incident"
)

// api wraps a JSON route: a Bearer token (or a browser session, which
// must then send its CSRF token in X-CSRF-Token for changes) and the
// route's permission.
func (s *Server) api(p auth.Permission, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var u *auth.User
		if h := r.Header.Get("Authorization"); strings.HasPrefix(h, "Bearer ") {
			usr, tok, err := s.Store.APITokenUser(r.Context(), auth.HashToken(strings.TrimPrefix(h, "Bearer ")))
			switch {
			case fault.CodeOf(err) == fault.NotFound:
				writeAPIError(w, fault.Errorf(fault.Unauthorized, "The API token is not valid or has been revoked (a password change revokes a person's tokens)."))
				return
			case err != nil:
				if s.Log != nil {
					s.Log.Error("api token check", "route", r.Pattern, "error", err)
				}
				w.Header().Set("Retry-After", "5")
				writeAPIError(w, fault.Errorf(fault.Unavailable, "The API token could not be checked just now; try again in a few seconds."))
				return
			}
			s.noteTokenUse(tok)
			u = &usr
			r = withUser(r, u, nil)
		} else {
			usr, sess := s.sessionUser(r)
			if usr == nil {
				writeAPIError(w, fault.Errorf(fault.Unauthorized, "Send an API token as 'Authorization: Bearer TOKEN'; create one under API tokens."))
				return
			}
			if r.Method != http.MethodGet && !tokensEqual(r.Header.Get("X-CSRF-Token"), sess.CSRF) {
				writeAPIError(w, fault.Errorf(fault.Forbidden, "Browser requests that change data must send the X-CSRF-Token header."))
				return
			}
			u = usr
			r = withUser(r, u, sess)
		}
		if !u.Can(p) {
			writeAPIError(w, fault.Errorf(fault.Forbidden, "Your role (%s) does not allow this.", u.Role.Label()))
			return
		}
		if r.Method != http.MethodGet {
			s.limitBody(w, r)
		}
		h(w, r)
	}
}

// decodeJSON reads a JSON body strictly: unknown fields and trailing data
// are errors that say what was wrong.
func decodeJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	var mbe *http.MaxBytesError
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case err == nil:
		if dec.More() {
			return fault.Errorf(fault.Invalid, "The body has data after the JSON object; send one object.")
		}
		return nil
	case errors.As(err, &mbe):
		return fault.Errorf(fault.TooLarge, "The request body is too large.")
	case errors.Is(err, io.EOF):
		return fault.Errorf(fault.Invalid, "The request body is empty; send a JSON object.")
	case errors.As(err, &se):
		return fault.Errorf(fault.Invalid, "The body is not valid JSON (at byte %d).", se.Offset)
	case errors.As(err, &te):
		return &fault.Error{Code: fault.Invalid, Message: "A field has the wrong type.", Fields: map[string]string{te.Field: "Expected " + te.Type.String() + "."}}
	case strings.HasPrefix(err.Error(), "json: unknown field"):
		return fault.Errorf(fault.Invalid, "Unknown field %s; see /api/v1/openapi.json.", strings.TrimPrefix(err.Error(), "json: unknown field "))
	}
	return fault.Errorf(fault.Invalid, "The body could not be read as JSON: %s.", err.Error())
}

// apiIncident is an incident as the API shows it.
type apiIncident struct {
	ID             int64             `json:"id"`
	Ref            string            `json:"ref"`
	Title          string            `json:"title"`
	Kind           incident.Kind     `json:"kind"`
	Status         incident.Status   `json:"status"`
	Triaged        bool              `json:"triaged"`
	Severity       incident.Severity `json:"severity"`
	NearMiss       bool              `json:"near_miss"`
	WhatHappened   string            `json:"what_happened"`
	OccurredAt     *time.Time        `json:"occurred_at"`
	DiscoveredAt   time.Time         `json:"discovered_at"`
	Ongoing        string            `json:"ongoing"`
	DataCategories []string          `json:"data_categories"`
	PeopleCount    *int              `json:"people_count"`
	Cause          string            `json:"cause"`
	HowItHappened  string            `json:"how_it_happened"`
	WhereItWent    string            `json:"where_it_went"`
	Recipient      string            `json:"recipient"`
	ActionsTaken   string            `json:"actions_taken"`
	ReporterID     int64             `json:"reporter_id"`
	OwnerID        int64             `json:"owner_id"`
	Escalated      bool              `json:"escalated"`
	Exercise       bool              `json:"exercise"`
	Steps          map[string]string `json:"steps"`
	Clocks         []apiClock        `json:"clocks"`
	Overdue        bool              `json:"overdue"`
	CreatedAt      time.Time         `json:"created_at"`
	ClosedAt       *time.Time        `json:"closed_at"`
	Links          map[string]string `json:"links"`
}

type apiClock struct {
	Name    string     `json:"name"`
	Basis   string     `json:"basis"`
	Due     time.Time  `json:"due"`
	MetAt   *time.Time `json:"met_at"`
	Overdue bool       `json:"overdue"`
}

func (s *Server) toAPI(inc *incident.Incident, laws []string) apiIncident {
	r := inc.Report
	a := apiIncident{ID: inc.ID, Ref: inc.Ref(), Title: inc.Title, Kind: inc.Kind, Status: inc.Status, Triaged: inc.Triaged, Severity: inc.Severity,
		NearMiss: r.NearMiss, WhatHappened: r.WhatHappened, OccurredAt: r.OccurredAt, DiscoveredAt: r.DiscoveredAt, Ongoing: r.Ongoing,
		DataCategories: r.DataCategories, PeopleCount: r.PeopleCount, Cause: r.Cause, HowItHappened: r.HowItHappened, WhereItWent: r.WhereItWent,
		Recipient: r.Recipient, ActionsTaken: r.ActionsTaken, ReporterID: inc.ReporterID, OwnerID: inc.OwnerID, Escalated: inc.Escalated, Exercise: inc.IsExercise(),
		Steps: map[string]string{}, Clocks: []apiClock{}, Overdue: inc.Overdue(laws, s.Now()), CreatedAt: inc.CreatedAt, ClosedAt: inc.ClosedAt,
		Links: map[string]string{"self": "/api/v1/incidents/" + itoa(inc.ID), "page": "/incidents/" + itoa(inc.ID)}}
	if a.DataCategories == nil {
		a.DataCategories = []string{}
	}
	for st, p := range inc.Steps {
		a.Steps[string(st)] = string(p.State)
	}
	for _, c := range inc.Clocks(laws) {
		a.Clocks = append(a.Clocks, apiClock{Name: c.Name, Basis: c.Basis, Due: c.Due, MetAt: c.MetAt, Overdue: c.Overdue(s.Now())})
	}
	return a
}

// apiListIncidents pages with a cursor: "next" continues after the last
// incident of the page (?after=NEXT), and costs the same however deep.
// "total" is null where counting would read every incident (overdue).
func (s *Server) apiListIncidents(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	o := s.orgOrDefault(r)
	limit, _ := strconv.Atoi(q.Get("limit"))
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	offset, _ := strconv.Atoi(q.Get("offset"))
	owner, _ := strconv.ParseInt(q.Get("owner"), 10, 64)
	incs, total, err := s.List(r.Context(), currentUser(r), incident.Filter{Status: incident.Status(q.Get("status")), Kind: incident.Kind(q.Get("kind")),
		Severity: incident.Severity(q.Get("severity")), OwnerID: owner, Overdue: q.Get("overdue") == "true" || q.Get("overdue") == "1",
		OverdueAt: s.Now(), Laws: o.Laws, Query: q.Get("q"), Exercises: exerciseFilter(q.Get("exercise")), Limit: limit + 1, After: q.Get("after"), Offset: offset})
	if err != nil {
		writeAPIError(w, err)
		return
	}
	var next *string
	if len(incs) > limit {
		incs = incs[:limit]
		c := incident.CursorOf(incs[limit-1])
		next = &c
	}
	out := make([]apiIncident, len(incs))
	for k, inc := range incs {
		out[k] = s.toAPI(inc, o.Laws)
	}
	var count *int
	if total != incident.Uncounted {
		count = &total
	}
	writeJSON(w, http.StatusOK, map[string]any{"incidents": out, "total": count, "next": next})
}

// apiReport is the body of POST /api/v1/incidents.
type apiReport struct {
	Title          string     `json:"title"`
	NearMiss       bool       `json:"near_miss"`
	WhatHappened   string     `json:"what_happened"`
	OccurredAt     *time.Time `json:"occurred_at"`
	DiscoveredAt   *time.Time `json:"discovered_at"`
	Ongoing        string     `json:"ongoing"`
	DataCategories []string   `json:"data_categories"`
	PeopleCount    *int       `json:"people_count"`
	Cause          string     `json:"cause"`
	HowItHappened  string     `json:"how_it_happened"`
	WhereItWent    string     `json:"where_it_went"`
	Recipient      string     `json:"recipient"`
	ActionsTaken   string     `json:"actions_taken"`
}

func (s *Server) apiCreateIncident(w http.ResponseWriter, r *http.Request) {
	var in apiReport
	if err := decodeJSON(r, &in); err != nil {
		writeAPIError(w, err)
		return
	}
	rep := incident.Report{NearMiss: in.NearMiss, WhatHappened: in.WhatHappened, OccurredAt: in.OccurredAt, Ongoing: in.Ongoing,
		DataCategories: in.DataCategories, PeopleCount: in.PeopleCount, Cause: in.Cause, HowItHappened: in.HowItHappened,
		WhereItWent: in.WhereItWent, Recipient: in.Recipient, ActionsTaken: in.ActionsTaken}
	if in.DiscoveredAt != nil {
		rep.DiscoveredAt = *in.DiscoveredAt
	}
	inc, err := s.Report(r.Context(), currentUser(r), in.Title, rep)
	if err != nil {
		writeAPIError(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, s.toAPI(inc, s.orgOrDefault(r).Laws))
}

func (s *Server) apiGetIncident(w http.ResponseWriter, r *http.Request) {
	inc, _, err := s.incidentFor(r, auth.ReadAccess)
	if err != nil {
		writeAPIError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, s.toAPI(inc, s.orgOrDefault(r).Laws))
}

type apiTask struct {
	ID         int64      `json:"id"`
	Step       string     `json:"step"`
	Title      string     `json:"title"`
	Done       bool       `json:"done"`
	DoneAt     *time.Time `json:"done_at"`
	DoneBy     string     `json:"done_by"`
	AssigneeID int64      `json:"assignee_id"`
	DueAt      *time.Time `json:"due_at"`
}

// incidentList serves one of an incident's lists as {key: [...]}, for
// anyone who may read the incident.
func incidentList[T, A any](s *Server, key string, load func(ctx context.Context, u *auth.User, id int64) ([]T, error), conv func(T) A) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		inc, _, err := s.incidentFor(r, auth.ReadAccess)
		if err != nil {
			writeAPIError(w, err)
			return
		}
		items, err := load(r.Context(), currentUser(r), inc.ID)
		if err != nil {
			writeAPIError(w, err)
			return
		}
		out := make([]A, len(items))
		for k, it := range items {
			out[k] = conv(it)
		}
		writeJSON(w, http.StatusOK, map[string]any{key: out})
	}
}

// tasksOf lists an incident's tasks; incidentList has checked access.
func (s *Server) tasksOf(ctx context.Context, _ *auth.User, id int64) ([]incident.Task, error) {
	return s.Store.Tasks(ctx, id)
}

func toAPITask(t incident.Task) apiTask {
	return apiTask{ID: t.ID, Step: string(t.Step), Title: t.Title, Done: t.Done, DoneAt: t.DoneAt, DoneBy: t.DoneBy, AssigneeID: t.AssigneeID, DueAt: t.DueAt}
}

func (s *Server) apiAddTask(w http.ResponseWriter, r *http.Request) {
	inc, _, err := s.incidentFor(r, auth.WorkAccess)
	if err != nil {
		writeAPIError(w, err)
		return
	}
	var in struct {
		Step       string     `json:"step"`
		Title      string     `json:"title"`
		AssigneeID int64      `json:"assignee_id"`
		DueAt      *time.Time `json:"due_at"`
	}
	if err := decodeJSON(r, &in); err != nil {
		writeAPIError(w, err)
		return
	}
	t, err := s.AddTask(r.Context(), currentUser(r), incident.Task{IncidentID: inc.ID, Step: incident.Step(in.Step), Title: in.Title, AssigneeID: in.AssigneeID, DueAt: in.DueAt})
	if err != nil {
		writeAPIError(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, toAPITask(t))
}

func (s *Server) apiUpdateTask(w http.ResponseWriter, r *http.Request) {
	inc, _, err := s.incidentFor(r, auth.WorkAccess)
	if err != nil {
		writeAPIError(w, err)
		return
	}
	taskID, _ := strconv.ParseInt(r.PathValue("task"), 10, 64)
	var in struct {
		Done       *bool      `json:"done"`
		AssigneeID *int64     `json:"assignee_id"`
		DueAt      *time.Time `json:"due_at"`
	}
	if err := decodeJSON(r, &in); err != nil {
		writeAPIError(w, err)
		return
	}
	if in.Done == nil && in.AssigneeID == nil && in.DueAt == nil {
		writeAPIError(w, fault.Errorf(fault.Invalid, "Send at least one of done, assignee_id, due_at."))
		return
	}
	var t incident.Task
	if in.Done != nil {
		if t, err = s.SetTaskDone(r.Context(), currentUser(r), inc.ID, taskID, *in.Done); err != nil {
			writeAPIError(w, err)
			return
		}
	}
	if in.AssigneeID != nil || in.DueAt != nil {
		assignee := int64(0)
		if in.AssigneeID != nil {
			assignee = *in.AssigneeID
		}
		if t, err = s.AssignTask(r.Context(), currentUser(r), inc.ID, taskID, assignee, in.DueAt); err != nil {
			writeAPIError(w, err)
			return
		}
	}
	writeJSON(w, http.StatusOK, toAPITask(t))
}

type apiEntry struct {
	ID    int64     `json:"id"`
	At    time.Time `json:"at"`
	Kind  string    `json:"kind"`
	Actor string    `json:"actor"`
	Text  string    `json:"text"`
}

func toAPIEntry(e incident.Entry) apiEntry {
	return apiEntry{ID: e.ID, At: e.At, Kind: string(e.Kind), Actor: e.ActorName, Text: e.Text}
}

func (s *Server) apiAddNote(w http.ResponseWriter, r *http.Request) {
	inc, _, err := s.incidentFor(r, auth.WorkAccess)
	if err != nil {
		writeAPIError(w, err)
		return
	}
	var in struct {
		Kind string `json:"kind"`
		Text string `json:"text"`
	}
	if err := decodeJSON(r, &in); err != nil {
		writeAPIError(w, err)
		return
	}
	kind := incident.EntryNote
	switch in.Kind {
	case "", "note":
	case "decision":
		kind = incident.EntryDecision
	default:
		writeAPIError(w, &fault.Error{Code: fault.Invalid, Message: "Unknown entry kind.", Fields: map[string]string{"kind": "Use note or decision."}})
		return
	}
	e, err := s.AddNote(r.Context(), currentUser(r), inc.ID, kind, in.Text)
	if err != nil {
		writeAPIError(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, toAPIEntry(e))
}

type apiEvidence struct {
	ID          int64     `json:"id"`
	Filename    string    `json:"filename"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	Description string    `json:"description"`
	UploadedBy  string    `json:"uploaded_by"`
	UploadedAt  time.Time `json:"uploaded_at"`
}

func toAPIEvidence(e incident.Evidence) apiEvidence {
	return apiEvidence{ID: e.ID, Filename: e.Filename, ContentType: e.ContentType, Size: e.Size, SHA256: e.SHA256, Description: e.Description, UploadedBy: e.UploadedBy, UploadedAt: e.UploadedAt}
}

func (s *Server) apiUploadEvidence(w http.ResponseWriter, r *http.Request) {
	inc, _, err := s.incidentFor(r, auth.WorkAccess)
	if err != nil {
		writeAPIError(w, err)
		return
	}
	if err := s.parseForm(r); err != nil {
		writeAPIError(w, err)
		return
	}
	e, err := s.saveUpload(r, inc.ID)
	if err != nil {
		writeAPIError(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, toAPIEvidence(e))
}
