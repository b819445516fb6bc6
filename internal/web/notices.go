package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/incident"
	"github.com/breachdesk/breachdesk/internal/notice"
)

var kindLabels = map[notice.Kind]string{
	notice.NotifyUs: "NotifyUs report (NZ)", notice.NotifyUsUpdate: "NotifyUs update (NZ)", notice.OAIC: "OAIC statement (AU)",
	notice.OVIC: "OVIC report (VIC)", notice.GDPR: "Art 33 notification (GDPR)", notice.Individual: "Notice to individuals", notice.Public: "Public notice",
}

// renderNotice writes one kind of notice for an incident and checks it.
// A notice to individuals is written for one person of the incident's
// list when the page asks (?person=ID), and then also checked for any
// other listed person's details.
func (s *Server) renderNotice(r *http.Request, inc *incident.Incident, k notice.Kind) (notice.Document, notice.Data, []notice.Finding, error) {
	d, err := s.noticeData(r, inc, k)
	if err != nil {
		return notice.Document{}, d, nil, err
	}
	var ix *notice.People
	self := -1
	if pid, _ := strconv.ParseInt(r.URL.Query().Get("person"), 10, 64); pid > 0 && k == notice.Individual && s.People != nil {
		ps, err := s.People.AffectedPeople(r.Context(), inc.ID)
		if err != nil {
			return notice.Document{}, d, nil, err
		}
		for i := range ps {
			if ps[i].ID == pid {
				d.Person, self = &ps[i].Person, i
			}
		}
		if d.Person == nil {
			return notice.Document{}, d, nil, notFoundErr("That person is not on this incident's list.")
		}
		ix = notice.IndexPeople(persons(ps))
	}
	doc, err := s.Writer.Render(d)
	if err != nil {
		return doc, d, nil, err
	}
	findings := notice.Check(doc, d, notice.DefaultGrade)
	if ix != nil {
		findings = append(findings, ix.OverSharing(doc.PlainText(), self)...)
	}
	return doc, d, findings, nil
}

func persons(ps []notice.Affected) []notice.Person {
	out := make([]notice.Person, len(ps))
	for i := range ps {
		out[i] = ps[i].Person
	}
	return out
}

// noticeData gathers what a notice of kind k says about the incident,
// with the page's options (stage, phase, reasons for delay).
func (s *Server) noticeData(r *http.Request, inc *incident.Incident, k notice.Kind) (notice.Data, error) {
	previous := ""
	if k == notice.NotifyUsUpdate {
		if as, err := s.Incidents.Assessments(r.Context(), inc.ID); err == nil && len(as) > 1 {
			previous = as[1].Facts
		}
	}
	d, err := notice.ForIncident(k, inc, s.orgOrDefault(r.Context()), s.Rules, previous, s.Now())
	if err != nil {
		return d, err
	}
	if k == notice.Individual || k == notice.Public {
		d.NoticeURL = s.latestNoticeURL(r, inc.ID)
	}
	// Staged notices and phased notifications (seed 001: information in
	// stages; GDPR art 33(4)) come from the page's options.
	q := r.URL.Query()
	if n, err := strconv.Atoi(q.Get("stage")); err == nil && n > 1 {
		d.Stage = n
	}
	if ref := strings.TrimSpace(q.Get("previous")); ref != "" {
		d.PreviousRef = ref
	}
	if q.Get("phase") == "follow-up" {
		d.Phase = "follow-up"
	}
	if reason := strings.TrimSpace(q.Get("delay_reason")); reason != "" {
		d.DelayReason = reason
	}
	return d, nil
}

func (s *Server) latestNoticeURL(r *http.Request, incidentID int64) string {
	if ps, err := s.Notices.PublishedFor(r.Context(), incidentID); err == nil && len(ps) > 0 {
		return s.BaseURL + "/notices/" + ps[0].Slug
	}
	return ""
}

func parseKind(v string) (notice.Kind, bool) {
	for _, k := range notice.Kinds {
		if string(k) == v {
			return k, true
		}
	}
	return "", false
}

