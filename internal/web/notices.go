package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/breachdesk/breachdesk/internal/app"
	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/incident"
	"github.com/breachdesk/breachdesk/internal/notice"
)

var kindLabels = map[notice.Kind]string{
	notice.NotifyUs: "NotifyUs report (NZ)", notice.NotifyUsUpdate: "NotifyUs update (NZ)", notice.OAIC: "OAIC statement (AU)",
	notice.OVIC: "OVIC report (VIC)", notice.GDPR: "Art 33 notification (GDPR)", notice.Individual: "Notice to individuals", notice.Public: "Public notice",
	notice.FAQ: "Call centre FAQ",
}

// noticeOptions reads a notice's options from the query or the form.
func noticeOptions(r *http.Request) app.NoticeOptions {
	q := r.URL.Query()
	o := app.NoticeOptions{Previous: q.Get("previous"), Phase: q.Get("phase"), DelayReason: q.Get("delay_reason"), Option: optionOf(r)}
	o.PersonID, _ = strconv.ParseInt(q.Get("person"), 10, 64)
	o.Stage, _ = strconv.Atoi(q.Get("stage"))
	return o
}

func parseKind(v string) (notice.Kind, bool) {
	for _, k := range notice.Kinds {
		if string(k) == v {
			return k, true
		}
	}
	return "", false
}

// noticesPage is the notices of an incident.
type noticesPage struct {
	Inc            *incident.Incident
	Kind           notice.Kind
	Kinds          []notice.Kind
	Labels         map[notice.Kind]string
	Query          string
	Q              url.Values
	CanWork        bool
	CanExport      bool
	Problem        string
	Doc            *notice.Document
	Findings       []notice.Finding
	Blocking       bool
	People         *peopleSummary
	Published      []notice.Published
	URL            string
	Social, Advert string
}

func (s *Server) noticesPage(w http.ResponseWriter, r *http.Request) {
	inc, acc, err := s.incidentFor(r, auth.ReadAccess)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	ctx, u := r.Context(), currentUser(r)
	k, ok := parseKind(r.URL.Query().Get("kind"))
	if !ok {
		k = notice.Individual
	}
	d := noticesPage{Inc: inc, Kind: k, Kinds: notice.Kinds, Labels: kindLabels, Query: r.URL.RawQuery, Q: r.URL.Query(),
		CanWork: acc >= auth.WorkAccess && u.Can(auth.WorkIncident), CanExport: u.Can(auth.ExportIncident)}
	n, err := s.Notice(ctx, u, inc.ID, k, noticeOptions(r))
	switch {
	case fault.CodeOf(err) == fault.Conflict || fault.CodeOf(err) == fault.NotFound:
		d.Problem = fault.MessageOf(err)
	case err != nil:
		s.renderError(w, r, err)
		return
	default:
		d.Doc, d.Findings, d.Blocking = &n.Doc, n.Findings, n.Blocking()
	}
	ps, err := s.People(ctx, u, inc.ID)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	sum := summarisePeople(ps, optionOf(r))
	d.People = &sum
	if d.Published, err = s.Store.PublishedFor(ctx, inc.ID); err != nil {
		s.renderError(w, r, err)
		return
	}
	if len(d.Published) > 0 {
		d.URL = s.BaseURL + "/notices/" + d.Published[0].Slug
		if d.Doc != nil && n.Data.Org.Name != "" {
			d.Social = notice.SocialPost(n.Data, d.URL)
			d.Advert = notice.PrintAdvertisement(n.Data, d.URL).Text(72)
		}
	}
	s.render(w, r, "notices", "Notices for "+inc.Ref(), d)
}

func (s *Server) noticeDownload(w http.ResponseWriter, r *http.Request) {
	k, ok := parseKind(r.PathValue("kind"))
	if !ok {
		s.renderError(w, r, notFoundErr("There is no such kind of notice."))
		return
	}
	id := pathID(r, "id")
	n, err := s.Notice(r.Context(), currentUser(r), id, k, noticeOptions(r))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	doc, d := n.Doc, n.Data
	name := fmt.Sprintf("INC-%04d-%s", id, k)
	switch r.PathValue("format") {
	case "txt":
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.txt"`)
		w.Write([]byte(doc.Text(78)))
	case "html":
		b, err := doc.HTML("en", doc.Description())
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.html"`)
		w.Write(b)
	case "pdf":
		w.Header().Set("Content-Type", "application/pdf")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.pdf"`)
		if err := doc.WritePDF(w, notice.PDFOptions{Paper: notice.A4, From: []string{d.Org.Name}, Date: d.Date(d.Now), Footer: d.Org.Name, Subject: doc.Title}); err != nil && s.Log != nil {
			s.Log.Error("notice pdf", "incident", id, "error", err)
		}
	default:
		s.renderError(w, r, notFoundErr("Download as txt, html or pdf."))
	}
}

// publishNotice puts the public notice at a stable address (see
// app.PublishNotice).
func (s *Server) publishNotice(w http.ResponseWriter, r *http.Request) {
	id := pathID(r, "id")
	p, err := s.PublishNotice(r.Context(), currentUser(r), id, r.PostFormValue("override"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.flash(w, "Published at "+s.BaseURL+"/notices/"+p.Slug)
	http.Redirect(w, r, "/incidents/"+itoa(id)+"/notices?kind=public", http.StatusSeeOther)
}

// publicNotice serves a published notice to anyone, with no account: a
// stable address search engines may index (seed 003).
func (s *Server) publicNotice(w http.ResponseWriter, r *http.Request) {
	p, err := s.Store.PublishedBySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		http.Error(w, "There is no notice at this address.", http.StatusNotFound)
		return
	}
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
	h.Set("Cache-Control", "public, max-age=300")
	h.Set("Content-Type", "text/html; charset=utf-8")
	w.Write([]byte(p.HTML))
}
