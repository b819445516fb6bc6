// Package dossier gathers everything recorded about one incident into the
// document a privacy officer hands to a regulator or the board: as JSON for
// other systems and as a PDF for people.
package dossier

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/breachdesk/breachdesk/internal/audit"
	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/incident"
	"github.com/breachdesk/breachdesk/internal/notice"
	"github.com/breachdesk/breachdesk/internal/org"
)

// Schema names the dossier format so readers can tell versions apart.
const Schema = "breachdesk/dossier/v1"

// Dossier is the exported record of one incident.
type Dossier struct {
	Schema       string        `json:"schema"`
	ExportedAt   time.Time     `json:"exported_at"`
	Organisation Organisation  `json:"organisation"`
	Incident     Incident      `json:"incident"`
	Clocks       []Clock       `json:"clocks"`
	Steps        []Step        `json:"steps"`
	Tasks        []Task        `json:"tasks"`
	Timeline     []Entry       `json:"timeline"`
	Evidence     []Evidence    `json:"evidence"`
	Participants []Participant `json:"participants"`
	Decisions    []Entry       `json:"decisions"`
	// Facts is the facts document (spec/facts.schema.json) as last assessed.
	Facts       json.RawMessage `json:"facts"`
	Obligations []Obligation    `json:"obligations"`
	Assessments []Assessment    `json:"assessments"`
	// Notices are the notices given: to regulators and people (the
	// obligations marked done, with their references), published public
	// notices and the campaigns that sent notices to people.
	Notices []NoticeGiven `json:"notices"`
	// Review is what was learned: causes, lessons and actions.
	Review Review       `json:"review"`
	Audit  []AuditEntry `json:"audit"`
	// RetainUntil is when the record may be destroyed: the organisation's
	// retention period after closing; nil while open.
	RetainUntil *time.Time `json:"retain_until,omitempty"`
	timeZone    *time.Location
}

// NoticeGiven is one notice that went out.
type NoticeGiven struct {
	// To is who was told: a regulator, the people, the public.
	To     string    `json:"to"`
	Law    string    `json:"law,omitempty"`
	At     time.Time `json:"at"`
	By     string    `json:"by,omitempty"`
	Detail string    `json:"detail"`
}

// Review is the incident's review.
type Review struct {
	WentWell   string      `json:"went_well,omitempty"`
	WentBadly  string      `json:"went_badly,omitempty"`
	Lessons    string      `json:"lessons,omitempty"`
	RootCauses []RootCause `json:"root_causes"`
	Actions    []Action    `json:"actions"`
}

// RootCause is one cause found in review.
type RootCause struct {
	Category    string `json:"category"`
	Description string `json:"description"`
}

// Action is something the review decided to change.
type Action struct {
	Title string     `json:"title"`
	Owner string     `json:"owner"`
	Due   *time.Time `json:"due,omitempty"`
	Link  string     `json:"changes,omitempty"`
	Done  *time.Time `json:"done,omitempty"`
}

// Organisation is who the dossier is from.
type Organisation struct {
	Name    string   `json:"name"`
	Contact string   `json:"contact"`
	Email   string   `json:"email"`
	Phone   string   `json:"phone,omitempty"`
	NZBN    string   `json:"nzbn,omitempty"`
	ABN     string   `json:"abn,omitempty"`
	Laws    []string `json:"subject_to"`
}