func (s *Server) noticesPage(w http.ResponseWriter, r *http.Request) {
	inc, acc, err := s.incidentFor(r, auth.ReadAccess)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	k, ok := parseKind(r.URL.Query().Get("kind"))
	if !ok {
		k = notice.Individual
	}
	data := map[string]any{"Inc": inc, "Kind": k, "Kinds": notice.Kinds, "Labels": kindLabels, "Query": r.URL.RawQuery, "Q": r.URL.Query(),
		"CanWork": acc >= auth.WorkAccess && currentUser(r).Can(auth.WorkIncident), "CanExport": currentUser(r).Can(auth.ExportIncident)}
	doc, d, findings, err := s.renderNotice(r, inc, k)
	if err != nil {
		data["Problem"] = fault.MessageOf(err)
	} else {
		data["Doc"], data["Findings"], data["Blocking"] = doc, findings, notice.Blocking(findings)
	}
	if s.People != nil {
		if ps, err := s.People.AffectedPeople(r.Context(), inc.ID); err == nil {
			data["People"] = summarisePeople(ps, optionOf(r))
		} else {
			data["PeopleProblem"] = fault.MessageOf(err)
		}
	}
	if ps, err := s.Notices.PublishedFor(r.Context(), inc.ID); err == nil && len(ps) > 0 {
		url := s.BaseURL + "/notices/" + ps[0].Slug
		data["Published"], data["URL"] = ps, url
		if err == nil && d.Org.Name != "" {
			data["Social"] = notice.SocialPost(d, url)
			data["Advert"] = notice.PrintAdvertisement(d, url).Text(72)
		}
	}
	s.render(w, r, "notices", "Notices for "+inc.Ref(), data)
}

func (s *Server) noticeDownload(w http.ResponseWriter, r *http.Request) {
	inc, _, err := s.incidentFor(r, auth.ReadAccess)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	k, ok := parseKind(r.PathValue("kind"))
	if !ok {
		s.renderError(w, r, notFoundErr("There is no such kind of notice."))
		return
	}
	doc, d, _, err := s.renderNotice(r, inc, k)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	name := inc.Ref() + "-" + string(k)
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
			s.Log.Error("notice pdf", "incident", inc.ID, "error", err)
		}
	default:
		s.renderError(w, r, notFoundErr("Download as txt, html or pdf."))
	}
}

// publishNotice puts the public notice at a stable address. Failing
// checks stop it unless the person records why it goes out anyway.
func (s *Server) publishNotice(w http.ResponseWriter, r *http.Request) {
	inc, _, err := s.incidentFor(r, auth.WorkAccess)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if inc.IsExercise() {
		s.renderError(w, r, fault.Errorf(fault.Conflict, "%s is a tabletop exercise: its public notice is never published. Print it or read it aloud in the debrief instead.", inc.Ref()))
		return
	}
	doc, _, findings, err := s.renderNotice(r, inc, notice.Public)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	reason := strings.TrimSpace(r.PostFormValue("override"))
	if notice.Blocking(findings) && reason == "" {
		var msgs []string
		for _, f := range findings {
			if f.Severity == notice.MustFix {
				msgs = append(msgs, f.Message)
			}
		}
		s.renderError(w, r, &fault.Error{Code: fault.Conflict, Message: "The public notice is not ready: " + strings.Join(msgs, " ") + " Fix these, or publish with a recorded reason."})
		return
	}
	html, err := doc.HTML("en", doc.Description())
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	o := s.orgOrDefault(r.Context())
	by := actor(r)
	p, err := s.Notices.Publish(r.Context(), by.UserID, by.Name, notice.Published{IncidentID: inc.ID, Slug: notice.Slug(o.Name, s.Now()),
		Title: doc.Title, Description: doc.Description(), HTML: string(html), Text: doc.Text(78)})
	if err == nil && reason != "" {
		_, err = s.Incidents.AddNote(r.Context(), by, inc.ID, incident.EntryDecision, "Published the public notice despite failing checks. Reason: "+reason)
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.flash(w, "Published at "+s.BaseURL+"/notices/"+p.Slug)
	http.Redirect(w, r, "/incidents/"+itoa(inc.ID)+"/notices?kind=public", http.StatusSeeOther)
}

// publicNotice serves a published notice to anyone, with no account: a
// stable address search engines may index (seed 003).
func (s *Server) publicNotice(w http.ResponseWriter, r *http.Request) {
	p, err := s.Notices.PublishedBySlug(r.Context(), r.PathValue("slug"))
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
