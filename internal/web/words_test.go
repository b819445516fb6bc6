package web

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/breachdesk/breachdesk/internal/app"
	"github.com/breachdesk/breachdesk/internal/audit"
	"github.com/breachdesk/breachdesk/internal/deliver"
	"github.com/breachdesk/breachdesk/internal/incident"
)

// recordedActions reads, from the stores' and the application layer's
// source, every audit action recorded on an incident: the actions given
// to appendAudit with an incident, and those of the incident changes.
// An action built from a prefix ("campaign." + status) is returned as its
// prefix, ending in a dot.
func recordedActions(t *testing.T) []string {
	t.Helper()
	seen := map[string]bool{}
	add := func(e ast.Expr) {
		switch v := e.(type) {
		case *ast.BasicLit:
			if s, err := strconv.Unquote(v.Value); err == nil {
				seen[s] = true
			}
		case *ast.BinaryExpr:
			if l, ok := v.X.(*ast.BasicLit); ok {
				if s, err := strconv.Unquote(l.Value); err == nil {
					seen[s] = true
				}
			}
		}
	}
	for _, dir := range []string{"../store", "../app"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range files {
			if strings.HasSuffix(name, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(token.NewFileSet(), name, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(f, func(n ast.Node) bool {
				switch v := n.(type) {
				case *ast.CallExpr: // db.appendAudit(ctx, tx, by, action, object, incidentID, details)
					if sel, ok := v.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "appendAudit" && len(v.Args) == 7 {
						if lit, ok := v.Args[5].(*ast.BasicLit); !ok || lit.Value != "0" {
							add(v.Args[3])
						}
					}
				case *ast.CompositeLit: // incident.Change{Action: ...}
					if sel, ok := v.Type.(*ast.SelectorExpr); ok && sel.Sel.Name == "Change" {
						for _, el := range v.Elts {
							if kv, ok := el.(*ast.KeyValueExpr); ok {
								if k, ok := kv.Key.(*ast.Ident); ok && k.Name == "Action" {
									add(kv.Value)
								}
							}
						}
					}
				}
				return true
			})
		}
	}
	var out []string
	for s := range seen {
		out = append(out, s)
	}
	return out
}

// Every action recorded on an incident reads as a sentence on its audit
// page, not as its code: the list of actions comes from the code that
// records them, so a new one without a sentence fails here.
func TestEveryAuditActionReadsAsASentence(t *testing.T) {
	actions := recordedActions(t)
	if len(actions) < 30 {
		t.Fatalf("found only %d recorded actions: %v", len(actions), actions)
	}
	var all []string
	for _, a := range actions {
		switch a {
		case "campaign.":
			for _, st := range []deliver.CampaignStatus{deliver.CampaignQueuing, deliver.CampaignRunning, deliver.CampaignPaused, deliver.CampaignCancelled, deliver.CampaignDone} {
				all = append(all, a+string(st))
			}
		case "delivery.":
			for _, st := range campaignStatuses {
				all = append(all, a+string(st))
			}
		case "step.":
			for _, st := range []app.StepAction{app.StartStep, app.CompleteStep, app.ReopenStep} {
				all = append(all, a+string(st))
			}
		case "timeline.":
			for _, k := range []incident.TimelineKind{incident.EntryReport, incident.EntryState, incident.EntryNote, incident.EntryDecision, incident.EntryTask, incident.EntryEvidence, incident.EntryExport} {
				all = append(all, a+string(k))
			}
		default:
			if strings.HasSuffix(a, ".") {
				t.Errorf("an action built from %q: list what it is built from here", a)
			}
			all = append(all, a)
		}
	}
	inc := &incident.Incident{ID: 7}
	names := newAuditNames(inc, nil, nil)
	for _, a := range all {
		e := audit.Entry{Action: a, Actor: "Priya Privacy", Object: "incident:7", Details: `{"step":"contain","channel":"letter","kind":"police","state":"done","enabled":true}`}
		got := names.sentence(e)
		if got == auditFallback("Priya Privacy", e, inc.Ref()) || strings.Contains(got, a) || strings.Contains(got, "_") {
			t.Errorf("%s reads as %q", a, got)
		}
	}
}
