package register

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/breachdesk/breachdesk/internal/incident"
)

// Filter narrows the register.
type Filter struct {
	Kind   incident.Kind
	Status incident.Status
	Year   int // by when the breach was found; 0 for all
}

// Source is what the register is built from.
type Source interface {
	incident.Records
	incident.ReviewStore
	incident.AssessmentStore
}

// Build reads every matching incident, with its review and latest
// assessment, into a register document.
func Build(ctx context.Context, st Source, org string, f Filter, now time.Time) (Document, error) {
	d := Document{Schema: Schema, Organisation: org, ExportedAt: now.UTC(), Entries: []Entry{}}
	for after := ""; ; {
		incs, _, err := st.Incidents(ctx, incident.Filter{Kind: f.Kind, Status: f.Status, Exercises: incident.NoExercises, Limit: 500, After: after})
		if err != nil {
			return d, err
		}
		for _, inc := range incs {
			if f.Year != 0 && inc.Report.DiscoveredAt.Year() != f.Year {
				continue
			}
			rv, err := st.Review(ctx, inc.ID)
			if err != nil {
				return d, err
			}
			effects := ""
			if as, err := st.Assessments(ctx, inc.ID); err != nil {
				return d, err
			} else if len(as) > 0 {
				effects = effectsOf(as[0].Result)
			}
			d.Entries = append(d.Entries, FromIncident(inc, rv, effects))
		}
		if len(incs) < 500 {
			break
		}
		after = incident.CursorOf(incs[len(incs)-1])
	}
	return d, nil
}

// effectsOf says the risk of harm of a recorded assessment in words.
func effectsOf(result string) string {
	var a struct {
		Harm            struct{ Level, Likelihood, Severity string }
		ImportedEffects string `json:"imported_effects"`
	}
	if json.Unmarshal([]byte(result), &a) != nil {
		return ""
	}
	if a.ImportedEffects != "" {
		return a.ImportedEffects
	}
	if a.Harm.Level == "" {
		return ""
	}
	w := func(s string) string { return strings.ReplaceAll(s, "_", " ") }
	return fmt.Sprintf("Risk of harm %s (likelihood %s, severity %s).", w(a.Harm.Level), w(a.Harm.Likelihood), w(a.Harm.Severity))
}

// Importer stores register entries as incidents.
type Importer interface {
	ImportEntry(ctx context.Context, by incident.Actor, e Entry) (int64, error)
}

// Import brings a register into breachdesk, oldest reference first, so a
// register exported from one breachdesk keeps its references in a new
// one. It stops at the first entry that cannot be stored, naming it.
func Import(ctx context.Context, im Importer, by incident.Actor, d Document) (int, error) {
	entries := append([]Entry(nil), d.Entries...)
	sort.SliceStable(entries, func(i, j int) bool { return entries[i].Ref < entries[j].Ref })
	for i, e := range entries {
		if _, err := im.ImportEntry(ctx, by, e); err != nil {
			return i, fmt.Errorf("entry %s: %w", e.Ref, err)
		}
	}
	return len(entries), nil
}
