package web

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"

	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/fault"
)

// The JSON API lives under /api/v1. Its operations are declared with huma
// (api_ops.go): each names the one permission it requires, and huma
// builds the OpenAPI 3.1 document served at /api/v1/openapi.json from
// the operations' Go types, so the document cannot drift from the
// handlers. Every operation calls the same use case as the page that
// does the same thing (internal/app), so the permissions and the rules
// are the same whichever way a person comes in.

// apiPermission is the operation metadata key naming its permission.
const apiPermission = "permission"

// newAPI builds the huma API on the server's mux.
func (s *Server) newAPI() huma.API {
	cfg := huma.DefaultConfig("breachdesk API", "1.0.0")
	cfg.Info.Description = "Every action a person can take on an incident, with the same permissions as the pages. Authenticate with 'Authorization: Bearer TOKEN' " +
		"(create tokens under API tokens in the web app), or from a signed-in browser with the session and the X-CSRF-Token header. " +
		"Errors are JSON objects with a stable code (invalid, not_found, forbidden, unauthorized, conflict, too_large, rate_limited, unavailable, internal), " +
		"a message a person can act on and, for invalid input, a message per field."
	cfg.OpenAPIPath = "/openapi"
	cfg.DocsPath = ""    // the documentation renderer loads scripts from a CDN: not under this CSP
	cfg.SchemasPath = "" // schemas are inside the document
	cfg.CreateHooks = nil
	// Schemas are named for what they hold: Incident, not ApiIncident.
	cfg.Components.Schemas = huma.NewMapRegistry("#/components/schemas/", func(t reflect.Type, hint string) string {
		return strings.TrimPrefix(huma.DefaultSchemaNamer(t, hint), "Api")
	})
	cfg.Components.SecuritySchemes = map[string]*huma.SecurityScheme{"bearer": {Type: "http", Scheme: "bearer", Description: "An API token from the API tokens page."}}
	cfg.Security = []map[string][]string{{"bearer": {}}}
	cfg.Servers = []*huma.Server{{URL: "/api/v1"}}
	api := humago.NewWithPrefix(s.mux, "/api/v1", cfg)
	api.UseMiddleware(s.apiAuth)
	return api
}

// apiAuth is the middleware of every API operation: it finds the caller
// (apiCaller), checks the operation's permission and bounds the body.
func (s *Server) apiAuth(ctx huma.Context, next func(huma.Context)) {
	r, w := humago.Unwrap(ctx)
	p, _ := ctx.Operation().Metadata[apiPermission].(auth.Permission)
	r, ok := s.apiCaller(w, r, p)
	if !ok {
		return
	}
	// An incident the caller may not see does not exist for them, whatever
	// they sent: check before the body is read, as the pages do.
	if id, err := strconv.ParseInt(r.PathValue("id"), 10, 64); err == nil {
		if _, _, err := s.Open(r.Context(), currentUser(r), id, auth.ReadAccess); err != nil {
			writeAPIError(w, s.apiErr(r.Context(), err))
			return
		}
	}
	next(humago.NewContext(ctx.Operation(), r, w))
}

// api wraps a plain JSON or text route outside huma (the metrics) with
// the same authentication and permission check.
func (s *Server) api(p auth.Permission, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r, ok := s.apiCaller(w, r, p); ok {
			h(w, r)
		}
	}
}

// apiCaller authenticates an API request: a Bearer token, or a browser
// session, which must then send its CSRF token in X-CSRF-Token for
// changes. It checks permission p and bounds the body of a change. When
// it returns false it has written the error.
func (s *Server) apiCaller(w http.ResponseWriter, r *http.Request, p auth.Permission) (*http.Request, bool) {
	var u *auth.User
	if h := r.Header.Get("Authorization"); strings.HasPrefix(h, "Bearer ") {
		usr, tok, err := s.Store.APITokenUser(r.Context(), auth.HashToken(strings.TrimPrefix(h, "Bearer ")))
		switch {
		case fault.CodeOf(err) == fault.NotFound:
			writeAPIError(w, fault.Errorf(fault.Unauthorized, "The API token is not valid or has been revoked (a password change revokes a person's tokens)."))
			return r, false
		case err != nil:
			if s.Log != nil {
				s.Log.Error("api token check", "route", r.URL.Path, "error", err)
			}
			w.Header().Set("Retry-After", "5")
			writeAPIError(w, fault.Errorf(fault.Unavailable, "The API token could not be checked just now; try again in a few seconds."))
			return r, false
		}
		s.noteTokenUse(tok)
		u = &usr
		r = withUser(r, u, nil)
	} else {
		usr, sess := s.sessionUser(r)
		if usr == nil {
			writeAPIError(w, fault.Errorf(fault.Unauthorized, "Send an API token as 'Authorization: Bearer TOKEN'; create one under API tokens."))
			return r, false
		}
		if r.Method != http.MethodGet && !tokensEqual(r.Header.Get("X-CSRF-Token"), sess.CSRF) {
			writeAPIError(w, fault.Errorf(fault.Forbidden, "Browser requests that change data must send the X-CSRF-Token header."))
			return r, false
		}
		u = usr
		r = withUser(r, u, sess)
	}
	if !u.Can(p) {
		writeAPIError(w, fault.Errorf(fault.Forbidden, "Your role (%s) does not allow this.", u.Role.Label()))
		return r, false
	}
	if r.Method != http.MethodGet {
		s.limitBody(w, r)
	}
	return r, true
}

