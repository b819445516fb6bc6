package web

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/breachdesk/breachdesk/internal/app"
	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/incident"
	"github.com/breachdesk/breachdesk/internal/law"
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
	Head      incidentHead
	Inc       *incident.Incident
	Kind      notice.Kind
	Kinds     []notice.Kind
	Labels    map[notice.Kind]string
	Query     string
	Q         url.Values
	CanWork   bool
	CanExport bool
	Problem   string
	Doc       *notice.Document
	Findings  []notice.Finding
	Blocking  bool
	People    *peopleSummary
	// Text is the team's notice text as stored; the form shows it, or
	// the facts' wording while none is stored.
	Text     notice.Text
	TextForm url.Values
	// Places are who each person's notice names, by where they live.
	Places         []placeRow
	Published      []notice.Published
	URL            string
	Social, Advert string
}

func (s *Server) noticesPage(w http.ResponseWriter, r *http.Request) {
	k, ok := parseKind(r.URL.Query().Get("kind"))
	if !ok {
		k = notice.Individual
	}
	s.noticesView(w, r, k, "", nil)
}

// noticesView shows one kind of notice of the incident in the path; a
// refusal (err) is shown beside the form named failed, keeping what was
// typed.
func (s *Server) noticesView(w http.ResponseWriter, r *http.Request, k notice.Kind, failed string, refusal error) {
	inc, acc, err := s.incidentFor(r, auth.ReadAccess)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	ctx, u := r.Context(), currentUser(r)
	d := noticesPage{Head: s.head(r, inc, s.orgOrDefault(r), string(incident.Notify)), Inc: inc, Kind: k, Kinds: notice.Kinds, Labels: kindLabels, Query: r.URL.RawQuery, Q: r.URL.Query(),
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
	if d.Doc != nil && k == notice.Individual {
		d.Places = placesOf(ps, n.Data, s.Rules, notice.Applying(inc.Obligations))
	}
	if d.Text, err = s.NoticeText(ctx, u, inc.ID); err != nil {
		s.renderError(w, r, err)
		return
	}
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
	d.TextForm = textForm(d.Text, n.Data)
	v := s.view(w, r, "Notices for "+inc.Ref(), d)
	status := http.StatusOK
	if refusal != nil {
		v.Form, v.Errors, v.Message, v.Failed = r.PostForm, fault.FieldsOf(refusal), fault.MessageOf(refusal), failed
		status = statusOf(refusal)
		s.logIfInternal(r, refusal)
	}
	s.renderView(w, r, status, "notices", v)
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
	p, err := s.PublishNotice(r.Context(), currentUser(r), id, app.PublishRequest{Override: r.PostFormValue("override"), NotDirect: r.PostFormValue("not_direct")})
	if err != nil {
		s.noticesView(w, r, notice.Public, "publish", err)
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

// placeRow says what the notices to the people of one place name.
type placeRow struct {
	Place      string
	People     int
	Regulators []string
}

// placesOf groups the people by where they live and says which
// regulators each group's notice names.
func placesOf(ps []notice.Affected, d notice.Data, rules *law.Rules, applying map[string]bool) []placeRow {
	count := map[string]int{}
	for _, p := range ps {
		count[strings.ToUpper(p.Jurisdiction)]++
	}
	places := make([]string, 0, len(count))
	for pl := range count {
		places = append(places, pl)
	}
	sort.Strings(places)
	var out []placeRow
	for _, pl := range places {
		row := placeRow{Place: pl, People: count[pl]}
		if pl == "" {
			row.Place = "Not known (every law in play is named)"
		}
		one := d // as a notice to one person living there names them
		one.Person = &notice.Person{}
		one.Narrow(rules, applying, pl)
		for _, reg := range one.Regulators {
			row.Regulators = append(row.Regulators, reg.Short)
		}
		out = append(out, row)
	}
	return out
}

// textForm fills the notice text form: the team's text, or while none
// is stored, what the notice says now.
func textForm(t notice.Text, d notice.Data) url.Values {
	what, steps, advice := t.WhatHappened, t.Steps, t.Advice
	if what == "" {
		what = d.Breach.WhatHappened
	}
	if len(steps) == 0 {
		steps = d.Breach.Steps
	}
	if len(advice) == 0 {
		advice = d.Advice
	}
	return url.Values{"what_happened": {what}, "steps": {strings.Join(steps, "\n")}, "advice": {strings.Join(advice, "\n")}}
}

// saveNoticeText stores the team's notice text (see app.SaveNoticeText).
func (s *Server) saveNoticeText(w http.ResponseWriter, r *http.Request) {
	id := pathID(r, "id")
	k, ok := parseKind(r.PostFormValue("kind"))
	if !ok {
		k = notice.Individual
	}
	f := r.PostForm
	err := s.SaveNoticeText(r.Context(), currentUser(r), id, notice.Text{WhatHappened: f.Get("what_happened"),
		Steps: strings.Split(f.Get("steps"), "\n"), Advice: strings.Split(f.Get("advice"), "\n")})
	if err != nil {
		s.noticesView(w, r, k, "text", err)
		return
	}
	s.flash(w, "Notice text saved: every notice of this incident now says it; check each kind below.")
	http.Redirect(w, r, "/incidents/"+itoa(id)+"/notices?kind="+string(k)+"#text", http.StatusSeeOther)
}