// Incident holds the facts as reported and triaged.
type Incident struct {
	ID             int64      `json:"id"`
	Ref            string     `json:"ref"`
	Title          string     `json:"title"`
	Kind           string     `json:"kind"`
	Status         string     `json:"status"`
	Severity       string     `json:"severity,omitempty"`
	ReportedBy     string     `json:"reported_by"`
	Owner          string     `json:"owner,omitempty"`
	WhatHappened   string     `json:"what_happened"`
	OccurredAt     *time.Time `json:"occurred_at,omitempty"`
	DiscoveredAt   time.Time  `json:"discovered_at"`
	Ongoing        string     `json:"ongoing"`
	DataCategories []string   `json:"data_categories"`
	PeopleCount    *int       `json:"people_count,omitempty"`
	Cause          string     `json:"cause,omitempty"`
	HowItHappened  string     `json:"how_it_happened,omitempty"`
	WhereItWent    string     `json:"where_it_went,omitempty"`
	Recipient      string     `json:"recipient,omitempty"`
	ActionsTaken   string     `json:"actions_taken,omitempty"`
	Escalated      bool       `json:"escalated"`
	EscalatedAt    *time.Time `json:"escalated_at,omitempty"`
	ReportedAt     time.Time  `json:"reported_at"`
	ClosedAt       *time.Time `json:"closed_at,omitempty"`
	CloseReason    string     `json:"close_reason,omitempty"`
}

// Clock is a deadline and whether it was met.
type Clock struct {
	Name  string     `json:"name"`
	Basis string     `json:"basis"`
	Due   time.Time  `json:"due"`
	MetAt *time.Time `json:"met_at,omitempty"`
	Late  bool       `json:"late"`
}

// Step is the progress of one response step.
type Step struct {
	Step      string     `json:"step"`
	State     string     `json:"state"`
	StartedAt *time.Time `json:"started_at,omitempty"`
	DoneAt    *time.Time `json:"done_at,omitempty"`
}

// Task is one checklist item.
type Task struct {
	Step     string     `json:"step"`
	Title    string     `json:"title"`
	Done     bool       `json:"done"`
	DoneAt   *time.Time `json:"done_at,omitempty"`
	DoneBy   string     `json:"done_by,omitempty"`
	Assignee string     `json:"assignee,omitempty"`
	DueAt    *time.Time `json:"due_at,omitempty"`
}

// Entry is one timeline line.
type Entry struct {
	At   time.Time `json:"at"`
	Kind string    `json:"kind"`
	By   string    `json:"by"`
	Text string    `json:"text"`
}

