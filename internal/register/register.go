// Package register is the organisation's breach register: every breach
// and near miss, notified or not, with its facts, effects and remedial
// action (GDPR art 33(5); what OPC, OAIC and OVIC expect an organisation
// to keep). It exports to CSV, JSON and PDF and imports JSON, so a
// register kept elsewhere can be brought in and an export round-trips.
package register

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/incident"
)

// Schema names the JSON format.
const Schema = "breachdesk/register/v1"

// Entry is one line of the register.
type Entry struct {
	Ref            string         `json:"ref"`
	Title          string         `json:"title"`
	Kind           string         `json:"kind"`
	Status         string         `json:"status"`
	Severity       string         `json:"severity"`
	OccurredAt     *time.Time     `json:"occurred_at,omitempty"`
	DiscoveredAt   time.Time      `json:"discovered_at"`
	ReportedAt     time.Time      `json:"reported_at"`
	ContainedAt    *time.Time     `json:"contained_at,omitempty"`
	ClosedAt       *time.Time     `json:"closed_at,omitempty"`
	CloseReason    string         `json:"close_reason,omitempty"`
	WhatHappened   string         `json:"what_happened"`
	Categories     []string       `json:"data_categories"`
	PeopleCount    *int           `json:"people_count,omitempty"`
	Cause          string         `json:"cause,omitempty"`
	Recipient      string         `json:"recipient,omitempty"`
	WhereItWent    string         `json:"where_it_went,omitempty"`
	Effects        string         `json:"effects,omitempty"` // risk of harm and its reasons, in words
	RemedialAction string         `json:"remedial_action,omitempty"`
	Notifications  []Notification `json:"notifications"`
	RootCauses     []RootCause    `json:"root_causes"`
	Lessons        string         `json:"lessons,omitempty"`
}

// Notification is what was decided and done about one obligation.
type Notification struct {
	Regime    string     `json:"regime"`
	Audience  string     `json:"audience"`
	Decision  string     `json:"decision"`
	Status    string     `json:"status"`
	DoneAt    *time.Time `json:"done_at,omitempty"`
	Reference string     `json:"reference,omitempty"`
	Reason    string     `json:"reason,omitempty"`
}

// RootCause is one cause found in review.
type RootCause struct {
	Category    string `json:"category"`
	Description string `json:"description"`
}

// Document is the whole register as exported.
type Document struct {
	Schema       string    `json:"schema"`
	Organisation string    `json:"organisation"`
	ExportedAt   time.Time `json:"exported_at"`
	Entries      []Entry   `json:"entries"`
	// Location is the organisation's time zone, which the PDF's times are
	// written in (UTC when nil); the JSON keeps UTC.
	Location *time.Location `json:"-"`
}

// FromIncident builds a register entry from an incident and its review.
// effects is the latest assessment's risk of harm in words ("" if none).
func FromIncident(inc *incident.Incident, rv incident.ReviewRecord, effects string) Entry {
	r := inc.Report
	e := Entry{Ref: inc.Ref(), Title: inc.Title, Kind: string(inc.Kind), Status: string(inc.Status), Severity: string(inc.Severity),
		OccurredAt: r.OccurredAt, DiscoveredAt: r.DiscoveredAt.UTC(), ReportedAt: inc.CreatedAt.UTC(), ContainedAt: inc.Steps[incident.Contain].DoneAt,
		ClosedAt: inc.ClosedAt, CloseReason: inc.CloseReason, WhatHappened: r.WhatHappened, Categories: r.DataCategories, PeopleCount: r.PeopleCount,
		Cause: r.Cause, Recipient: r.Recipient, WhereItWent: r.WhereItWent, Effects: effects, RemedialAction: r.ActionsTaken,
		Notifications: []Notification{}, RootCauses: []RootCause{}, Lessons: rv.Lessons}
	if e.Categories == nil {
		e.Categories = []string{}
	}
	for _, o := range inc.Obligations {
		e.Notifications = append(e.Notifications, Notification{Regime: o.Regime, Audience: o.Audience, Decision: o.Decision, Status: string(o.Status),
			DoneAt: o.DoneAt, Reference: o.Reference, Reason: o.StatusReason})
	}
	for _, c := range rv.RootCauses {
		e.RootCauses = append(e.RootCauses, RootCause{Category: c.Category, Description: c.Description})
	}
	return e
}

