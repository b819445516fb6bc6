// Package matrix lays an assessment out as the notification matrix that
// counsel reads: one row per law and audience, with where the people
// live, how many, the decision, the deadline, the threshold, the form,
// substitute notice, the exceptions and the section, sortable by deadline
// and exported as text, CSV or PDF.
package matrix

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/breachdesk/breachdesk/internal/law"
)

// Row is one obligation of one law.
type Row struct {
	Regime string `json:"regime"`
	// Short is the regime's short name (US-CA, GDPR, PIPEDA).
	Short     string `json:"short"`
	Title     string `json:"title"`
	Family    string `json:"family"`
	Regulator string `json:"regulator,omitempty"`
	// Places are the codes of people.by_jurisdiction the law covers, and
	// People how many affected people were counted there (0: not given).
	Places []string `json:"places,omitempty"`
	People int64    `json:"people,omitempty"`

	Rule      string     `json:"rule"`
	Audience  string     `json:"audience"`
	Label     string     `json:"label"`
	Recipient string     `json:"recipient,omitempty"`
	Decision  string     `json:"decision"`
	Due       *time.Time `json:"due,omitempty"`
	Target    *time.Time `json:"target,omitempty"`
	DueRule   string     `json:"due_rule,omitempty"`
	Overdue   bool       `json:"overdue"`
	// Status is the obligation's state on the incident (pending, done,
	// overridden, not_required), when the matrix is of an incident.
	Status     string   `json:"status,omitempty"`
	Threshold  string   `json:"threshold,omitempty"`
	Form       string   `json:"form,omitempty"`
	Substitute string   `json:"substitute,omitempty"`
	Exceptions []string `json:"exceptions,omitempty"`
	Content    []string `json:"content,omitempty"`
	Why        string   `json:"why"`
	Citation   string   `json:"citation"`
	// Unsettled: the pack lists points where the sources conflict or the
	// law is not settled.
	Unsettled   bool   `json:"unsettled"`
	Quality     string `json:"quality,omitempty"`
	LastChecked string `json:"last_checked,omitempty"`
}

// Matrix is the rows of one assessment.
type Matrix struct {
	Title        string    `json:"title"`
	AssessedAt   time.Time `json:"assessed_at"`
	RulesVersion string    `json:"rules_version"`
	Rows         []Row     `json:"rows"`
	// Notes are the assessment's notes (laws not considered and why).
	Notes []string `json:"notes,omitempty"`
}

// families of the five packs that predate the family field.
var families = map[string]string{"eu_gdpr": "europe", "uk_gdpr": "europe", "au_ndb": "apac", "nz_privacy_act": "apac", "vic_pdp": "apac"}

// Family is the group a regime belongs to: the pack's own, or by id.
func Family(p *law.Pack) string {
	if p == nil {
		return "other"
	}
	if p.Family != "" {
		return p.Family
	}
	if f, ok := families[p.Regime]; ok {
		return f
	}
	return "other"
}

// Build makes the matrix of an assessment, in its order (law by law).
// rules gives each law's family, quality and last-checked date; an
// assessment made with other rules still builds, without them.
func Build(rules *law.Rules, a law.Assessment, title string) Matrix {
	m := Matrix{Title: title, AssessedAt: a.AssessedAt, RulesVersion: a.RulesVersion, Rows: []Row{}, Notes: a.Notes}
	applies := map[string]law.Applies{}
	for _, ap := range a.Regimes {
		applies[ap.Regime] = ap
	}
	for _, o := range a.Obligations {
		ap := applies[o.Regime]
		var p *law.Pack
		if rules != nil {
			p = rules.Pack(o.Regime)
		}
		row := Row{Regime: o.Regime, Short: law.ShortName(o.Regime), Title: ap.Title, Family: Family(p), Regulator: ap.Regulator,
			Places: ap.Places, People: ap.People, Rule: o.Rule, Audience: o.Audience, Label: o.Label, Recipient: o.Recipient,
			Decision: o.Decision, Due: o.Due, Target: o.Target, DueRule: o.DueRule, Overdue: o.Overdue, Threshold: o.Threshold,
			Form: o.Form, Substitute: o.Substitute, Exceptions: o.Exceptions, Content: o.Content, Citation: o.Citation}
		if len(o.Reasons) > 0 {
			row.Why = o.Reasons[0]
		}
		if row.Title == "" && p != nil {
			row.Title = p.Title
		}
		if p != nil {
			row.Unsettled, row.Quality, row.LastChecked = len(p.Unsettled) > 0, p.Quality, p.LastChecked
		}
		m.Rows = append(m.Rows, row)
	}
	return m
}

// State is an obligation's state on an incident.
type State struct {
	Status  string
	Overdue bool
}

