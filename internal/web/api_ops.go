package web

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/breachdesk/breachdesk/internal/app"
	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/facts"
	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/incident"
	"github.com/breachdesk/breachdesk/internal/notice"
	"github.com/breachdesk/breachdesk/internal/org"
)

// The API's operations, one per action a person can take on an incident,
// each calling the use case its page calls.

// op declares an operation with the one permission it requires.
func op(method, path, id, tag, summary string, p auth.Permission, status int) huma.Operation {
	return huma.Operation{OperationID: id, Method: method, Path: path, Summary: summary, Tags: []string{tag}, DefaultStatus: status,
		Description: summary + ". Requires the permission " + string(p) + " (roles: " + rolesWith(p) + ").",
		Metadata:    map[string]any{apiPermission: p}}
}

// raw marks an operation whose body is read by the use case itself (a
// facts document in JSON or YAML, a CSV list), not by huma.
func raw(o huma.Operation) huma.Operation {
	o.SkipValidateBody = true
	return o
}

// body is an answer whose body is T.
type body[T any] struct{ Body T }

// IncidentPath names the incident of an operation.
type IncidentPath struct {
	ID int64 `path:"id" minimum:"1" doc:"The incident's number: INC-0012 is 12."`
}

// apiIncident is an incident as the API shows it.
type apiIncident struct {
	ID             int64             `json:"id"`
	Ref            string            `json:"ref"`
	Title          string            `json:"title"`
	Kind           incident.Kind     `json:"kind" enum:"breach,near_miss,not_breach"`
	Status         incident.Status   `json:"status" enum:"reported,open,closed"`
	Triaged        bool              `json:"triaged"`
	Severity       incident.Severity `json:"severity" enum:",low,medium,high,critical"`
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
	Steps          map[string]string `json:"steps" doc:"Each step's state: pending, active or done."`
	Clocks         []apiClock        `json:"clocks"`
	Overdue        bool              `json:"overdue"`
	CreatedAt      time.Time         `json:"created_at"`
	ClosedAt       *time.Time        `json:"closed_at"`
	CloseReason    string            `json:"close_reason"`
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
		Steps: map[string]string{}, Clocks: []apiClock{}, Overdue: inc.Overdue(laws, s.Now()), CreatedAt: inc.CreatedAt, ClosedAt: inc.ClosedAt, CloseReason: inc.CloseReason,
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

// incidentAnswer answers with the incident as it now stands.
func (s *Server) incidentAnswer(ctx context.Context, inc *incident.Incident, err error) (*body[apiIncident], error) {
	if err != nil {
		return nil, s.apiErr(ctx, err)
	}
	o, err := s.Organisation(ctx)
	if err != nil {
		return nil, s.apiErr(ctx, err)
	}
	return &body[apiIncident]{Body: s.toAPI(inc, o.Laws)}, nil
}

type listIncidentsInput struct {
	Status   string `query:"status" enum:",reported,open,closed" doc:"Only incidents in this status."`
	Kind     string `query:"kind" enum:",breach,near_miss,not_breach"`
	Severity string `query:"severity" enum:",low,medium,high,critical"`
	Owner    int64  `query:"owner" doc:"Only incidents this person owns."`
	Overdue  bool   `query:"overdue" doc:"Only incidents with a deadline run out."`
	Q        string `query:"q" doc:"Words searched in titles and descriptions (up to 10 words)."`
	Exercise string `query:"exercise" enum:",exclude,only" doc:"exclude leaves tabletop exercises out; only lists nothing else. Included by default."`
	Limit    int    `query:"limit" minimum:"0" maximum:"500" doc:"Incidents a page, 50 by default."`
	After    string `query:"after" doc:"The next field of the previous page: the page after it."`
	Offset   int    `query:"offset" minimum:"0" doc:"Kept for old clients; after is the same cost however deep."`
}

type apiIncidentPage struct {
	Incidents []apiIncident `json:"incidents"`
	Total     *int          `json:"total" doc:"Null where counting would read every incident (overdue)."`
	Next      *string       `json:"next" doc:"Pass as after for the next page; null on the last."`
}

type reportInput struct {
	Body struct {
		Title          string     `json:"title" maxLength:"200"`
		NearMiss       bool       `json:"near_miss,omitempty"`
		WhatHappened   string     `json:"what_happened"`
		OccurredAt     *time.Time `json:"occurred_at,omitempty"`
		DiscoveredAt   *time.Time `json:"discovered_at" doc:"When the problem was found: every deadline runs from then."`
		Ongoing        string     `json:"ongoing,omitempty" enum:"yes,no,unknown"`
		DataCategories []string   `json:"data_categories,omitempty"`
		PeopleCount    *int       `json:"people_count,omitempty" minimum:"0"`
		Cause          string     `json:"cause,omitempty"`
		HowItHappened  string     `json:"how_it_happened,omitempty"`
		WhereItWent    string     `json:"where_it_went,omitempty"`
		Recipient      string     `json:"recipient,omitempty"`
		ActionsTaken   string     `json:"actions_taken,omitempty"`
	}
}

type triageInput struct {
	IncidentPath
	Body struct {
		Kind     incident.Kind     `json:"kind" enum:"breach,near_miss,not_breach"`
		Severity incident.Severity `json:"severity" enum:"low,medium,high,critical"`
		OwnerID  int64             `json:"owner_id,omitempty" doc:"The person who owns the response; 0 for nobody yet."`
	}
}

type stepInput struct {
	IncidentPath
	Step   string `path:"step" enum:"contain,assess,notify,review"`
	Action string `path:"action" enum:"start,complete,reopen"`
	Body   *struct {
		Override string `json:"override,omitempty" doc:"Administrators: complete with work outstanding, for this reason (kept on the record)."`
	} `required:"false"`
}

type closeInput struct {
	IncidentPath
	Body *struct {
		Reason   string `json:"reason,omitempty"`
		Override bool   `json:"override,omitempty" doc:"Administrators: close with work outstanding; the reason is kept."`
	} `required:"false"`
}

type apiTask struct {
	ID            int64      `json:"id"`
	Step          string     `json:"step"`
	Title         string     `json:"title"`
	Done          bool       `json:"done"`
	NotApplicable string     `json:"not_applicable" doc:"Why the task does not apply; empty when it does."`
	DoneAt        *time.Time `json:"done_at"`
	DoneBy        string     `json:"done_by"`
	AssigneeID    int64      `json:"assignee_id"`
	DueAt         *time.Time `json:"due_at"`
}

func toAPITask(t incident.Task) apiTask {
	return apiTask{ID: t.ID, Step: string(t.Step), Title: t.Title, Done: t.Done, NotApplicable: t.NotApplicable, DoneAt: t.DoneAt, DoneBy: t.DoneBy, AssigneeID: t.AssigneeID, DueAt: t.DueAt}
}

type apiTasks struct {
	Tasks []apiTask `json:"tasks"`
}

type addTaskInput struct {
	IncidentPath
	Body struct {
		Step       string     `json:"step" enum:"contain,assess,notify,review"`
		Title      string     `json:"title" maxLength:"300"`
		AssigneeID int64      `json:"assignee_id,omitempty"`
		DueAt      *time.Time `json:"due_at,omitempty"`
	}
}

type updateTaskInput struct {
	IncidentPath
	Task int64 `path:"task"`
	Body struct {
		Done          *bool      `json:"done,omitempty" doc:"true ticks it; false opens it again."`
		NotApplicable string     `json:"not_applicable,omitempty" doc:"Marks it not applicable, for this reason."`
		AssigneeID    *int64     `json:"assignee_id,omitempty"`
		DueAt         *time.Time `json:"due_at,omitempty"`
	}
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

type apiTimeline struct {
	Timeline []apiEntry `json:"timeline"`
}

type noteInput struct {
	IncidentPath
	Body struct {
		Kind string `json:"kind,omitempty" enum:"note,decision" doc:"A decision carries its reasons."`
		Text string `json:"text"`
	}
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

type apiEvidenceList struct {
	Evidence []apiEvidence `json:"evidence"`
}

type uploadInput struct {
	IncidentPath
	RawBody huma.MultipartFormFiles[struct {
		File        huma.FormFile `form:"file" required:"true" doc:"The file."`
		Description string        `form:"description" required:"false" doc:"What it shows."`
	}]
}

type apiParticipant struct {
	UserID int64  `json:"user_id"`
	Name   string `json:"name"`
	Role   string `json:"role"`
}

type apiTeam struct {
	Participants []apiParticipant `json:"participants"`
}

type participantInput struct {
	IncidentPath
	Body struct {
		UserID int64 `json:"user_id"`
	}
}

type recordAssessmentInput struct {
	IncidentPath
	RawBody []byte `contentType:"application/json" doc:"A facts document (spec/facts.schema.json), JSON or YAML."`
}

type apiAssessmentRecord struct {
	ID           int64           `json:"id"`
	AssessedAt   time.Time       `json:"assessed_at"`
	By           string          `json:"by"`
	RulesVersion string          `json:"rules_version"`
	Summary      string          `json:"summary"`
	Facts        json.RawMessage `json:"facts"`
	Assessment   json.RawMessage `json:"assessment"`
}

type apiAssessments struct {
	Assessments []apiAssessmentRecord `json:"assessments"`
}

type apiObligation struct {
	ID           int64      `json:"id"`
	Rule         string     `json:"rule"`
	Regime       string     `json:"regime"`
	Audience     string     `json:"audience"`
	Label        string     `json:"label"`
	Citation     string     `json:"citation"`
	Decision     string     `json:"decision"`
	Due          *time.Time `json:"due"`
	Target       *time.Time `json:"target"`
	Status       string     `json:"status" enum:"pending,done,not_required,overridden"`
	StatusReason string     `json:"status_reason"`
	Reference    string     `json:"reference"`
	DoneAt       *time.Time `json:"done_at"`
	DecidedBy    string     `json:"decided_by"`
}

func toAPIObligation(o incident.Obligation) apiObligation {
	return apiObligation{ID: o.ID, Rule: o.RuleID, Regime: o.Regime, Audience: o.Audience, Label: o.AudienceLabel(), Citation: o.Citation, Decision: o.Decision,
		Due: o.DueAt, Target: o.TargetAt, Status: string(o.Status), StatusReason: o.StatusReason, Reference: o.Reference, DoneAt: o.DoneAt, DecidedBy: o.DecidedBy}
}

type apiObligations struct {
	Obligations []apiObligation `json:"obligations"`
}

type obligationInput struct {
	IncidentPath
	Obligation int64 `path:"oid"`
	Body       struct {
		Op        string     `json:"op" enum:"done,decide,reset" doc:"done: it was met; decide: do it or not against the assessment, with the reason; reset: back to the assessment."`
		At        *time.Time `json:"at,omitempty" doc:"When it was done; now when absent."`
		Reference string     `json:"reference,omitempty" doc:"How it was done, e.g. the NotifyUs reference."`
		Notify    bool       `json:"notify,omitempty" doc:"decide: true to do it, false not to."`
		Reason    string     `json:"reason,omitempty"`
	}
}

type apiReview struct {
	WentWell   string          `json:"went_well"`
	WentBadly  string          `json:"went_badly"`
	Lessons    string          `json:"lessons"`
	RootCauses []apiRootCause  `json:"root_causes"`
	Actions    []apiAction     `json:"actions"`
	Missing    []string        `json:"missing" doc:"What the Review step still needs before it completes."`
	UpdatedAt  *time.Time      `json:"updated_at"`
	Prevention json.RawMessage `json:"-"`
}

type apiRootCause struct {
	ID          int64  `json:"id"`
	Category    string `json:"category"`
	Description string `json:"description"`
}

type apiAction struct {
	ID      int64      `json:"id"`
	Title   string     `json:"title"`
	OwnerID int64      `json:"owner_id"`
	Owner   string     `json:"owner"`
	DueAt   *time.Time `json:"due_at"`
	Link    string     `json:"changes"`
	Done    bool       `json:"done"`
	DoneAt  *time.Time `json:"done_at"`
}

func toAPIAction(a incident.Action) apiAction {
	return apiAction{ID: a.ID, Title: a.Title, OwnerID: a.OwnerID, Owner: a.OwnerName, DueAt: a.DueAt, Link: a.Link, Done: a.Done, DoneAt: a.DoneAt}
}

func toAPIReview(rv incident.ReviewRecord) apiReview {
	out := apiReview{WentWell: rv.WentWell, WentBadly: rv.WentBadly, Lessons: rv.Lessons, RootCauses: []apiRootCause{}, Actions: []apiAction{}, Missing: rv.Missing(), UpdatedAt: rv.UpdatedAt}
	if out.Missing == nil {
		out.Missing = []string{}
	}
	for _, c := range rv.RootCauses {
		out.RootCauses = append(out.RootCauses, apiRootCause{ID: c.ID, Category: c.Category, Description: c.Description})
	}
	for _, a := range rv.Actions {
		out.Actions = append(out.Actions, toAPIAction(a))
	}
	return out
}

type reviewInput struct {
	IncidentPath
	Body struct {
		WentWell  string `json:"went_well,omitempty"`
		WentBadly string `json:"went_badly,omitempty"`
		Lessons   string `json:"lessons,omitempty"`
	}
}

type rootCauseInput struct {
	IncidentPath
	Body struct {
		Category    string `json:"category" enum:"human_error,process_gap,technical_control_missing,third_party,malicious_act,training,other"`
		Description string `json:"description" maxLength:"2000"`
	}
}

type reviewActionInput struct {
	IncidentPath
	Body struct {
		Title   string     `json:"title" maxLength:"300"`
		OwnerID int64      `json:"owner_id"`
		DueAt   *time.Time `json:"due_at"`
		Link    string     `json:"changes,omitempty" doc:"The plan section or policy the action changes."`
	}
}

type reviewActionDoneInput struct {
	IncidentPath
	Action int64 `path:"aid"`
	Body   struct {
		Done bool `json:"done"`
	}
}

type noticeInput struct {
	IncidentPath
	Kind     string `path:"kind" enum:"notifyus,notifyus-update,oaic,ovic,gdpr,individual,public"`
	Person   int64  `query:"person" doc:"A notice to individuals for one person of the list."`
	Stage    int    `query:"stage" minimum:"0"`
	Previous string `query:"previous" doc:"The earlier notice or report an update follows."`
	Phase    string `query:"phase" enum:",initial,follow-up"`
}

type apiFinding struct {
	Check    string `json:"check"`
	Severity string `json:"severity" doc:"block: must be fixed before it goes out."`
	Section  string `json:"section"`
	Message  string `json:"message"`
}

type apiNotice struct {
	Kind     string       `json:"kind"`
	Title    string       `json:"title"`
	Text     string       `json:"text"`
	Findings []apiFinding `json:"findings"`
	Blocking bool         `json:"blocking" doc:"A check fails that must be fixed, or overridden with a reason, before it goes out."`
}

type apiNoticeText struct {
	WhatHappened string     `json:"what_happened"`
	Steps        []string   `json:"steps"`
	Advice       []string   `json:"advice"`
	UpdatedAt    *time.Time `json:"updated_at"`
	UpdatedBy    string     `json:"updated_by"`
}

type noticeTextInput struct {
	IncidentPath
	Body struct {
		WhatHappened string   `json:"what_happened,omitempty" maxLength:"5000"`
		Steps        []string `json:"steps,omitempty" maxItems:"30"`
		Advice       []string `json:"advice,omitempty" maxItems:"30"`
	}
}

type publishInput struct {
	IncidentPath
	Body *struct {
		Override  string `json:"override,omitempty" doc:"Why it is published although a check fails."`
		NotDirect string `json:"not_direct,omitempty" doc:"Why telling the people directly is not practicable (time, effort, cost), when this notice is how they are told (s 26WL(2)(c) option 3; GDPR art 34(3)(c)). Required when a law requires telling them and no one has been told directly."`
	} `required:"false"`
}

type apiPublished struct {
	URL   string `json:"url"`
	Slug  string `json:"slug"`
	Title string `json:"title"`
}

type apiPerson struct {
	ID           int64    `json:"id"`
	Name         string   `json:"name"`
	Email        string   `json:"email"`
	Phone        string   `json:"phone"`
	Address      []string `json:"address"`
	Jurisdiction string   `json:"jurisdiction"`
	Elements     []string `json:"elements"`
	AtRisk       bool     `json:"at_risk"`
	Source       string   `json:"source"`
}

type apiPeople struct {
	People []apiPerson `json:"people"`
}

type importPeopleInput struct {
	IncidentPath
	RawBody []byte `contentType:"text/csv" doc:"A CSV list with a header row: name (or first name and surname), email, phone, address lines, city, state, postcode, country, at risk."`
}

type atRiskInput struct {
	IncidentPath
	Body struct {
		Categories []string `json:"categories" minItems:"1" doc:"Everyone whose exposed information includes one of these kinds is at risk; the others are not."`
	}
}

type apiAtRisk struct {
	AtRisk int `json:"at_risk"`
	Total  int `json:"total"`
}

type scanInput struct {
	IncidentPath
	RawBody huma.MultipartFormFiles[struct {
		File   huma.FormFile `form:"file" required:"false" doc:"The exposed files: one file, or an archive such as a .zip."`
		Folder string        `form:"folder" required:"false" doc:"Or a folder on the server, inside the scan roots."`
	}]
}

type apiScan struct {
	ID         int64           `json:"id"`
	Label      string          `json:"label"`
	State      string          `json:"state" enum:"queued,running,done,failed"`
	Percent    int             `json:"percent"`
	Parts      int             `json:"parts" doc:"Parts the scan was split into for the workers to share; 0 when it runs in one piece."`
	PartsDone  int             `json:"parts_done" doc:"Parts done so far, by any worker."`
	Error      string          `json:"error"`
	Result     json.RawMessage `json:"result,omitempty" doc:"The summary and the figures that feed the facts, once done."`
	CreatedAt  time.Time       `json:"created_at"`
	FinishedAt *time.Time      `json:"finished_at"`
}

type scanPath struct {
	IncidentPath
	Scan int64 `path:"jid"`
}

type apiWorkItem struct {
	Kind     string     `json:"kind" enum:"triage,deadline,obligation,task,action,owned"`
	Incident string     `json:"incident"`
	Text     string     `json:"text"`
	Due      *time.Time `json:"due"`
	Mine     bool       `json:"mine"`
	Step     string     `json:"step"`
	ID       int64      `json:"id"`
	Link     string     `json:"link"`
}

type apiQueue struct {
	Overdue []apiWorkItem `json:"overdue"`
	Soon    []apiWorkItem `json:"soon" doc:"Due in the next 24 hours."`
	Mine    []apiWorkItem `json:"mine"`
}

type apiOrganisation struct {
	Name           string   `json:"name"`
	ContactName    string   `json:"contact_name"`
	ContactTitle   string   `json:"contact_title"`
	ContactEmail   string   `json:"contact_email"`
	ContactPhone   string   `json:"contact_phone"`
	NZBN           string   `json:"nzbn"`
	ABN            string   `json:"abn"`
	Sector         string   `json:"sector"`
	Industry       string   `json:"industry" doc:"The ANZSIC 2006 division, a letter A to S."`
	Laws           []string `json:"laws"`
	TimeZone       string   `json:"time_zone" doc:"An IANA time zone, e.g. Pacific/Auckland."`
	RetentionYears int      `json:"retention_years" minimum:"1" maximum:"100"`
}

type dossierInput struct {
	IncidentPath
}

type assessInput struct {
	RawBody []byte `contentType:"application/json" doc:"A facts document (spec/facts.schema.json), JSON or YAML."`
}

// apiRoutes registers every operation.
func (s *Server) apiRoutes(api huma.API) {
	u := userOf
	huma.Register(api, op("GET", "/incidents", "listIncidents", "incidents", "List the incidents the caller may see", auth.ViewIncident, 0),
		func(ctx context.Context, in *listIncidentsInput) (*body[apiIncidentPage], error) {
			o, err := s.Organisation(ctx)
			if err != nil {
				return nil, s.apiErr(ctx, err)
			}
			limit := in.Limit
			if limit <= 0 {
				limit = 50
			}
			incs, total, err := s.List(ctx, u(ctx), incident.Filter{Status: incident.Status(in.Status), Kind: incident.Kind(in.Kind), Severity: incident.Severity(in.Severity),
				OwnerID: in.Owner, Overdue: in.Overdue, OverdueAt: s.Now(), Laws: o.Laws, Query: in.Q, Exercises: exerciseFilter(in.Exercise), Limit: limit + 1, After: in.After, Offset: in.Offset})
			if err != nil {
				return nil, s.apiErr(ctx, err)
			}
			page := apiIncidentPage{Incidents: make([]apiIncident, 0, len(incs))}
			if len(incs) > limit {
				incs = incs[:limit]
				c := incident.CursorOf(incs[limit-1])
				page.Next = &c
			}
			for _, inc := range incs {
				page.Incidents = append(page.Incidents, s.toAPI(inc, o.Laws))
			}
			if total != incident.Uncounted {
				page.Total = &total
			}
			return &body[apiIncidentPage]{Body: page}, nil
		})
	huma.Register(api, op("POST", "/incidents", "reportIncident", "incidents", "Report a suspected breach or near miss", auth.ReportIncident, http.StatusCreated),
		func(ctx context.Context, in *reportInput) (*body[apiIncident], error) {
			b := in.Body
			rep := incident.Report{NearMiss: b.NearMiss, WhatHappened: b.WhatHappened, OccurredAt: b.OccurredAt, Ongoing: b.Ongoing, DataCategories: b.DataCategories,
				PeopleCount: b.PeopleCount, Cause: b.Cause, HowItHappened: b.HowItHappened, WhereItWent: b.WhereItWent, Recipient: b.Recipient, ActionsTaken: b.ActionsTaken}
			if b.DiscoveredAt != nil {
				rep.DiscoveredAt = *b.DiscoveredAt
			}
			inc, err := s.Report(ctx, u(ctx), b.Title, rep)
			return s.incidentAnswer(ctx, inc, err)
		})
	huma.Register(api, op("GET", "/incidents/{id}", "getIncident", "incidents", "One incident, with its steps and clocks", auth.ViewIncident, 0),
		func(ctx context.Context, in *IncidentPath) (*body[apiIncident], error) {
			inc, _, err := s.Open(ctx, u(ctx), in.ID, auth.ReadAccess)
			return s.incidentAnswer(ctx, inc, err)
		})
	huma.Register(api, op("POST", "/incidents/{id}/triage", "triageIncident", "incidents", "Triage: classify, set the severity and the owner", auth.TriageIncident, 0),
		func(ctx context.Context, in *triageInput) (*body[apiIncident], error) {
			inc, err := s.Triage(ctx, u(ctx), in.ID, incident.Triage{Kind: in.Body.Kind, Severity: in.Body.Severity, OwnerID: in.Body.OwnerID})
			return s.incidentAnswer(ctx, inc, err)
		})
	huma.Register(api, op("POST", "/incidents/{id}/escalate", "escalateIncident", "incidents", "Escalate to the response team", auth.TriageIncident, 0),
		func(ctx context.Context, in *IncidentPath) (*body[apiIncident], error) {
			inc, err := s.Escalate(ctx, u(ctx), in.ID)
			return s.incidentAnswer(ctx, inc, err)
		})
	huma.Register(api, op("POST", "/incidents/{id}/steps/{step}/{action}", "moveStep", "steps", "Start, complete or reopen a step", auth.WorkIncident, 0),
		func(ctx context.Context, in *stepInput) (*body[apiIncident], error) {
			st, _ := incident.ParseStep(in.Step)
			action, _ := app.ParseStepAction(in.Action)
			override := ""
			if in.Body != nil {
				override = in.Body.Override
			}
			inc, err := s.MoveStep(ctx, u(ctx), in.ID, st, action, override)
			return s.incidentAnswer(ctx, inc, err)
		})
	huma.Register(api, op("POST", "/incidents/{id}/close", "closeIncident", "incidents", "Close the incident", auth.CloseIncident, 0),
		func(ctx context.Context, in *closeInput) (*body[apiIncident], error) {
			var reason string
			var override bool
			if in.Body != nil {
				reason, override = in.Body.Reason, in.Body.Override
			}
			inc, err := s.Close(ctx, u(ctx), in.ID, reason, override)
			return s.incidentAnswer(ctx, inc, err)
		})
	huma.Register(api, op("POST", "/incidents/{id}/reopen", "reopenIncident", "incidents", "Reopen a closed incident", auth.TriageIncident, 0),
		func(ctx context.Context, in *IncidentPath) (*body[apiIncident], error) {
			inc, err := s.Reopen(ctx, u(ctx), in.ID)
			return s.incidentAnswer(ctx, inc, err)
		})

	huma.Register(api, op("GET", "/incidents/{id}/tasks", "listTasks", "tasks", "The tasks of the four steps", auth.ViewIncident, 0),
		func(ctx context.Context, in *IncidentPath) (*body[apiTasks], error) {
			ws, err := s.Workspace(ctx, u(ctx), in.ID)
			if err != nil {
				return nil, s.apiErr(ctx, err)
			}
			out := apiTasks{Tasks: []apiTask{}}
			for _, t := range ws.Tasks {
				out.Tasks = append(out.Tasks, toAPITask(t))
			}
			return &body[apiTasks]{Body: out}, nil
		})
	huma.Register(api, op("POST", "/incidents/{id}/tasks", "addTask", "tasks", "Add a task to a step's checklist", auth.WorkIncident, http.StatusCreated),
		func(ctx context.Context, in *addTaskInput) (*body[apiTask], error) {
			t, err := s.AddTask(ctx, u(ctx), incident.Task{IncidentID: in.ID, Step: incident.Step(in.Body.Step), Title: in.Body.Title, AssigneeID: in.Body.AssigneeID, DueAt: in.Body.DueAt})
			if err != nil {
				return nil, s.apiErr(ctx, err)
			}
			return &body[apiTask]{Body: toAPITask(t)}, nil
		})
	huma.Register(api, op("PATCH", "/incidents/{id}/tasks/{task}", "updateTask", "tasks", "Tick a task, mark it not applicable, open it again, or assign it", auth.WorkIncident, 0),
		func(ctx context.Context, in *updateTaskInput) (*body[apiTask], error) {
			b := in.Body
			var changes []app.TaskChange
			switch {
			case b.NotApplicable != "":
				changes = append(changes, app.TaskChange{Op: app.TaskNotApplicable, Reason: b.NotApplicable})
			case b.Done != nil && *b.Done:
				changes = append(changes, app.TaskChange{Op: app.TaskDone})
			case b.Done != nil:
				changes = append(changes, app.TaskChange{Op: app.TaskUndo})
			}
			if b.AssigneeID != nil || b.DueAt != nil {
				c := app.TaskChange{Op: app.TaskAssign, Due: b.DueAt}
				if b.AssigneeID != nil {
					c.AssigneeID = *b.AssigneeID
				}
				changes = append(changes, c)
			}
			if len(changes) == 0 {
				return nil, s.apiErr(ctx, fault.Errorf(fault.Invalid, "Send at least one of done, not_applicable, assignee_id, due_at."))
			}
			var t incident.Task
			for _, c := range changes {
				var err error
				if t, err = s.UpdateTask(ctx, u(ctx), in.ID, in.Task, c); err != nil {
					return nil, s.apiErr(ctx, err)
				}
			}
			return &body[apiTask]{Body: toAPITask(t)}, nil
		})

	huma.Register(api, op("GET", "/incidents/{id}/timeline", "listTimeline", "timeline", "The timeline, oldest first", auth.ViewIncident, 0),
		func(ctx context.Context, in *IncidentPath) (*body[apiTimeline], error) {
			tl, err := s.Timeline(ctx, u(ctx), in.ID)
			if err != nil {
				return nil, s.apiErr(ctx, err)
			}
			out := apiTimeline{Timeline: []apiEntry{}}
			for _, e := range tl {
				out.Timeline = append(out.Timeline, toAPIEntry(e))
			}
			return &body[apiTimeline]{Body: out}, nil
		})
	huma.Register(api, op("POST", "/incidents/{id}/timeline", "addNote", "timeline", "Add a note or a decision", auth.WorkIncident, http.StatusCreated),
		func(ctx context.Context, in *noteInput) (*body[apiEntry], error) {
			kind := incident.EntryNote
			if in.Body.Kind == "decision" {
				kind = incident.EntryDecision
			}
			e, err := s.AddNote(ctx, u(ctx), in.ID, kind, in.Body.Text)
			if err != nil {
				return nil, s.apiErr(ctx, err)
			}
			return &body[apiEntry]{Body: toAPIEntry(e)}, nil
		})

	huma.Register(api, op("GET", "/incidents/{id}/evidence", "listEvidence", "evidence", "The evidence attached", auth.ViewIncident, 0),
		func(ctx context.Context, in *IncidentPath) (*body[apiEvidenceList], error) {
			ev, err := s.EvidenceList(ctx, u(ctx), in.ID)
			if err != nil {
				return nil, s.apiErr(ctx, err)
			}
			out := apiEvidenceList{Evidence: []apiEvidence{}}
			for _, e := range ev {
				out.Evidence = append(out.Evidence, toAPIEvidence(e))
			}
			return &body[apiEvidenceList]{Body: out}, nil
		})
	upload := op("POST", "/incidents/{id}/evidence", "attachEvidence", "evidence", "Attach a file as evidence (multipart: file, description)", auth.WorkIncident, http.StatusCreated)
	upload.MaxBodyBytes = s.MaxUpload + formLimit
	huma.Register(api, upload, func(ctx context.Context, in *uploadInput) (*body[apiEvidence], error) {
		f := in.RawBody.Data()
		e, err := s.AddEvidence(ctx, u(ctx), in.ID, f.File.Filename, f.File, f.Description)
		if err != nil {
			return nil, s.apiErr(ctx, err)
		}
		return &body[apiEvidence]{Body: toAPIEvidence(e)}, nil
	})

	huma.Register(api, op("GET", "/incidents/{id}/participants", "listParticipants", "team", "The people taking part in the response", auth.ViewIncident, 0),
		func(ctx context.Context, in *IncidentPath) (*body[apiTeam], error) {
			ws, err := s.Workspace(ctx, u(ctx), in.ID)
			if err != nil {
				return nil, s.apiErr(ctx, err)
			}
			out := apiTeam{Participants: []apiParticipant{}}
			for _, p := range ws.Participants {
				out.Participants = append(out.Participants, apiParticipant{UserID: p.UserID, Name: p.Name, Role: p.Role})
			}
			return &body[apiTeam]{Body: out}, nil
		})
	huma.Register(api, op("POST", "/incidents/{id}/participants", "addParticipant", "team", "Bring a person into the response", auth.TriageIncident, http.StatusCreated),
		func(ctx context.Context, in *participantInput) (*body[apiParticipant], error) {
			p, err := s.AddParticipant(ctx, u(ctx), in.ID, in.Body.UserID)
			if err != nil {
				return nil, s.apiErr(ctx, err)
			}
			return &body[apiParticipant]{Body: apiParticipant{UserID: p.ID, Name: p.Name, Role: app.TeamRoleOf(p)}}, nil
		})

	huma.Register(api, op("GET", "/incidents/{id}/assessments", "listAssessments", "assessment", "The assessments recorded, newest first, with their inputs and outputs", auth.ViewIncident, 0),
		func(ctx context.Context, in *IncidentPath) (*body[apiAssessments], error) {
			ws, err := s.Workspace(ctx, u(ctx), in.ID)
			if err != nil {
				return nil, s.apiErr(ctx, err)
			}
			out := apiAssessments{Assessments: []apiAssessmentRecord{}}
			for _, a := range ws.Assessments {
				out.Assessments = append(out.Assessments, apiAssessmentRecord{ID: a.ID, AssessedAt: a.AssessedAt, By: a.ActorName, RulesVersion: a.RulesVersion, Summary: a.Summary,
					Facts: json.RawMessage(a.Facts), Assessment: json.RawMessage(a.Result)})
			}
			return &body[apiAssessments]{Body: out}, nil
		})
	huma.Register(api, raw(op("POST", "/incidents/{id}/assessments", "recordAssessment", "assessment", "Record an assessment of the incident's facts; its obligations are then tracked", auth.WorkIncident, http.StatusCreated)),
		func(ctx context.Context, in *recordAssessmentInput) (*body[apiIncident], error) {
			f, err := facts.Parse(in.RawBody)
			if err != nil {
				return nil, s.apiErr(ctx, err)
			}
			raw, err := json.Marshal(f)
			if err != nil {
				return nil, s.apiErr(ctx, err)
			}
			if _, err := s.RecordAssessment(ctx, u(ctx), in.ID, f, string(raw)); err != nil {
				return nil, s.apiErr(ctx, err)
			}
			inc, _, err := s.Open(ctx, u(ctx), in.ID, auth.ReadAccess)
			return s.incidentAnswer(ctx, inc, err)
		})
	huma.Register(api, op("GET", "/incidents/{id}/obligations", "listObligations", "obligations", "The obligations of the latest assessment and what was done about each", auth.ViewIncident, 0),
		func(ctx context.Context, in *IncidentPath) (*body[apiObligations], error) {
			inc, _, err := s.Open(ctx, u(ctx), in.ID, auth.ReadAccess)
			if err != nil {
				return nil, s.apiErr(ctx, err)
			}
			out := apiObligations{Obligations: []apiObligation{}}
			for _, o := range inc.Obligations {
				out.Obligations = append(out.Obligations, toAPIObligation(o))
			}
			return &body[apiObligations]{Body: out}, nil
		})
	huma.Register(api, op("POST", "/incidents/{id}/obligations/{oid}", "recordObligation", "obligations", "Mark an obligation done, decide otherwise with the reason, or hand it back to the assessment", auth.WorkIncident, 0),
		func(ctx context.Context, in *obligationInput) (*body[apiObligation], error) {
			b := in.Body
			o, err := s.RecordObligation(ctx, u(ctx), in.ID, in.Obligation, app.ObligationChange{Op: app.ObligationOp(b.Op), At: b.At, Reference: b.Reference, Notify: b.Notify, Reason: b.Reason})
			if err != nil {
				return nil, s.apiErr(ctx, err)
			}
			return &body[apiObligation]{Body: toAPIObligation(o)}, nil
		})

	huma.Register(api, op("GET", "/incidents/{id}/review", "getReview", "review", "The review: what went well and badly, lessons, root causes, actions", auth.ViewIncident, 0),
		func(ctx context.Context, in *IncidentPath) (*body[apiReview], error) {
			ws, err := s.Workspace(ctx, u(ctx), in.ID)
			if err != nil {
				return nil, s.apiErr(ctx, err)
			}
			return &body[apiReview]{Body: toAPIReview(ws.Review)}, nil
		})
	huma.Register(api, op("PUT", "/incidents/{id}/review", "saveReview", "review", "Save what went well and badly and the lessons", auth.WorkIncident, 0),
		func(ctx context.Context, in *reviewInput) (*body[apiReview], error) {
			if err := s.SaveReview(ctx, u(ctx), in.ID, app.ReviewNotes{WentWell: in.Body.WentWell, WentBadly: in.Body.WentBadly, Lessons: in.Body.Lessons}); err != nil {
				return nil, s.apiErr(ctx, err)
			}
			ws, err := s.Workspace(ctx, u(ctx), in.ID)
			if err != nil {
				return nil, s.apiErr(ctx, err)
			}
			return &body[apiReview]{Body: toAPIReview(ws.Review)}, nil
		})
	huma.Register(api, op("POST", "/incidents/{id}/review/root-causes", "addRootCause", "review", "Record a root cause", auth.WorkIncident, http.StatusCreated),
		func(ctx context.Context, in *rootCauseInput) (*body[apiRootCause], error) {
			c, err := s.AddRootCause(ctx, u(ctx), incident.RootCause{IncidentID: in.ID, Category: in.Body.Category, Description: in.Body.Description})
			if err != nil {
				return nil, s.apiErr(ctx, err)
			}
			return &body[apiRootCause]{Body: apiRootCause{ID: c.ID, Category: c.Category, Description: c.Description}}, nil
		})
	huma.Register(api, op("POST", "/incidents/{id}/review/actions", "addReviewAction", "review", "Record an action the review decided, with its owner and due date", auth.WorkIncident, http.StatusCreated),
		func(ctx context.Context, in *reviewActionInput) (*body[apiAction], error) {
			a, err := s.AddReviewAction(ctx, u(ctx), incident.Action{IncidentID: in.ID, Title: in.Body.Title, OwnerID: in.Body.OwnerID, DueAt: in.Body.DueAt, Link: in.Body.Link})
			if err != nil {
				return nil, s.apiErr(ctx, err)
			}
			return &body[apiAction]{Body: toAPIAction(a)}, nil
		})
	huma.Register(api, op("PATCH", "/incidents/{id}/review/actions/{aid}", "setReviewAction", "review", "Mark a review action done, or open it again", auth.WorkIncident, 0),
		func(ctx context.Context, in *reviewActionDoneInput) (*body[apiAction], error) {
			a, err := s.SetReviewActionDone(ctx, u(ctx), in.ID, in.Action, in.Body.Done)
			if err != nil {
				return nil, s.apiErr(ctx, err)
			}
			return &body[apiAction]{Body: toAPIAction(a)}, nil
		})

	huma.Register(api, op("GET", "/incidents/{id}/notices/{kind}", "getNotice", "notices", "A report or notice written from the incident, with the checks it fails", auth.ViewIncident, 0),
		func(ctx context.Context, in *noticeInput) (*body[apiNotice], error) {
			n, err := s.Notice(ctx, u(ctx), in.ID, notice.Kind(in.Kind), app.NoticeOptions{PersonID: in.Person, Stage: in.Stage, Previous: in.Previous, Phase: in.Phase})
			if err != nil {
				return nil, s.apiErr(ctx, err)
			}
			out := apiNotice{Kind: in.Kind, Title: n.Doc.Title, Text: n.Doc.Text(78), Findings: []apiFinding{}, Blocking: n.Blocking()}
			for _, f := range n.Findings {
				out.Findings = append(out.Findings, apiFinding{Check: f.Check, Severity: string(f.Severity), Section: f.Section, Message: f.Message})
			}
			return &body[apiNotice]{Body: out}, nil
		})
	huma.Register(api, op("GET", "/incidents/{id}/notice-text", "getNoticeText", "notices", "What every notice of the incident says, as the team wrote it", auth.ViewIncident, 0),
		func(ctx context.Context, in *IncidentPath) (*body[apiNoticeText], error) {
			t, err := s.NoticeText(ctx, u(ctx), in.ID)
			if err != nil {
				return nil, s.apiErr(ctx, err)
			}
			return &body[apiNoticeText]{Body: toAPINoticeText(t)}, nil
		})
	huma.Register(api, op("PUT", "/incidents/{id}/notice-text", "saveNoticeText", "notices", "Write what every notice says: what happened, the steps taken, the advice", auth.WorkIncident, 0),
		func(ctx context.Context, in *noticeTextInput) (*body[apiNoticeText], error) {
			if err := s.SaveNoticeText(ctx, u(ctx), in.ID, notice.Text{WhatHappened: in.Body.WhatHappened, Steps: in.Body.Steps, Advice: in.Body.Advice}); err != nil {
				return nil, s.apiErr(ctx, err)
			}
			t, err := s.NoticeText(ctx, u(ctx), in.ID)
			if err != nil {
				return nil, s.apiErr(ctx, err)
			}
			return &body[apiNoticeText]{Body: toAPINoticeText(t)}, nil
		})
	huma.Register(api, op("POST", "/incidents/{id}/notices/public/publish", "publishNotice", "notices", "Publish the public notice at a stable address", auth.WorkIncident, http.StatusCreated),
		func(ctx context.Context, in *publishInput) (*body[apiPublished], error) {
			var req app.PublishRequest
			if in.Body != nil {
				req = app.PublishRequest{Override: in.Body.Override, NotDirect: in.Body.NotDirect}
			}
			p, err := s.PublishNotice(ctx, u(ctx), in.ID, req)
			if err != nil {
				return nil, s.apiErr(ctx, err)
			}
			return &body[apiPublished]{Body: apiPublished{URL: s.BaseURL + "/notices/" + p.Slug, Slug: p.Slug, Title: p.Title}}, nil
		})

	huma.Register(api, op("GET", "/incidents/{id}/people", "listPeople", "people", "The people to notify (decrypted)", auth.WorkIncident, 0),
		func(ctx context.Context, in *IncidentPath) (*body[apiPeople], error) {
			ps, err := s.People(ctx, u(ctx), in.ID)
			if err != nil {
				return nil, s.apiErr(ctx, err)
			}
			out := apiPeople{People: []apiPerson{}}
			for _, p := range ps {
				out.People = append(out.People, apiPerson{ID: p.ID, Name: p.Name, Email: p.Email, Phone: p.Phone, Address: p.Address, Jurisdiction: p.Jurisdiction,
					Elements: p.Elements, AtRisk: p.AtRisk, Source: p.Source})
			}
			return &body[apiPeople]{Body: out}, nil
		})
	importOp := raw(op("POST", "/incidents/{id}/people", "importPeople", "people", "Add a contact list (CSV) to the people to notify", auth.WorkIncident, http.StatusCreated))
	importOp.MaxBodyBytes = formLimit
	huma.Register(api, importOp, func(ctx context.Context, in *importPeopleInput) (*body[apiAtRisk], error) {
		n, err := s.ImportPeople(ctx, u(ctx), in.ID, strings.NewReader(string(in.RawBody)))
		if err != nil {
			return nil, s.apiErr(ctx, err)
		}
		return &body[apiAtRisk]{Body: apiAtRisk{Total: n}}, nil
	})
	huma.Register(api, op("POST", "/incidents/{id}/people/at-risk", "markAtRisk", "people", "Mark as at risk everyone whose exposed information includes one of the kinds", auth.WorkIncident, 0),
		func(ctx context.Context, in *atRiskInput) (*body[apiAtRisk], error) {
			n, total, err := s.MarkAtRisk(ctx, u(ctx), in.ID, in.Body.Categories)
			if err != nil {
				return nil, s.apiErr(ctx, err)
			}
			return &body[apiAtRisk]{Body: apiAtRisk{AtRisk: n, Total: total}}, nil
		})

	scanOp := op("POST", "/incidents/{id}/scans", "startScan", "scans", "Scan exposed files (multipart: file, or folder on the server)", auth.WorkIncident, http.StatusAccepted)
	scanOp.MaxBodyBytes = s.MaxScanUpload + formLimit
	huma.Register(api, scanOp, func(ctx context.Context, in *scanInput) (*body[apiScan], error) {
		f := in.RawBody.Data()
		var r io.Reader
		if f.File.IsSet {
			r = f.File
		}
		j, err := s.StartScan(ctx, u(ctx), in.ID, f.Folder, r, f.File.Filename)
		if err != nil {
			return nil, s.apiErr(ctx, err)
		}
		return &body[apiScan]{Body: apiScan{ID: j.ID, Label: j.Label, State: string(j.State), CreatedAt: j.CreatedAt}}, nil
	})
	huma.Register(api, op("GET", "/incidents/{id}/scans/{jid}", "getScan", "scans", "A scan's progress and, once done, what the files hold", auth.ViewIncident, 0),
		func(ctx context.Context, in *scanPath) (*body[apiScan], error) {
			_, j, err := s.Scan(ctx, u(ctx), in.ID, in.Scan, auth.ReadAccess)
			if err != nil {
				return nil, s.apiErr(ctx, err)
			}
			out := apiScan{ID: j.ID, Label: j.Label, State: string(j.State), Percent: j.Percent(), Parts: j.Parts, PartsDone: j.PartsDone, Error: j.Error, CreatedAt: j.CreatedAt, FinishedAt: j.FinishedAt}
			if j.Result != "" {
				out.Result = json.RawMessage(j.Result)
			}
			return &body[apiScan]{Body: out}, nil
		})

	huma.Register(api, op("POST", "/incidents/{id}/dossier", "exportDossier", "incidents", "The incident's record (review and notices given included); the export is recorded", auth.ExportIncident, 0),
		func(ctx context.Context, in *dossierInput) (*body[json.RawMessage], error) {
			d, err := s.Dossier(ctx, u(ctx), in.ID, "JSON")
			if err != nil {
				return nil, s.apiErr(ctx, err)
			}
			b, err := json.Marshal(d)
			if err != nil {
				return nil, s.apiErr(ctx, err)
			}
			return &body[json.RawMessage]{Body: b}, nil
		})

	huma.Register(api, op("GET", "/work", "workQueue", "work", "The caller's work across incidents: overdue, due in 24 hours, and theirs", auth.ViewIncident, 0),
		func(ctx context.Context, _ *struct{}) (*body[apiQueue], error) {
			q, err := s.Queue(ctx, u(ctx))
			if err != nil {
				return nil, s.apiErr(ctx, err)
			}
			conv := func(items []app.WorkItem) []apiWorkItem {
				out := make([]apiWorkItem, 0, len(items))
				for _, it := range items {
					out = append(out, apiWorkItem{Kind: string(it.Kind), Incident: it.Inc.Ref(), Text: it.Text, Due: it.Due, Mine: it.Mine, Step: string(it.Step), ID: it.ID, Link: workLink(it)})
				}
				return out
			}
			return &body[apiQueue]{Body: apiQueue{Overdue: conv(q.Overdue), Soon: conv(q.Soon), Mine: conv(q.Mine)}}, nil
		})
	huma.Register(api, op("GET", "/organisation", "getOrganisation", "organisation", "The organisation's settings", auth.ViewIncident, 0),
		func(ctx context.Context, _ *struct{}) (*body[apiOrganisation], error) {
			o, err := s.Organisation(ctx)
			if err != nil {
				return nil, s.apiErr(ctx, err)
			}
			return &body[apiOrganisation]{Body: toAPIOrganisation(o)}, nil
		})
	huma.Register(api, op("PUT", "/organisation", "saveOrganisation", "organisation", "Change the organisation's settings (administrators)", auth.ManageOrg, 0),
		func(ctx context.Context, in *body[apiOrganisation]) (*body[apiOrganisation], error) {
			b := in.Body
			o, err := s.SaveSettings(ctx, u(ctx), org.Organisation{Name: b.Name, ContactName: b.ContactName, ContactTitle: b.ContactTitle, ContactEmail: b.ContactEmail,
				ContactPhone: b.ContactPhone, NZBN: b.NZBN, ABN: b.ABN, Sector: b.Sector, Industry: b.Industry, Laws: b.Laws, TimeZone: b.TimeZone, RetentionYears: b.RetentionYears})
			if err != nil {
				return nil, s.apiErr(ctx, err)
			}
			return &body[apiOrganisation]{Body: toAPIOrganisation(o)}, nil
		})
	huma.Register(api, raw(op("POST", "/assess", "assess", "assessment", "Assess a facts document under each law, storing nothing", auth.ViewIncident, 0)),
		func(ctx context.Context, in *assessInput) (*body[json.RawMessage], error) {
			f, err := facts.Parse(in.RawBody)
			if err != nil {
				return nil, s.apiErr(ctx, err)
			}
			b, err := json.Marshal(s.Assess(f))
			if err != nil {
				return nil, s.apiErr(ctx, err)
			}
			return &body[json.RawMessage]{Body: b}, nil
		})
}

func toAPINoticeText(t notice.Text) apiNoticeText {
	out := apiNoticeText{WhatHappened: t.WhatHappened, Steps: t.Steps, Advice: t.Advice, UpdatedAt: t.UpdatedAt, UpdatedBy: t.UpdatedBy}
	if out.Steps == nil {
		out.Steps = []string{}
	}
	if out.Advice == nil {
		out.Advice = []string{}
	}
	return out
}

func toAPIOrganisation(o org.Organisation) apiOrganisation {
	laws := o.Laws
	if laws == nil {
		laws = []string{}
	}
	return apiOrganisation{Name: o.Name, ContactName: o.ContactName, ContactTitle: o.ContactTitle, ContactEmail: o.ContactEmail, ContactPhone: o.ContactPhone,
		NZBN: o.NZBN, ABN: o.ABN, Sector: o.Sector, Industry: o.Industry, Laws: laws, TimeZone: o.TimeZone, RetentionYears: o.Retention()}
}

// rolesWith names the roles that hold permission p, for the document.
func rolesWith(p auth.Permission) string {
	var names []string
	for _, r := range auth.Roles {
		if (&auth.User{Role: r}).Can(p) {
			names = append(names, r.Label())
		}
	}
	return strings.Join(names, ", ")
}