// userOf is the person an API call is made by.
func userOf(ctx context.Context) *auth.User {
	u, _ := ctx.Value(userKey).(*auth.User)
	return u
}

// apiError is the JSON body of every API error.
type apiError struct {
	Code    fault.Code        `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
	status  int
}

func (e *apiError) Error() string  { return e.Message }
func (e *apiError) GetStatus() int { return e.status }

// apiErr turns any error into the API's error, with the status the one
// place that decides it (statusOf) gives; outages are logged.
func (s *Server) apiErr(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	var ae *apiError
	if errors.As(err, &ae) {
		return ae
	}
	if fault.CodeOf(err) == fault.Internal && s.Log != nil {
		s.Log.Error("internal error", "error", err)
	}
	return &apiError{Code: fault.CodeOf(err), Message: fault.MessageOf(err), Fields: fault.FieldsOf(err), status: statusOf(err)}
}

func init() {
	// huma's own refusals (a body that is not JSON, a field of the wrong
	// type, an unknown field) take the API's error form: the field named
	// by its path in the body, as the pages name form fields.
	huma.NewError = func(status int, msg string, errs ...error) huma.StatusError {
		if status == http.StatusBadRequest {
			status = http.StatusUnprocessableEntity // as the API has always answered input it cannot use
		}
		e := &apiError{Code: fault.Invalid, Message: msg, status: status}
		tooLarge := strings.Contains(msg, "too large")
		for _, err := range errs {
			tooLarge = tooLarge || strings.Contains(err.Error(), "too large")
		}
		if tooLarge {
			return &apiError{Code: fault.TooLarge, Message: "The request body is too large.", status: http.StatusRequestEntityTooLarge}
		}
		switch {
		case msg == "request body is required":
			e.Message = "The request body is empty; send a JSON object."
		case status == http.StatusNotFound:
			e.Code = fault.NotFound
		case status == http.StatusRequestEntityTooLarge:
			e.Code = fault.TooLarge
		case status >= 500:
			e.Code, e.Message = fault.Internal, "Something went wrong on our side. It has been logged; please try again."
		}
		for _, err := range errs {
			var d *huma.ErrorDetail
			if errors.As(err, &d) {
				if e.Fields == nil {
					e.Fields = map[string]string{}
				}
				field, text := strings.TrimPrefix(strings.TrimPrefix(d.Location, "body."), "body"), d.Message
				if name, ok := strings.CutPrefix(text, "expected required property "); ok {
					name, _, _ = strings.Cut(name, " ")
					field, text = strings.TrimPrefix(field+"."+name, "."), "Required."
				}
				if field == "" {
					field = "body"
				}
				e.Fields[field] = text
			}
		}
		switch {
		case e.Fields["body"] != "" && len(e.Fields) == 1:
			e.Message, e.Fields = "The body is not a valid JSON object: "+e.Fields["body"]+".", nil
		case status == http.StatusUnprocessableEntity && len(e.Fields) > 0:
			e.Message = "Some fields need correcting; see /api/v1/openapi.json."
		}
		return e
	}
}

// writeAPIError writes err as the API's error body, outside huma.
func writeAPIError(w http.ResponseWriter, err error) {
	var ae *apiError
	if errors.As(err, &ae) {
		writeJSON(w, ae.status, ae)
		return
	}
	writeJSON(w, statusOf(err), apiError{Code: fault.CodeOf(err), Message: fault.MessageOf(err), Fields: fault.FieldsOf(err)})
}
