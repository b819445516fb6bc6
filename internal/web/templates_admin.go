package web

import (
	"fmt"
	"net/http"

	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/notice"
)

func (s *Server) templatesPage(w http.ResponseWriter, r *http.Request) {
	type row struct {
		Kind    notice.Kind
		Label   string
		Version int
		By      string
	}
	var rows []row
	for _, k := range notice.Kinds {
		rw := row{Kind: k, Label: kindLabels[k]}
		vs, err := s.Store.TemplateVersions(r.Context(), k, "en")
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		if len(vs) > 0 {
			rw.Version, rw.By = vs[0].Version, vs[0].CreatedBy
		}
		rows = append(rows, rw)
	}
	s.render(w, r, "templates", "Notice templates", struct{ Rows []row }{rows})
}

// templateView is the editor: the text, its preview on the sample person
// and the checks that preview fails.
type templateView struct {
	Kind     notice.Kind
	Label    string
	Body     string
	Doc      *notice.Document
	Findings []notice.Finding
	Problem  string
	Versions []notice.TemplateVersion
}

// templateView is the template page for body; the error is the store's,
// reading the saved versions.
func (s *Server) templateView(r *http.Request, k notice.Kind, body string) (templateView, error) {
	v := templateView{Kind: k, Label: kindLabels[k], Body: body}
	var err error
	if v.Versions, err = s.Store.TemplateVersions(r.Context(), k, "en"); err != nil {
		return v, err
	}
	doc, findings, err := s.TryTemplate(k, body)
	if err != nil {
		v.Problem = fault.MessageOf(err)
		return v, nil
	}
	v.Doc, v.Findings = &doc, findings
	return v, nil
}

// builtinTemplate is the template that comes with breachdesk.
func builtinTemplate(k notice.Kind) (string, error) {
	body, err := notice.Builtin(k, "en")
	if err != nil {
		return "", fmt.Errorf("the built-in %s template: %w", k, err)
	}
	return body, nil
}

func (s *Server) templateEdit(w http.ResponseWriter, r *http.Request) {
	k, ok := parseKind(r.PathValue("kind"))
	if !ok {
		s.renderError(w, r, notFoundErr("There is no such template."))
		return
	}
	body, err := builtinTemplate(k)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	vs, err := s.Store.TemplateVersions(r.Context(), k, "en")
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if len(vs) > 0 {
		body = vs[0].Body
	}
	v, err := s.templateView(r, k, body)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, "template", "Template: "+kindLabels[k], v)
}

// templateSave previews, saves or restores. A version that loses required
// content is refused: templates cannot make notices non-compliant.
func (s *Server) templateSave(w http.ResponseWriter, r *http.Request) {
	k, ok := parseKind(r.PathValue("kind"))
	if !ok {
		s.renderError(w, r, notFoundErr("There is no such template."))
		return
	}
	body := r.PostFormValue("body")
	switch r.PostFormValue("op") {
	case "builtin":
		b, err := builtinTemplate(k)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		body = b
	case "restore":
		vs, err := s.Store.TemplateVersions(r.Context(), k, "en")
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		for _, v := range vs {
			if itoa(int64(v.Version)) == r.PostFormValue("version") {
				body = v.Body
			}
		}
	}
	v, err := s.templateView(r, k, body)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if r.PostFormValue("op") == "preview" || v.Problem != "" {
		status := http.StatusOK
		if v.Problem != "" {
			status = http.StatusUnprocessableEntity
		}
		s.renderStatus(w, r, status, "template", "Template: "+kindLabels[k], v)
		return
	}
	saved, err := s.SaveTemplate(r.Context(), currentUser(r), k, body, r.PostFormValue("note"))
	if fault.CodeOf(err) == fault.Invalid {
		v.Problem = fault.MessageOf(err)
		s.renderStatus(w, r, http.StatusUnprocessableEntity, "template", "Template: "+kindLabels[k], v)
		return
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.flash(w, "Saved as version "+itoa(int64(saved.Version))+"; new notices use it from now on.")
	http.Redirect(w, r, "/admin/templates/"+string(k), http.StatusSeeOther)
}