// WriteJSON writes the register document.
func (d Document) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(d)
}

// MaxImportBytes bounds a register file read by ReadJSON.
const MaxImportBytes = 64 << 20

// ReadJSON reads a register document, refusing unknown fields and
// entries a register cannot hold, naming the entry.
func ReadJSON(r io.Reader) (Document, error) {
	var d Document
	lr := &io.LimitedReader{R: r, N: MaxImportBytes + 1}
	dec := json.NewDecoder(lr)
	dec.DisallowUnknownFields()
	err := dec.Decode(&d)
	if lr.N <= 0 {
		return d, fault.Errorf(fault.TooLarge, "The register file is larger than %d MB; split it and import each part.", MaxImportBytes>>20)
	}
	if err != nil {
		return d, fault.Errorf(fault.Invalid, "The register file could not be read: %v.", err)
	}
	if d.Schema != Schema {
		return d, fault.Errorf(fault.Invalid, "The file is not a breachdesk register (schema %q, want %q).", d.Schema, Schema)
	}
	for i, e := range d.Entries {
		if err := e.validate(); err != nil {
			return d, fault.Errorf(fault.Invalid, "Entry %d (%s): %s", i+1, e.Ref, err)
		}
	}
	return d, nil
}

func (e Entry) validate() error {
	switch {
	case strings.TrimSpace(e.Title) == "":
		return fmt.Errorf("the title is empty")
	case e.DiscoveredAt.IsZero():
		return fmt.Errorf("discovered_at is missing")
	case e.Kind != "breach" && e.Kind != "near_miss" && e.Kind != "not_breach":
		return fmt.Errorf("kind must be breach, near_miss or not_breach")
	case e.Status != "reported" && e.Status != "open" && e.Status != "closed":
		return fmt.Errorf("status must be reported, open or closed")
	}
	return nil
}

// CSVHeader are the register's columns, in order.
var CSVHeader = []string{"ref", "title", "kind", "status", "severity", "occurred_at", "discovered_at", "reported_at", "contained_at", "closed_at",
	"close_reason", "what_happened", "data_categories", "people_count", "cause", "recipient", "where_it_went", "effects", "remedial_action",
	"notifications", "root_causes", "lessons"}

func tsv(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// Row is an entry as CSV fields. Lists are joined with "; ", and each
// notification written regime/audience: decision, status, done date, reference, reason.
func (e Entry) Row() []string {
	people := ""
	if e.PeopleCount != nil {
		people = strconv.Itoa(*e.PeopleCount)
	}
	var ns, cs []string
	for _, n := range e.Notifications {
		ns = append(ns, strings.Join([]string{n.Regime + "/" + n.Audience, n.Decision, n.Status, tsv(n.DoneAt), n.Reference, n.Reason}, " | "))
	}
	for _, c := range e.RootCauses {
		cs = append(cs, c.Category+": "+c.Description)
	}
	disc, rep := e.DiscoveredAt, e.ReportedAt
	return []string{e.Ref, e.Title, e.Kind, e.Status, e.Severity, tsv(e.OccurredAt), tsv(&disc), tsv(&rep), tsv(e.ContainedAt), tsv(e.ClosedAt),
		e.CloseReason, e.WhatHappened, strings.Join(e.Categories, "; "), people, e.Cause, e.Recipient, e.WhereItWent, e.Effects, e.RemedialAction,
		strings.Join(ns, "; "), strings.Join(cs, "; "), e.Lessons}
}

// WriteCSV writes the register as CSV for spreadsheets. Cells that a
// spreadsheet would run as a formula are prefixed with an apostrophe.
func (d Document) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	for _, e := range d.Entries {
		row := e.Row()
		for i, c := range row {
			if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
				row[i] = "'" + c
			}
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
