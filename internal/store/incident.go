package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/incident"
)

// incidentColumns selects an incident with its steps. The steps come
// folded into the last column, each "step state started done" ("-" for no
// time), so that a page of incidents is one query: reading them as rows of
// their own cost more than the incidents themselves, as SQLite's driver
// pays for every value it hands over.
func incidentColumns(d *dialect) string {
	return `i.id, i.title, i.kind, i.status, i.triaged, i.severity, i.near_miss, i.what_happened, i.occurred_at,
 i.discovered_at, i.ongoing, i.data_categories, i.people_count, i.cause, i.how_it_happened, i.where_it_went, i.recipient,
 i.actions_taken, i.reporter_id, COALESCE(i.owner_id, 0), i.escalated, i.escalated_at, i.closed_at, i.close_reason,
 i.created_at, i.updated_at, COALESCE(r.name, ''), COALESCE(o.name, ''), i.facts, COALESCE(i.exercise_id, 0),
 (SELECT ` + d.stringAgg + `(s.step || ' ' || s.state || ' ' || COALESCE(s.started_at, '-') || ' ' || COALESCE(s.done_at, '-'), ' ')
  FROM incident_steps s WHERE s.incident_id = i.id)`
}

const incidentFrom = ` FROM incidents i LEFT JOIN users r ON r.id = i.reporter_id LEFT JOIN users o ON o.id = i.owner_id`

type scanner interface{ Scan(...any) error }

func scanIncident(s scanner) (*incident.Incident, error) {
	var i incident.Incident
	var occurred, escalated, closed, steps sql.NullString
	var discovered, cats, created, updated string
	var people sql.NullInt64
	err := s.Scan(&i.ID, &i.Title, &i.Kind, &i.Status, &i.Triaged, &i.Severity, &i.Report.NearMiss, &i.Report.WhatHappened,
		&occurred, &discovered, &i.Report.Ongoing, &cats, &people, &i.Report.Cause, &i.Report.HowItHappened,
		&i.Report.WhereItWent, &i.Report.Recipient, &i.Report.ActionsTaken, &i.ReporterID, &i.OwnerID, &i.Escalated,
		&escalated, &closed, &i.CloseReason, &created, &updated, &i.ReporterName, &i.OwnerName, &i.Facts, &i.ExerciseID, &steps)
	if err != nil {
		return nil, err
	}
	i.Report.OccurredAt = parseNTS(occurred)
	i.Report.DiscoveredAt = parseTS(discovered)
	i.Report.DataCategories = splitList(cats)
	if people.Valid {
		n := int(people.Int64)
		i.Report.PeopleCount = &n
	}
	i.EscalatedAt, i.ClosedAt = parseNTS(escalated), parseNTS(closed)
	i.CreatedAt, i.UpdatedAt = parseTS(created), parseTS(updated)
	if i.Steps, err = parseSteps(steps.String); err != nil {
		return nil, fmt.Errorf("incident %d: %w", i.ID, err)
	}
	return &i, nil
}

// parseSteps reads the steps incidentColumns folds into one column; a
// step without a row stays pending.
func parseSteps(s string) (incident.Steps, error) {
	steps := incident.NewSteps()
	f := strings.Fields(s)
	if len(f)%4 != 0 {
		return nil, fmt.Errorf("steps read as %q", s)
	}
	at := func(v string) *time.Time {
		if v == "-" {
			return nil
		}
		t := parseTS(v)
		return &t
	}
	for k := 0; k < len(f); k += 4 {
		steps[incident.Step(f[k])] = incident.StepProgress{State: incident.StepState(f[k+1]), StartedAt: at(f[k+2]), DoneAt: at(f[k+3])}
	}
	return steps, nil
}

func peopleArg(n *int) any {
	if n == nil {
		return nil
	}
	return *n
}

// CreateIncident stores a new report with its steps and seeded checklists.
func (db *DB) CreateIncident(ctx context.Context, by incident.Actor, title string, r incident.Report) (*incident.Incident, error) {
	if err := r.Validate(title, db.Now()); err != nil {
		return nil, err
	}
	var id int64
	err := db.tx(ctx, func(tx *Tx) error {
		var err error
		id, err = db.insertIncident(ctx, tx, by, title, r, nil)
		return err
	})
	if err != nil {
		return nil, err
	}
	return db.Incident(ctx, id)
}

