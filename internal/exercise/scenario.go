// Package exercise runs tabletop exercises: a scenario from the library
// becomes an incident marked as an exercise, the team works it through
// the real workflow while a facilitator moves a simulated clock and
// reveals injects, and the exercise ends with a score and lessons that
// feed the response plan's review (seed 001 Part 3: test the plan). It
// knows nothing of SQL or HTTP.
package exercise

import (
	_ "embed"
	"fmt"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/breachdesk/breachdesk/internal/incident"
)

// Scenario is one exercise in the library: the report a staff member
// files when it starts, the facts revealed later, and the questions a
// facilitator asks at the end.
type Scenario struct {
	ID     string `yaml:"id"`
	Title  string `yaml:"title"`
	Source string `yaml:"source"`
	// Quote is the guidance's own words for the example.
	Quote string `yaml:"quote"`
	// Brief is the facilitator's summary of the situation.
	Brief   string         `yaml:"brief"`
	Report  ScenarioReport `yaml:"report"`
	Injects []Inject       `yaml:"injects"`
	Debrief []string       `yaml:"debrief"`
}

// ScenarioReport is the report the exercise starts with, written as the
// staff member would, with times relative to the start.
type ScenarioReport struct {
	Title          string        `yaml:"title"`
	WhatHappened   string        `yaml:"what_happened"`
	OccurredBefore time.Duration `yaml:"occurred_before"`
	Ongoing        string        `yaml:"ongoing"`
	DataCategories []string      `yaml:"data_categories"`
	PeopleCount    *int          `yaml:"people_count"`
	Cause          string        `yaml:"cause"`
	HowItHappened  string        `yaml:"how_it_happened"`
	WhereItWent    string        `yaml:"where_it_went"`
	Recipient      string        `yaml:"recipient"`
	ActionsTaken   string        `yaml:"actions_taken"`
}

// Inject is a fact revealed to the team once simulated time reaches After.
type Inject struct {
	After time.Duration `yaml:"after"`
	Text  string        `yaml:"text"`
}

// TitlePrefix marks an exercise's incident wherever its title appears:
// lists, notifications, emails, exports.
const TitlePrefix = "EXERCISE: "

// Incident returns the report and title that start the exercise when it
// begins at start.
func (s *Scenario) Incident(start time.Time) (string, incident.Report) {
	r := s.Report
	var occurred *time.Time
	if r.OccurredBefore > 0 {
		t := start.Add(-r.OccurredBefore)
		occurred = &t
	}
	return TitlePrefix + r.Title, incident.Report{
		WhatHappened: r.WhatHappened, OccurredAt: occurred, DiscoveredAt: start, Ongoing: r.Ongoing,
		DataCategories: r.DataCategories, PeopleCount: r.PeopleCount, Cause: r.Cause, HowItHappened: r.HowItHappened,
		WhereItWent: r.WhereItWent, Recipient: r.Recipient, ActionsTaken: r.ActionsTaken,
	}
}

// Span is how much simulated time the injects cover, in words.
func (s *Scenario) Span() string {
	if len(s.Injects) == 0 {
		return "no time"
	}
	return incident.Human(s.Injects[len(s.Injects)-1].After)
}

//go:embed scenarios.yaml
var libraryYAML []byte

// Library is the built-in scenario library, in the order it is offered.
var Library = mustLoad(libraryYAML)

func mustLoad(b []byte) []Scenario {
	s, err := Load(b)
	if err != nil {
		panic(err)
	}
	return s
}

// Load reads a scenario library and checks every scenario would make a
// valid report, so a broken scenario fails at start-up, not mid-exercise.
func Load(b []byte) ([]Scenario, error) {
	var list []Scenario
	if err := yaml.Unmarshal(b, &list); err != nil {
		return nil, fmt.Errorf("scenario library: %w", err)
	}
	seen := map[string]bool{}
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for k := range list {
		s := &list[k]
		switch {
		case s.ID == "" || seen[s.ID]:
			return nil, fmt.Errorf("scenario library: scenario %d has a missing or repeated id %q", k+1, s.ID)
		case strings.TrimSpace(s.Title) == "" || strings.TrimSpace(s.Brief) == "":
			return nil, fmt.Errorf("scenario %s: a title and a brief are required", s.ID)
		}
		seen[s.ID] = true
		title, r := s.Incident(start)
		if err := r.Validate(title, start); err != nil {
			return nil, fmt.Errorf("scenario %s: %w", s.ID, err)
		}
		for j := 1; j < len(s.Injects); j++ {
			if s.Injects[j].After < s.Injects[j-1].After {
				return nil, fmt.Errorf("scenario %s: injects must be in time order", s.ID)
			}
		}
	}
	return list, nil
}

// Find returns the scenario with the id.
func Find(id string) (*Scenario, bool) {
	for k := range Library {
		if Library[k].ID == id {
			return &Library[k], true
		}
	}
	return nil, false
}
