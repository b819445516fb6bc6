package exercise

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/breachdesk/breachdesk/internal/incident"
)

// Store keeps exercises with their incidents.
type Store interface {
	// StartExercise creates the exercise and its incident together, from
	// the scenario's report as of start.
	StartExercise(ctx context.Context, by incident.Actor, s *Scenario, start time.Time) (*Exercise, error)
	Exercise(ctx context.Context, id int64) (*Exercise, error)
	// ExerciseOfIncident returns the exercise an incident belongs to.
	ExerciseOfIncident(ctx context.Context, incidentID int64) (*Exercise, error)
	// Exercises lists every exercise, newest first.
	Exercises(ctx context.Context) ([]Exercise, error)
	// SaveAdvance records an Advance: the incident's times move d into the
	// past and the revealed injects go on its timeline. It fails with a
	// conflict if the exercise changed since e was loaded.
	SaveAdvance(ctx context.Context, by incident.Actor, e *Exercise, d time.Duration, revealed []Inject) error
	// SaveEnd records End and closes the incident.
	SaveEnd(ctx context.Context, by incident.Actor, e *Exercise) error
}

// factTimes are the facts document's times (spec/facts.schema.json,
// "timeline") that move with the exercise clock.
var factTimes = []string{"occurred_at", "occurred_until", "discovered_at", "contained_at"}

// ShiftFacts moves the times of a facts document d into the past, so a
// reassessment after the clock moved sees the same simulated story.
func ShiftFacts(doc string, d time.Duration) (string, error) {
	if strings.TrimSpace(doc) == "" || d == 0 {
		return doc, nil
	}
	dec := json.NewDecoder(strings.NewReader(doc))
	dec.UseNumber()
	var facts map[string]any
	if err := dec.Decode(&facts); err != nil {
		return "", fmt.Errorf("facts document: %w", err)
	}
	tl, _ := facts["timeline"].(map[string]any)
	for _, k := range factTimes {
		s, ok := tl[k].(string)
		if !ok {
			continue
		}
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return "", fmt.Errorf("facts document: timeline.%s: %w", k, err)
		}
		tl[k] = t.Add(-d).Format(time.RFC3339)
	}
	b, err := json.Marshal(facts)
	return string(b), err
}

// InjectText is how an inject reads on the timeline.
func InjectText(in Inject) string {
	return "Exercise inject at " + Offset(in.After) + ": " + in.Text
}

// Offset writes a simulated time since discovery, e.g. "T+1 day 2 hours".
func Offset(d time.Duration) string {
	if d < time.Minute {
		return "T+0"
	}
	return "T+" + incident.Human(d)
}