// insertIncident writes a validated report with its steps, seeded
// checklists, first timeline entry and audit entry; exerciseID marks an
// exercise's incident (nil for a real one).
func (db *DB) insertIncident(ctx context.Context, tx *Tx, by incident.Actor, title string, r incident.Report, exerciseID any) (int64, error) {
	now := db.Now()
	kind := incident.KindBreach
	if r.NearMiss {
		kind = incident.KindNearMiss
	}
	newID, err := insert(ctx, tx, `INSERT INTO incidents (title, kind, status, near_miss, what_happened, occurred_at,
 discovered_at, ongoing, data_categories, people_count, cause, how_it_happened, where_it_went, recipient, actions_taken,
 reporter_id, created_at, updated_at, exercise_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		strings.TrimSpace(title), kind, incident.StatusReported, r.NearMiss, strings.TrimSpace(r.WhatHappened), nts(r.OccurredAt),
		ts(r.DiscoveredAt), r.Ongoing, strings.Join(r.DataCategories, ","), peopleArg(r.PeopleCount), r.Cause,
		strings.TrimSpace(r.HowItHappened), strings.TrimSpace(r.WhereItWent), r.Recipient, strings.TrimSpace(r.ActionsTaken),
		by.UserID, ts(now), ts(now), exerciseID)
	if err != nil {
		return 0, err
	}
	id := newID
	if err != nil {
		return 0, err
	}
	// The steps and the seeded checklists go in one statement each: a
	// write transaction holds the writers' lock, so it sends few.
	var steps, tasks []string
	var stepArgs, taskArgs []any
	for _, st := range incident.AllSteps {
		steps, stepArgs = append(steps, "(?,?,?)"), append(stepArgs, id, st, incident.StepPending)
		for pos, t := range incident.Checklists[st] {
			tasks, taskArgs = append(tasks, "(?,?,?,?,?)"), append(taskArgs, id, st, t, pos, ts(now))
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO incident_steps (incident_id, step, state) VALUES `+strings.Join(steps, ","), stepArgs...); err != nil {
		return 0, err
	}
	if len(tasks) > 0 {
		if _, err := tx.ExecContext(ctx, `INSERT INTO tasks (incident_id, step, title, position, created_at) VALUES `+strings.Join(tasks, ","), taskArgs...); err != nil {
			return 0, err
		}
	}
	what := "Reported as a suspected breach."
	if r.NearMiss {
		what = "Reported as a near miss."
	}
	if err := db.addEntry(ctx, tx, by, id, incident.EntryReport, what); err != nil {
		return 0, err
	}
	return id, db.appendAudit(ctx, tx, by, "incident.report", "incident:"+itoa(id), id, map[string]any{"kind": kind})
}

