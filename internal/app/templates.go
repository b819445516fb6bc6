package app

import (
	"context"
	"strings"

	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/notice"
)

// TryTemplate renders a template text of kind k on the sample breach and
// person, without touching the templates in use, and checks the result.
// Returns fault.Invalid, on the field body, for a text that does not
// parse or render.
func (a *App) TryTemplate(k notice.Kind, body string) (notice.Document, []notice.Finding, error) {
	t, err := notice.LoadTemplates("en")
	if err != nil {
		return notice.Document{}, nil, err
	}
	if err := t.Set(k, body); err != nil {
		return notice.Document{}, nil, &fault.Error{Code: fault.Invalid, Message: err.Error(), Fields: map[string]string{"body": err.Error()}}
	}
	d := notice.Sample(k, a.Now())
	doc, err := t.Render(d)
	if err != nil {
		return notice.Document{}, nil, &fault.Error{Code: fault.Invalid, Message: err.Error(), Fields: map[string]string{"body": err.Error()}}
	}
	return doc, notice.Check(doc, d, notice.DefaultGrade), nil
}

// SaveTemplate makes body the template of kind k for the notices written
// from now on, as a new version with a note. A text that does not render,
// or that leaves out content the law requires on the sample breach, is
// refused with fault.Invalid: a template cannot make notices
// non-compliant. Returns fault.Forbidden for anyone who may not edit
// templates.
func (a *App) SaveTemplate(ctx context.Context, u *auth.User, k notice.Kind, body, note string) (notice.TemplateVersion, error) {
	if err := may(u, auth.EditTemplates); err != nil {
		return notice.TemplateVersion{}, err
	}
	_, findings, err := a.TryTemplate(k, body)
	if err != nil {
		return notice.TemplateVersion{}, err
	}
	var missing []string
	for _, f := range findings {
		if f.Check == "required" {
			missing = append(missing, f.Message+" ("+f.Section+")")
		}
	}
	if len(missing) > 0 {
		msg := "Not saved: on the sample breach this template leaves out required content. " + strings.Join(missing, " ")
		return notice.TemplateVersion{}, &fault.Error{Code: fault.Invalid, Message: msg, Fields: map[string]string{"body": msg}}
	}
	saved, err := a.Store.SaveTemplate(ctx, u.ID, u.Name, notice.TemplateVersion{Kind: k, Lang: "en", Body: body, Note: strings.TrimSpace(note)})
	if err != nil {
		return saved, err
	}
	return saved, a.Writer.Set(k, body)
}
