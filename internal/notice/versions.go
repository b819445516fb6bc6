package notice

import (
	"context"
	_ "embed"
	"time"

	"github.com/breachdesk/breachdesk/internal/facts"
	"github.com/breachdesk/breachdesk/internal/law"
)

// TemplateVersion is one saved version of an organisation's template.
type TemplateVersion struct {
	ID        int64
	Kind      Kind
	Lang      string
	Version   int
	Body      string
	Note      string
	CreatedAt time.Time
	CreatedBy string
}

// TemplateStore keeps the organisation's template versions.
type TemplateStore interface {
	SaveTemplate(ctx context.Context, byID int64, byName string, v TemplateVersion) (TemplateVersion, error)
	TemplateVersions(ctx context.Context, kind Kind, lang string) ([]TemplateVersion, error)
	ActiveTemplates(ctx context.Context, lang string) ([]TemplateVersion, error)
}

// Builtin returns the template shipped with breachdesk for a kind.
func Builtin(k Kind, lang string) (string, error) {
	b, err := builtinTemplates.ReadFile("templates/" + lang + "/" + string(k) + ".tmpl")
	return string(b), err
}

//go:embed sample.yaml
var sampleFacts []byte

// Sample is the breach and person template previews are rendered for: a
// misdirected email with names, contact details and payment cards, under
// every regime, so each law's required content shows.
func Sample(k Kind, now time.Time) Data {
	f, err := facts.Parse(sampleFacts)
	if err != nil {
		panic("notice sample facts: " + err.Error())
	}
	rules, err := law.Load("")
	if err != nil {
		panic("notice sample rules: " + err.Error())
	}
	d := Build(k, f, rules.Assess(f, law.Options{At: now}), Org{Name: "Sample Organisation", Contact: "the Privacy Officer",
		Email: "privacy@sample.example", Phone: "0800 000 000", Sector: "Private sector", NZBN: "9429000000000", Title: "Privacy Officer", Industry: "G Retail Trade"}, now, time.UTC)
	d.Person = &Person{Name: "Sam Sample", Email: "sam@sample.example", Address: []string{"1 Sample Street", "Wellington 6011"}}
	d.NoticeURL = "https://sample.example/notices/privacy-breach"
	d.Notified = "Yes: letters posted to everyone affected."
	return d
}