// WithStatus sets each row's status and lateness from the incident's
// obligations, by rule id; a row the incident does not track keeps the
// assessment's.
func (m *Matrix) WithStatus(states map[string]State) {
	for i := range m.Rows {
		if st, ok := states[m.Rows[i].Rule]; ok {
			m.Rows[i].Status, m.Rows[i].Overdue = st.Status, st.Overdue
		}
	}
}

// Sorts are the orders a matrix can be put in.
var Sorts = []string{"deadline", "law", "place", "people", "decision"}

var audienceOrder = map[string]int{"regulator": 0, "individuals": 1, "organisations": 2, "public": 3, "record": 4}
var decisionOrder = map[string]int{"required": 0, "undetermined": 1, "recommended": 2, "not_required": 3}

// clock is when a row is due: the legal deadline, else the target for
// "as soon as practicable".
func (r Row) clock() *time.Time {
	if r.Due != nil {
		return r.Due
	}
	return r.Target
}

// Sort orders the rows: deadline (soonest first, obligations not required
// and those without a clock last), law (family then id), place (first
// place code), people (most first) or decision (required first). Ties
// keep law order.
func (m *Matrix) Sort(by string) error {
	byLaw := func(a, b Row) int {
		if c := strings.Compare(a.Family, b.Family); c != 0 {
			return c
		}
		if c := strings.Compare(a.Regime, b.Regime); c != 0 {
			return c
		}
		return audienceOrder[a.Audience] - audienceOrder[b.Audience]
	}
	var cmp func(a, b Row) int
	switch by {
	case "", "deadline":
		cmp = func(a, b Row) int {
			an, bn := a.Decision == "not_required", b.Decision == "not_required"
			if an != bn {
				if an {
					return 1
				}
				return -1
			}
			ac, bc := a.clock(), b.clock()
			switch {
			case ac != nil && bc != nil && !ac.Equal(*bc):
				return ac.Compare(*bc)
			case ac != nil && bc == nil:
				return -1
			case ac == nil && bc != nil:
				return 1
			}
			return byLaw(a, b)
		}
	case "law":
		cmp = byLaw
	case "place":
		cmp = func(a, b Row) int {
			ap, bp := first(a.Places), first(b.Places)
			if ap != bp {
				if ap == "" {
					return 1
				}
				if bp == "" {
					return -1
				}
				return strings.Compare(ap, bp)
			}
			return byLaw(a, b)
		}
	case "people":
		cmp = func(a, b Row) int {
			if a.People != b.People {
				if a.People > b.People {
					return -1
				}
				return 1
			}
			return byLaw(a, b)
		}
	case "decision":
		cmp = func(a, b Row) int {
			if d := decisionOrder[a.Decision] - decisionOrder[b.Decision]; d != 0 {
				return d
			}
			return byLaw(a, b)
		}
	default:
		return fmt.Errorf("sort by one of %s, not %q", strings.Join(Sorts, ", "), by)
	}
	slices.SortStableFunc(m.Rows, cmp)
	return nil
}

func first(list []string) string {
	if len(list) == 0 {
		return ""
	}
	return list[0]
}

// Only keeps the rows with one of the decisions (none: all rows).
func (m *Matrix) Only(decisions ...string) {
	if len(decisions) == 0 {
		return
	}
	m.Rows = slices.DeleteFunc(m.Rows, func(r Row) bool { return !slices.Contains(decisions, r.Decision) })
}

// Words is how a decision reads in the matrix.
func Words(decision string) string {
	switch decision {
	case "required":
		return "Required"
	case "not_required":
		return "Not required"
	case "recommended":
		return "Recommended"
	case "undetermined":
		return "Undetermined"
	}
	return decision
}

// Who is the row's audience in words: the recipient if named.
func (r Row) Who() string {
	if r.Recipient != "" {
		return r.Recipient
	}
	switch r.Audience {
	case "regulator":
		return "Regulator"
	case "individuals":
		return "Affected people"
	case "organisations":
		return "Other organisations"
	case "public":
		return "Public or media"
	case "record":
		return "Internal record"
	}
	return r.Audience
}

// Where is the row's places and people in words.
func (r Row) Where() string {
	s := strings.Join(r.Places, " ")
	if r.People > 0 {
		if s != "" {
			s += ": "
		}
		s += fmt.Sprintf("%d", r.People)
	}
	return s
}

// When is the row's deadline in words, in loc.
func (r Row) When(loc *time.Location) string {
	const layout = "2006-01-02 15:04 MST"
	switch {
	case r.Due != nil:
		return r.Due.In(loc).Format(layout)
	case r.Target != nil:
		return "target " + r.Target.In(loc).Format(layout)
	}
	return ""
}