// Evidence describes an attached file; the file itself is not included.
type Evidence struct {
	Filename    string    `json:"filename"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	Description string    `json:"description,omitempty"`
	UploadedBy  string    `json:"uploaded_by"`
	UploadedAt  time.Time `json:"uploaded_at"`
}

// Participant is a member of the response.
type Participant struct {
	Name string `json:"name"`
	Role string `json:"role"`
}

// Obligation is one obligation and what was done about it.
type Obligation struct {
	Regime       string     `json:"regime"`
	Audience     string     `json:"audience"`
	Citation     string     `json:"citation"`
	Decision     string     `json:"decision"`
	Due          *time.Time `json:"due,omitempty"`
	Target       *time.Time `json:"target,omitempty"`
	Status       string     `json:"status"`
	StatusReason string     `json:"status_reason,omitempty"`
	Reference    string     `json:"reference,omitempty"`
	DoneAt       *time.Time `json:"done_at,omitempty"`
	DecidedBy    string     `json:"decided_by,omitempty"`
}

// Assessment is one recorded run of the law engine, with its inputs and output.
type Assessment struct {
	AssessedAt   time.Time       `json:"assessed_at"`
	By           string          `json:"by"`
	RulesVersion string          `json:"rules_version"`
	Summary      string          `json:"summary"`
	Facts        json.RawMessage `json:"facts"`
	Result       json.RawMessage `json:"result"`
}

// AuditEntry is one entry of the hash-chained log about this incident.
type AuditEntry struct {
	Seq      int64     `json:"seq"`
	At       time.Time `json:"at"`
	Actor    string    `json:"actor"`
	Action   string    `json:"action"`
	Object   string    `json:"object"`
	Details  string    `json:"details"`
	PrevHash string    `json:"prev_hash"`
	Hash     string    `json:"hash"`
}

// Source is what a dossier is collected from.
type Source interface {
	incident.Records
	incident.TaskStore
	incident.TimelineStore
	incident.EvidenceStore
	incident.TeamStore
	incident.AssessmentStore
	incident.ReviewStore
	audit.Store
	org.Store
	// PublishedFor lists the incident's published public notices
	// (notice.Store).
	PublishedFor(ctx context.Context, incidentID int64) ([]notice.Published, error)
}

// Collect reads everything about one incident.
func Collect(ctx context.Context, src Source, id int64, now time.Time) (*Dossier, error) {
	inc, err := src.Incident(ctx, id)
	if err != nil {
		return nil, err
	}
	o, err := src.Organisation(ctx)
	if fault.CodeOf(err) == fault.NotFound { // before setup: no organisation yet
		o, err = org.Organisation{TimeZone: "UTC"}, nil
	}
	if err != nil {
		return nil, err
	}
	tasks, err := src.Tasks(ctx, id)
	if err != nil {
		return nil, err
	}
	tl, err := src.Timeline(ctx, id)
	if err != nil {
		return nil, err
	}
	ev, err := src.EvidenceList(ctx, id)
	if err != nil {
		return nil, err
	}
	parts, err := src.Participants(ctx, id)
	if err != nil {
		return nil, err
	}
	au, err := src.AuditForIncident(ctx, id)
	if err != nil {
		return nil, err
	}
	as, err := src.Assessments(ctx, id)
	if err != nil {
		return nil, err
	}
	rv, err := src.Review(ctx, id)
	if err != nil {
		return nil, err
	}
	pub, err := src.PublishedFor(ctx, id)
	if err != nil {
		return nil, err
	}
	d := Build(o, inc, tasks, tl, ev, parts, au, now)
	d.Review = reviewOf(rv)
	for _, p := range pub {
		d.Notices = append(d.Notices, NoticeGiven{To: "the public", At: p.PublishedAt, By: p.PublishedBy, Detail: "Public notice \"" + p.Title + "\" published at /notices/" + p.Slug + "."})
	}
	for _, a := range as {
		d.Assessments = append(d.Assessments, Assessment{AssessedAt: a.AssessedAt, By: a.ActorName, RulesVersion: a.RulesVersion, Summary: a.Summary,
			Facts: json.RawMessage(a.Facts), Result: json.RawMessage(a.Result)})
	}
	return d, nil
}

func reviewOf(rv incident.ReviewRecord) Review {
	r := Review{WentWell: rv.WentWell, WentBadly: rv.WentBadly, Lessons: rv.Lessons, RootCauses: []RootCause{}, Actions: []Action{}}
	for _, c := range rv.RootCauses {
		r.RootCauses = append(r.RootCauses, RootCause{Category: incident.LabelOf(incident.CauseCategories, c.Category), Description: c.Description})
	}
	for _, a := range rv.Actions {
		r.Actions = append(r.Actions, Action{Title: a.Title, Owner: a.OwnerName, Due: a.DueAt, Link: a.Link, Done: a.DoneAt})
	}
	return r
}

// Build assembles a dossier from what was read.
func Build(o org.Organisation, inc *incident.Incident, tasks []incident.Task, tl []incident.Entry, ev []incident.Evidence,
	parts []incident.Participant, au []audit.Entry, now time.Time) *Dossier {
	r := inc.Report
	d := &Dossier{Schema: Schema, ExportedAt: now, timeZone: o.Location(),
		Organisation: Organisation{Name: o.Name, Contact: o.ContactName, Email: o.ContactEmail, Phone: o.ContactPhone, NZBN: o.NZBN, ABN: o.ABN, Laws: o.Laws},
		Incident: Incident{ID: inc.ID, Ref: inc.Ref(), Title: inc.Title, Kind: string(inc.Kind), Status: string(inc.Status), Severity: string(inc.Severity),
			ReportedBy: inc.ReporterName, Owner: inc.OwnerName, WhatHappened: r.WhatHappened, OccurredAt: r.OccurredAt, DiscoveredAt: r.DiscoveredAt,
			Ongoing: r.Ongoing, DataCategories: r.DataCategories, PeopleCount: r.PeopleCount, Cause: r.Cause, HowItHappened: r.HowItHappened,
			WhereItWent: r.WhereItWent, Recipient: r.Recipient, ActionsTaken: r.ActionsTaken, Escalated: inc.Escalated, EscalatedAt: inc.EscalatedAt,
			ReportedAt: inc.CreatedAt, ClosedAt: inc.ClosedAt, CloseReason: inc.CloseReason},
		Clocks: []Clock{}, Steps: []Step{}, Tasks: []Task{}, Timeline: []Entry{}, Evidence: []Evidence{}, Participants: []Participant{}, Decisions: []Entry{}, Audit: []AuditEntry{},
		Facts: json.RawMessage("null"), Obligations: []Obligation{}, Assessments: []Assessment{}, Notices: []NoticeGiven{},
		Review: Review{RootCauses: []RootCause{}, Actions: []Action{}},
	}
	if inc.ClosedAt != nil {
		keep := inc.ClosedAt.AddDate(o.Retention(), 0, 0)
		d.RetainUntil = &keep
	}
	if d.Incident.DataCategories == nil {
		d.Incident.DataCategories = []string{}
	}
	for _, c := range inc.Clocks(o.Laws) {
		d.Clocks = append(d.Clocks, Clock{Name: c.Name, Basis: c.Basis, Due: c.Due, MetAt: c.MetAt, Late: c.Overdue(now)})
	}
	for _, st := range incident.AllSteps {
		p := inc.Steps[st]
		d.Steps = append(d.Steps, Step{Step: string(st), State: string(p.State), StartedAt: p.StartedAt, DoneAt: p.DoneAt})
	}
	for _, t := range tasks {
		d.Tasks = append(d.Tasks, Task{Step: string(t.Step), Title: t.Title, Done: t.Done, DoneAt: t.DoneAt, DoneBy: t.DoneBy, Assignee: t.AssigneeName, DueAt: t.DueAt})
	}
	for _, e := range tl {
		x := Entry{At: e.At, Kind: string(e.Kind), By: e.ActorName, Text: e.Text}
		d.Timeline = append(d.Timeline, x)
		if e.Kind == incident.EntryDecision {
			d.Decisions = append(d.Decisions, x)
		}
	}
	for _, e := range ev {
		d.Evidence = append(d.Evidence, Evidence{Filename: e.Filename, ContentType: e.ContentType, Size: e.Size, SHA256: e.SHA256, Description: e.Description, UploadedBy: e.UploadedBy, UploadedAt: e.UploadedAt})
	}
	for _, p := range parts {
		d.Participants = append(d.Participants, Participant{Name: p.Name, Role: p.Role})
	}
	if inc.Facts != "" {
		d.Facts = json.RawMessage(inc.Facts)
	}
	for _, o := range inc.Obligations {
		if o.Status == incident.ObligationDone && o.DoneAt != nil && o.Audience != "record" {
			d.Notices = append(d.Notices, NoticeGiven{To: strings.ToLower(o.AudienceLabel()), Law: incident.RegimeLabel(o.Regime), At: *o.DoneAt, By: o.DecidedBy,
				Detail: o.Citation + "; reference: " + o.Reference})
		}
		d.Obligations = append(d.Obligations, Obligation{Regime: o.Regime, Audience: o.Audience, Citation: o.Citation, Decision: o.Decision,
			Due: o.DueAt, Target: o.TargetAt, Status: string(o.Status), StatusReason: o.StatusReason, Reference: o.Reference, DoneAt: o.DoneAt, DecidedBy: o.DecidedBy})
	}
	for _, a := range au {
		d.Audit = append(d.Audit, AuditEntry{Seq: a.Seq, At: a.At, Actor: a.Actor, Action: a.Action, Object: a.Object, Details: a.Details, PrevHash: a.PrevHash, Hash: a.Hash})
	}
	return d
}
