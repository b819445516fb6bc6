package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/incident"
)

// timeLayouts are the ways people and date pickers write a time.
var timeLayouts = []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04", "2006-01-02"}

// parseLocalTime reads a form time in the organisation's zone. An empty
// value is nil; a value that cannot be read is an error naming the field.
func parseLocalTime(f fault.Fields, field, v string, loc *time.Location) *time.Time {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		t = t.UTC()
		return &t
	}
	for _, l := range timeLayouts {
		if t, err := time.ParseInLocation(l, v, loc); err == nil {
			t = t.UTC()
			return &t
		}
	}
	f.Add(field, "Write the date and time like 2026-03-02 09:30, or use the date picker.")
	return nil
}

func parseCount(f fault.Fields, field, v string) *int {
	v = strings.ReplaceAll(strings.TrimSpace(v), ",", "")
	if v == "" {
		return nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		f.Add(field, "Give a whole number, or leave it empty if not known.")
		return nil
	}
	return &n
}

// reportFromForm reads the report form. Field errors found while reading
// are returned with those found by the report's own validation.
func reportFromForm(form url.Values, loc *time.Location, now time.Time) (string, incident.Report, error) {
	f := fault.Fields{}
	r := incident.Report{
		NearMiss:       form.Get("near_miss") == "1",
		WhatHappened:   form.Get("what_happened"),
		Ongoing:        form.Get("ongoing"),
		DataCategories: form["data_categories"],
		Cause:          form.Get("cause"),
		HowItHappened:  form.Get("how_it_happened"),
		WhereItWent:    form.Get("where_it_went"),
		Recipient:      form.Get("recipient"),
		ActionsTaken:   form.Get("actions_taken"),
	}
	r.OccurredAt = parseLocalTime(f, "occurred_at", form.Get("occurred_at"), loc)
	if d := parseLocalTime(f, "discovered_at", form.Get("discovered_at"), loc); d != nil {
		r.DiscoveredAt = *d
	} else if _, bad := f["discovered_at"]; !bad {
		f.Add("discovered_at", "Say when the problem was found; every deadline runs from then.")
	}
	r.PeopleCount = parseCount(f, "people_count", form.Get("people_count"))
	title := form.Get("title")
	if err := r.Validate(title, now); err != nil {
		for k, v := range fault.FieldsOf(err) {
			f.Add(k, v)
		}
	}
	return title, r, f.Err()
}

// formDue reads the form's due_at field in the organisation's time zone:
// nil when empty, a field error when it is not a time.
func (s *Server) formDue(r *http.Request) (*time.Time, error) {
	f := fault.Fields{}
	due := parseLocalTime(f, "due_at", r.PostFormValue("due_at"), s.orgOrDefault(r).Location())
	return due, f.Err()
}
