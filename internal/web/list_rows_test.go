package web

import (
	"html/template"
	"strings"
	"testing"

	"github.com/breachdesk/breachdesk/internal/incident"
)

// The rows the list writes in Go are the rows its template wrote, text
// escaped the same way, in every state a row can be in.
func TestListRowsAsTheTemplateWroteThem(t *testing.T) {
	old := template.Must(template.New("rows").Parse(`{{range .Rows}}
<tr class="{{if .Overdue}}overdue{{end}}">
<td><a href="/incidents/{{.ID}}">{{.Ref}}</a></td>
<td><a href="/incidents/{{.ID}}">{{.Title}}</a>{{if .IsExercise}} <span class="tag exercise">exercise</span>{{end}}{{if .Escalated}} <span class="tag">escalated</span>{{end}}</td>
<td>{{.Kind}}</td>
<td class="step-now">{{.Step}}</td>
<td><span class="sev sev-{{.Severity}}">{{.SeverityLabel}}</span></td>
<td>{{if .OwnerName}}{{.OwnerName}}{{else}}-{{end}}</td>
<td>{{with .Next}}<div class="clock {{.Class}}">{{.Name}}: {{.Due}}<br><small class="remaining">{{.Remaining}}</small></div>{{else}}-{{end}}{{if .More}} <small>and {{.More}} more</small>{{end}}</td>
</tr>
{{end}}`))
	d := listPage{Rows: []listRow{
		{ID: 7, Ref: "INC-0007", Title: `Tom's "list" <b>&</b> 1+1 ` + "\x00", Kind: "Suspected breach", Step: "Awaiting triage", OwnerName: "",
			Severity: "", SeverityLabel: "Not set"},
		{ID: 12345, Ref: "INC-12345", Title: "Laptop stolen", Kind: "Breach", Step: "Contain, Assess", OwnerName: "Ana <Ops>",
			Severity: incident.SeverityHigh, SeverityLabel: "High", IsExercise: true, Escalated: true, Overdue: true,
			Next: &listClock{Class: "late", Name: "NZ: notify the Privacy Commissioner", Due: "Mon 2 Mar 2026 09:00 NZDT", Remaining: "3 days late"}, More: 2},
		{ID: 9, Ref: "INC-0009", Title: "Near miss", Kind: "Near miss", Step: "Closed", OwnerName: "Bo",
			Next: &listClock{Name: "AU: finish assessing", Due: "Tue 3 Mar 2026 10:00 NZDT", Remaining: "in 2 days"}},
	}}
	var want strings.Builder
	if err := old.Execute(&want, d); err != nil {
		t.Fatal(err)
	}
	flat := func(s string) string { return strings.ReplaceAll(s, "\n", "") }
	if got := string(d.RowsHTML()); flat(got) != flat(want.String()) {
		t.Fatalf("rows differ from the template's:\n got %s\nwant %s", got, want.String())
	}
}

// A select's options mark only the chosen one and escape their words.
func TestOptionsHTML(t *testing.T) {
	got := string(optionsHTML([]choice{{"1", "Ana"}, {"12", `Bo "B" <b>`}, {"2", "Cy"}}, "12"))
	want := `<option value="1">Ana</option><option value="12" selected>Bo &#34;B&#34; &lt;b&gt;</option><option value="2">Cy</option>`
	if got != want {
		t.Fatalf("options\n got %s\nwant %s", got, want)
	}
}