// Incident returns one incident with its steps.
func (db *DB) Incident(ctx context.Context, id int64) (*incident.Incident, error) {
	return db.incident(ctx, db.sql, id)
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func (db *DB) incident(ctx context.Context, q querier, id int64) (*incident.Incident, error) {
	inc, err := scanIncident(q.QueryRowContext(ctx, `SELECT `+db.sql.d.incidentCols+incidentFrom+` WHERE i.id = ?`, id))
	if err != nil {
		return nil, notFound(err, "Incident %d was not found.", id)
	}
	return inc, db.loadObligations(ctx, q, []*incident.Incident{inc})
}

// index maps incidents by id and gives the placeholders and arguments to
// select their rows from a child table in one query.
func index(incs []*incident.Incident) (map[int64]*incident.Incident, string, []any) {
	byID := make(map[int64]*incident.Incident, len(incs))
	ids := make([]int64, len(incs))
	for k, inc := range incs {
		byID[inc.ID], ids[k] = inc, inc.ID
	}
	ph, args := joinIDs(ids)
	return byID, ph, args
}

// A search is at most maxSearchWords words of at most maxSearchWordBytes
// bytes: each word is three LIKE conditions, and SQLite refuses a query
// past its limits on expression depth and variables.
const (
	maxSearchWords     = 10
	maxSearchWordBytes = 100
)

// Incidents lists incidents matching f, newest discovery first, with the
// total count for paging.
func (db *DB) Incidents(ctx context.Context, f incident.Filter) ([]*incident.Incident, int, error) {
	var where []string
	var args []any
	add := func(cond string, a ...any) { where, args = append(where, cond), append(args, a...) }
	equalFilters(f, "i.", add)
	if q := strings.TrimSpace(f.Query); q != "" {
		words := strings.Fields(q)
		if len(words) > maxSearchWords {
			return nil, 0, &fault.Error{Code: fault.Invalid, Message: fmt.Sprintf("Search with at most %d words; you gave %d.", maxSearchWords, len(words)), Fields: map[string]string{"q": fmt.Sprintf("Use at most %d words.", maxSearchWords)}}
		}
		for _, w := range words {
			if len(w) > maxSearchWordBytes {
				return nil, 0, &fault.Error{Code: fault.Invalid, Message: fmt.Sprintf("A search word is longer than %d characters.", maxSearchWordBytes), Fields: map[string]string{"q": "Use shorter words."}}
			}
		}
		for _, w := range words {
			like := "%" + escapeLike(w) + "%"
			l := db.sql.d.like
			add(`(i.title `+l+` ? ESCAPE '\' OR i.what_happened `+l+` ? ESCAPE '\' OR i.how_it_happened `+l+` ? ESCAPE '\')`, like, like, like)
		}
	}
	if v := f.VisibleTo; v != nil {
		if v.ReportsOnly {
			add("i.reporter_id = ?", v.UserID)
		} else {
			add("(i.reporter_id = ? OR i.owner_id = ? OR EXISTS (SELECT 1 FROM participants p WHERE p.incident_id = i.id AND p.user_id = ?))", v.UserID, v.UserID, v.UserID)
		}
	}
	switch f.Exercises {
	case incident.NoExercises:
		add("i.exercise_id IS NULL")
	case incident.OnlyExercises:
		add("i.exercise_id IS NOT NULL")
	}
	if f.Overdue {
		cond, a := overdueCondition(f)
		add(cond, a...)
	}
	total, err := db.countIncidents(ctx, f, where, args)
	if err != nil {
		return nil, 0, err
	}
	// Keyset paging: the rows after the cursor, read from the index that
	// matches the filter in the list's order.
	page := ` LIMIT ? OFFSET ?`
	if f.After != "" {
		at, id, err := incident.ParseCursor(f.After)
		if err != nil {
			return nil, 0, &fault.Error{Code: fault.Invalid, Message: err.Error(), Fields: map[string]string{"after": "Use the cursor the previous page gave."}}
		}
		add("(i.discovered_at, i.id) < (?, ?)", ts(at), id)
		page = ` LIMIT ?`
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	args = append(args, limit)
	if f.After == "" {
		args = append(args, max(0, f.Offset))
	}
	rows, err := db.sql.QueryContext(ctx, `SELECT `+db.sql.d.incidentCols+incidentFrom+whereSQL(where)+` ORDER BY i.discovered_at DESC, i.id DESC`+page, args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []*incident.Incident
	for rows.Next() {
		inc, err := scanIncident(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, inc)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	return out, total, db.loadObligations(ctx, db.sql, out)
}

// equalFilters adds f's filters by status, kind, severity and owner, on
// columns of those names after prefix ("i." for incidents i).
func equalFilters(f incident.Filter, prefix string, add func(cond string, a ...any)) {
	if f.Status != "" {
		add(prefix+"status = ?", f.Status)
	}
	if f.Kind != "" {
		add(prefix+"kind = ?", f.Kind)
	}
	if f.Severity != "" {
		add(prefix+"severity = ?", f.Severity)
	}
	if f.OwnerID != 0 {
		add(prefix+"owner_id = ?", f.OwnerID)
	}
}

func whereSQL(where []string) string {
	if len(where) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(where, " AND ")
}

// countIncidents counts the incidents matching f without reading them
// where it can: a filter by status, kind, severity, owner and exercise
// sums the few rows of incident_counts, which triggers keep. A search or
// a person's own list counts the matches (as reading them would); the
// overdue filter, which would mean judging every incident, is not counted
// (incident.Uncounted).
func (db *DB) countIncidents(ctx context.Context, f incident.Filter, where []string, args []any) (int, error) {
	var n int
	switch {
	case f.Overdue:
		return incident.Uncounted, nil
	case strings.TrimSpace(f.Query) != "" || f.VisibleTo != nil:
		err := db.sql.QueryRowContext(ctx, `SELECT COUNT(*) FROM incidents i`+whereSQL(where), args...).Scan(&n)
		return n, err
	}
	var conds []string
	var cargs []any
	add := func(c string, a ...any) { conds, cargs = append(conds, c), append(cargs, a...) }
	equalFilters(f, "", add)
	switch f.Exercises {
	case incident.NoExercises:
		add("exercise = ?", false)
	case incident.OnlyExercises:
		add("exercise = ?", true)
	}
	err := db.sql.QueryRowContext(ctx, `SELECT COALESCE(SUM(n), 0) FROM incident_counts`+whereSQL(conds), cargs...).Scan(&n)
	return n, err
}

// overdueCondition mirrors incident.Clocks in SQL so the overdue filter
// pages through any number of incidents. An assessed incident is overdue
// when one of its pending obligations is past its deadline or target; one
// not yet assessed, when a default clock has run out: the 72-hour clocks
// stop when Notify is done, the 30-day window when Assess is done.
func overdueCondition(f incident.Filter) (string, []any) {
	probe := incident.Incident{Kind: incident.KindBreach, Steps: incident.NewSteps()}
	probe.Report.DiscoveredAt = f.OverdueAt
	parts := []string{}
	args := []any{}
	for _, c := range probe.Clocks(f.Laws) {
		window := c.Due.Sub(f.OverdueAt)
		parts = append(parts, `(i.discovered_at <= ? AND NOT EXISTS (SELECT 1 FROM incident_steps s WHERE s.incident_id = i.id AND s.step = ? AND s.state = 'done'))`)
		args = append(args, ts(f.OverdueAt.Add(-window)), c.StopsWhen)
	}
	defaults := "FALSE"
	if len(parts) > 0 {
		defaults = "(" + strings.Join(parts, " OR ") + ")"
	}
	// The kind is compared as an expression (kind || ''), which no index
	// answers: SQLite would otherwise walk incidents_kind_discovered, every
	// breach ever recorded, and read each one's row to skip the closed
	// ones, where incidents_open_discovered holds the open incidents
	// alone, with their kind.
	//
	// An incident's obligations are read by one scalar subquery, run for
	// each incident as the walk reaches it (from obligations_due, which
	// holds all it reads): the earliest deadline of its pending
	// obligations, '~' (after every time) for one pending without a
	// deadline or none pending, NULL when it has none, in which case the
	// default clocks decide ('' is before every time, '~' after). Written
	// as EXISTS, PostgreSQL ran the subquery once over every pending
	// obligation of every incident to hash them (a hashed SubPlan: it
	// does not count on the page's LIMIT ending the walk early), 16-35 ms
	// a request at 100,000 incidents, where the first page needs about a
	// hundred lookups; a scalar subquery is never hashed.
	return `(i.status <> 'closed' AND i.kind || '' = 'breach' AND COALESCE(
 (SELECT MIN(CASE WHEN ob.status = 'pending' THEN COALESCE(ob.due_at, ob.target_at, '~') ELSE '~' END) FROM obligations ob WHERE ob.incident_id = i.id),
 CASE WHEN ` + defaults + ` THEN '' ELSE '~' END) <= ?)`, append(args, ts(f.OverdueAt))
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// UpdateIncident applies fn to the stored incident and saves the result,
// the timeline entry and the audit entry together.
func (db *DB) UpdateIncident(ctx context.Context, by incident.Actor, id int64, fn func(*incident.Incident) (incident.Change, error)) (*incident.Incident, error) {
	err := db.tx(ctx, func(tx *Tx) error {
		inc, err := db.incident(ctx, tx, id)
		if err != nil {
			return err
		}
		ch, err := fn(inc)
		if err != nil {
			return err
		}
		if ch.Action == "" {
			return fault.Errorf(fault.Internal, "change without an audit action")
		}
		r := inc.Report
		if err := r.Validate(inc.Title, db.Now()); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE incidents SET title=?, kind=?, status=?, triaged=?, severity=?, what_happened=?,
 occurred_at=?, discovered_at=?, ongoing=?, data_categories=?, people_count=?, cause=?, how_it_happened=?, where_it_went=?,
 recipient=?, actions_taken=?, owner_id=?, escalated=?, escalated_at=?, closed_at=?, close_reason=?, updated_at=? WHERE id=?`,
			inc.Title, inc.Kind, inc.Status, inc.Triaged, inc.Severity, r.WhatHappened, nts(r.OccurredAt), ts(r.DiscoveredAt),
			r.Ongoing, strings.Join(r.DataCategories, ","), peopleArg(r.PeopleCount), r.Cause, r.HowItHappened, r.WhereItWent,
			r.Recipient, r.ActionsTaken, nullID(inc.OwnerID), inc.Escalated, nts(inc.EscalatedAt), nts(inc.ClosedAt),
			inc.CloseReason, ts(db.Now()), id)
		if err != nil {
			return err
		}
		for st, p := range inc.Steps {
			if _, err := tx.ExecContext(ctx, `UPDATE incident_steps SET state=?, started_at=?, done_at=? WHERE incident_id=? AND step=?`,
				p.State, nts(p.StartedAt), nts(p.DoneAt), id, st); err != nil {
				return err
			}
		}
		if ch.Text != "" {
			if err := db.addEntry(ctx, tx, by, id, ch.Kind, ch.Text); err != nil {
				return err
			}
		}
		return db.appendAudit(ctx, tx, by, ch.Action, "incident:"+itoa(id), id, ch.Details)
	})
	if err != nil {
		return nil, err
	}
	return db.Incident(ctx, id)
}
