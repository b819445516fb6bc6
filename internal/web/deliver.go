package web

import (
	"encoding/csv"
	"errors"
	"html"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/breachdesk/breachdesk/internal/app"
	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/deliver"
	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/incident"
	"github.com/breachdesk/breachdesk/internal/notice"
)

// deliveryView is the incident's "Notify people" page.
type deliveryView struct {
	Head         incidentHead
	Inc          *incident.Incident
	Campaigns    []app.CampaignView
	People       int
	Problems     int
	ThirdParties []deliver.ThirdParty
	Enquiries    []deliver.Enquiry
	Lookup       bool
	Published    bool
	CanSend      bool
	Channels     []deliver.Channel
	TPKinds      []struct{ ID, Label string }
	EnqCats      []struct{ ID, Label string }
	EnqChannels  []string
	EnqOutcomes  []string
	Unconfigured []string
}

func (s *Server) deliveryData(r *http.Request, id int64) (deliveryView, error) {
	ctx, u := r.Context(), currentUser(r)
	inc, _, err := s.Open(ctx, u, id, auth.WorkAccess)
	if err != nil {
		return deliveryView{}, err
	}
	v := deliveryView{Head: s.head(r, inc, s.orgOrDefault(r), string(incident.Notify)), Inc: inc, CanSend: u.Can(auth.SendNotices), Channels: deliver.Channels, TPKinds: deliver.ThirdPartyKinds,
		EnqCats: deliver.EnquiryCategories, EnqChannels: app.EnquiryChannels, EnqOutcomes: app.EnquiryOutcomes}
	if v.Campaigns, err = s.Campaigns(ctx, u, id); err != nil {
		return v, err
	}
	running := deliver.Counts{}
	for _, c := range v.Campaigns {
		if c.Status == deliver.CampaignRunning {
			for ch, m := range c.Counts {
				for st, n := range m {
					running.Add(ch, st, n)
				}
			}
		}
	}
	v.Unconfigured = s.Waiting(running)
	problems, total, err := s.ContactProblems(ctx, u, id)
	if err != nil {
		return v, err
	}
	v.People, v.Problems = total, len(problems)
	if v.ThirdParties, err = s.ThirdParties(ctx, u, id); err != nil {
		return v, err
	}
	if v.Enquiries, err = s.Enquiries(ctx, u, id); err != nil {
		return v, err
	}
	if v.Lookup, err = s.LookupEnabled(ctx, id); err != nil {
		return v, err
	}
	ps, err := s.Store.PublishedFor(ctx, id)
	v.Published = len(ps) > 0
	return v, err
}

// deliveryPage shows the campaigns, the forms to start one, the third
// parties told, the enquiries and the lookup switch.
func (s *Server) deliveryPage(w http.ResponseWriter, r *http.Request) {
	s.renderDelivery(w, r, nil, nil)
}

// renderDelivery shows the page again, with a refused form's values and
// what must change beside it.
func (s *Server) renderDelivery(w http.ResponseWriter, r *http.Request, form url.Values, failed error) {
	v, err := s.deliveryData(r, pathID(r, "id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if form == nil {
		form = url.Values{"option": {"1"}, "channel": {"email", "sms", "letter"}}
	}
	s.renderForm(w, r, "delivery", "Notify people: "+v.Inc.Ref(), v, form, failed)
}

// startCampaign starts notifying the people (app.StartCampaign).
func (s *Server) startCampaign(w http.ResponseWriter, r *http.Request) {
	id := pathID(r, "id")
	req := app.CampaignRequest{Option: notice.OptionAll, Practicable: r.PostFormValue("practicable"), Update: r.PostFormValue("update") == "on",
		Resend: r.PostFormValue("resend") == "on", Override: r.PostFormValue("override")}
	if r.PostFormValue("option") == "2" {
		req.Option = notice.OptionAtRisk
	}
	for _, c := range r.PostForm["channel"] {
		req.Fallback = append(req.Fallback, deliver.Channel(c))
	}
	if len(req.Fallback) == 0 {
		s.renderDelivery(w, r, r.PostForm, &fault.Error{Code: fault.Invalid, Message: "Choose at least one channel.", Fields: map[string]string{"channel": "Choose at least one channel."}})
		return
	}
	c, err := s.StartCampaign(r.Context(), currentUser(r), id, req)
	if err != nil {
		s.renderDelivery(w, r, r.PostForm, err)
		return
	}
	s.flash(w, "Campaign "+itoa(c.ID)+" started: the people are being queued and the notices sent.")
	http.Redirect(w, r, "/incidents/"+itoa(id)+"/delivery/"+itoa(c.ID), http.StatusSeeOther)
}

// campaignView is one campaign's page.
type campaignView struct {
	Inc      *incident.Incident
	C        app.CampaignView
	Rows     []campaignRow
	Records  []deliver.Record
	Status   deliver.Status
	Next     int64
	Statuses []deliver.Status
	// Columns are the statuses some message has; Names the people of the
	// messages shown.
	Columns      []deliver.Status
	Names        map[int64]string
	Unconfigured []string
	CanSend      bool
	HasPhone     bool
	HasLetter    bool
	// RecordRows are the messages' table rows, written in Go:
	// html/template's reflective escaping of a hundred rows was most of
	// the page's CPU, and the page is watched while a campaign runs.
	RecordRows template.HTML
}

// recordRows writes the rows of the messages' table, each value escaped.
func recordRows(recs []deliver.Record, names map[int64]string, when func(*time.Time) string) template.HTML {
	if len(recs) == 0 {
		return `<tr><td colspan="7">None.</td></tr>`
	}
	var b strings.Builder
	b.Grow(len(recs) * 200)
	e := html.EscapeString
	for _, r := range recs {
		b.WriteString("<tr><td>")
		b.WriteString(strconv.FormatInt(r.ID, 10))
		b.WriteString("</td><td>")
		b.WriteString(e(names[r.PersonID]))
		b.WriteString("</td><td>")
		b.WriteString(e(deliver.ChannelLabel(r.Channel)))
		b.WriteString("</td><td>")
		b.WriteString(e(words(string(r.Status))))
		b.WriteString("</td><td>")
		b.WriteString(strconv.Itoa(r.Attempts))
		b.WriteString("</td><td>")
		b.WriteString(e(when(r.SentAt)))
		b.WriteString("</td><td><small>")
		b.WriteString(e(r.Detail))
		b.WriteString("</small></td></tr>\n")
	}
	return template.HTML(b.String())
}

type campaignRow struct {
	Channel deliver.Channel
	Counts  map[deliver.Status]int
	Total   int
}

// campaignStatuses are the columns of a campaign's table.
var campaignStatuses = []deliver.Status{deliver.Queued, deliver.Sent, deliver.Delivered, deliver.Printed, deliver.Reached, deliver.Voicemail,
	deliver.Bounced, deliver.Failed, deliver.Returned, deliver.WrongNumber, deliver.AskedForLetter, deliver.Cancelled}

func (s *Server) campaignPage(w http.ResponseWriter, r *http.Request) {
	s.renderCampaign(w, r, nil)
}

func (s *Server) renderCampaign(w http.ResponseWriter, r *http.Request, failed error) {
	ctx, u := r.Context(), currentUser(r)
	id, cid := pathID(r, "id"), pathID(r, "cid")
	status := deliver.Status(r.URL.Query().Get("status"))
	after, err := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	if err != nil {
		after = 0
	}
	pg, err := s.CampaignPage(ctx, u, id, cid, status, after, 100)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	inc, c := pg.Incident, pg.CampaignView
	v := campaignView{Inc: inc, C: c, Status: status, Statuses: campaignStatuses, CanSend: u.Can(auth.SendNotices), Records: pg.Records, Names: pg.Names}
	for _, ch := range deliver.Channels {
		if m := c.Counts[ch]; len(m) > 0 {
			row := campaignRow{Channel: ch, Counts: map[deliver.Status]int{}}
			for st, n := range m {
				row.Counts[st] += n
				row.Total += n
			}
			row.Counts[deliver.Queued] += m[deliver.Sending]
			v.Rows = append(v.Rows, row)
			v.HasPhone = v.HasPhone || ch == deliver.Phone
			v.HasLetter = v.HasLetter || ch == deliver.Letter
		}
	}
	for _, st := range campaignStatuses {
		for _, row := range v.Rows {
			if row.Counts[st] > 0 {
				v.Columns = append(v.Columns, st)
				break
			}
		}
	}
	if c.Status == deliver.CampaignRunning {
		v.Unconfigured = s.Waiting(c.Counts)
	}
	if len(v.Records) == 100 {
		v.Next = v.Records[99].ID
	}
	vw := s.view(w, r, "Campaign "+itoa(cid)+": "+inc.Ref(), v)
	v.RecordRows = recordRows(v.Records, v.Names, vw.TP)
	vw.Data = v
	if c.Status == deliver.CampaignRunning || c.Status == deliver.CampaignQueuing {
		vw.Refresh = 5
	}
	code := http.StatusOK
	if failed != nil {
		vw.Errors, vw.Message, code = fault.FieldsOf(failed), fault.MessageOf(failed), statusOf(failed)
		s.logIfInternal(r, failed)
	}
	vw.Form = r.PostForm
	s.renderView(w, r, code, "campaign", vw)
}

// campaignAction pauses, resumes, cancels, resends or prints a campaign.
func (s *Server) campaignAction(w http.ResponseWriter, r *http.Request) {
	ctx, u := r.Context(), currentUser(r)
	id, cid := pathID(r, "id"), pathID(r, "cid")
	var err error
	msg := ""
	switch r.PathValue("action") {
	case "pause":
		_, err = s.SetCampaign(ctx, u, id, cid, deliver.CampaignPaused)
		msg = "Paused: nothing more is sent until it is resumed."
	case "resume":
		_, err = s.SetCampaign(ctx, u, id, cid, deliver.CampaignRunning)
		msg = "Resumed."
	case "cancel":
		_, err = s.SetCampaign(ctx, u, id, cid, deliver.CampaignCancelled)
		msg = "Cancelled: what was not sent never will be."
	case "add":
		var n int
		n, err = s.AddToCampaign(ctx, u, id, cid)
		msg = strconv.Itoa(n) + " people added to the list since were queued; people already queued are not sent it again."
	case "resend":
		var q, unreachable int
		q, unreachable, err = s.ResendUndelivered(ctx, u, id, cid)
		msg = strconv.Itoa(q) + " notices queued again by another channel; " + strconv.Itoa(unreachable) + " people cannot be reached by any channel (they are for the public notice)."
	case "print":
		paper := notice.A4
		if r.PostFormValue("paper") == "letter" {
			paper = notice.Letter
		}
		var run app.PrintRun
		run, err = s.PrintLetters(ctx, u, id, cid, paper)
		if err == nil {
			msg = "Print run " + run.ID + ": " + strconv.Itoa(run.Letters) + " letters, " + strconv.Itoa(run.Pages) + " pages. Download the batches and the manifest below."
			s.flash(w, msg)
			http.Redirect(w, r, "/incidents/"+itoa(id)+"/delivery/"+itoa(cid)+"/print/"+url.PathEscape(run.ID), http.StatusSeeOther)
			return
		}
	default:
		err = fault.Errorf(fault.NotFound, "No such action.")
	}
	if err != nil {
		s.renderCampaign(w, r, err)
		return
	}
	s.flash(w, msg)
	http.Redirect(w, r, "/incidents/"+itoa(id)+"/delivery/"+itoa(cid), http.StatusSeeOther)
}

// printRunPage lists the files of a print run to download.
func (s *Server) printRunPage(w http.ResponseWriter, r *http.Request) {
	id, cid, run := pathID(r, "id"), pathID(r, "cid"), r.PathValue("run")
	files, err := s.PrintRunFiles(r.Context(), currentUser(r), id, run)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, "printrun", "Print run "+run, printRunView{ID: id, Campaign: cid, Run: run, Files: files})
}

// printRunView is one print run's files for the mail house.
type printRunView struct {
	ID, Campaign int64
	Run          string
	Files        []string
}

// printFile downloads a file of a print run.
func (s *Server) printFile(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	f, err := s.PrintFile(r.Context(), currentUser(r), pathID(r, "id"), name)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	defer f.Close()
	ct := "application/pdf"
	if strings.HasSuffix(name, ".csv") {
		ct = "text/csv; charset=utf-8"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	if _, err := io.Copy(w, f); err != nil {
		s.logIfInternal(r, err)
	}
}

// callList shows the calls still to make, with the phone script.
func (s *Server) callList(w http.ResponseWriter, r *http.Request) {
	s.renderCalls(w, r, nil)
}

func (s *Server) renderCalls(w http.ResponseWriter, r *http.Request, failed error) {
	id, cid := pathID(r, "id"), pathID(r, "cid")
	calls, script, err := s.Calls(r.Context(), currentUser(r), id, cid, 0, 200)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.renderForm(w, r, "calls", "Calls to make", callsView{ID: id, Campaign: cid, Calls: calls, Script: script, Outcomes: app.CallOutcomes}, r.PostForm, failed)
}

// callsView is a campaign's list of people to call, with the script and
// the outcomes to record.
type callsView struct {
	ID, Campaign int64
	Calls        []app.CallList
	Script       notice.Document
	Outcomes     []deliver.Status
}

// recordCall records what came of one call.
func (s *Server) recordCall(w http.ResponseWriter, r *http.Request) {
	id, cid := pathID(r, "id"), pathID(r, "cid")
	err := s.RecordCall(r.Context(), currentUser(r), id, formID(r, "entry"), deliver.Status(r.PostFormValue("outcome")), r.PostFormValue("note"))
	if err != nil {
		s.renderCalls(w, r, err)
		return
	}
	s.flash(w, "Call recorded.")
	http.Redirect(w, r, "/incidents/"+itoa(id)+"/delivery/"+itoa(cid)+"/calls", http.StatusSeeOther)
}

// contactProblems downloads the contact details that will not work, to
// correct before a campaign.
func (s *Server) contactProblems(w http.ResponseWriter, r *http.Request) {
	id := pathID(r, "id")
	problems, _, err := s.ContactProblems(r.Context(), currentUser(r), id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="INC-`+itoa(id)+`-contact-problems.csv"`)
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"person", "channel", "problem"}); err != nil {
		return
	}
	for pid, ps := range problems {
		for _, p := range ps {
			if err := cw.Write([]string{itoa(pid), string(p.Channel), csvCell(p.Reason)}); err != nil {
				return
			}
		}
	}
	cw.Flush()
}

// csvCell keeps a spreadsheet from reading a value as a formula.
func csvCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// importReturned marks letters returned from a mail house's file.
func (s *Server) importReturned(w http.ResponseWriter, r *http.Request) {
	id := pathID(r, "id")
	var file io.Reader
	if f, _, err := r.FormFile("file"); err == nil {
		defer f.Close()
		file = f
	} else {
		s.renderDelivery(w, r, r.PostForm, &fault.Error{Code: fault.Invalid, Message: "Choose the mail house's file of returned letters.", Fields: map[string]string{"file": "Choose a file."}})
		return
	}
	n, err := s.ImportReturned(r.Context(), currentUser(r), id, file)
	if err != nil {
		s.renderDelivery(w, r, r.PostForm, err)
		return
	}
	s.flash(w, strconv.Itoa(n)+" letters marked returned. Send them again by another channel from their campaign.")
	http.Redirect(w, r, "/incidents/"+itoa(id)+"/delivery", http.StatusSeeOther)
}

// addThirdParty records an organisation told about the breach.
func (s *Server) addThirdParty(w http.ResponseWriter, r *http.Request) {
	id := pathID(r, "id")
	t := deliver.ThirdParty{Kind: r.PostFormValue("kind"), Name: r.PostFormValue("name"), Contact: r.PostFormValue("contact"),
		Reference: r.PostFormValue("reference"), Notes: r.PostFormValue("notes")}
	if at := r.PostFormValue("at"); at != "" {
		when, err := time.ParseInLocation("2006-01-02T15:04", at, s.orgOrDefault(r).Location())
		if err != nil {
			s.renderDelivery(w, r, r.PostForm, &fault.Error{Code: fault.Invalid, Message: "Give the date and time they were told.", Fields: map[string]string{"at": "Use the date picker."}})
			return
		}
		t.At = when.UTC()
	}
	if _, err := s.AddThirdParty(r.Context(), currentUser(r), id, t); err != nil {
		s.renderDelivery(w, r, r.PostForm, err)
		return
	}
	s.flash(w, "Recorded that "+strings.TrimSpace(t.Name)+" was told.")
	http.Redirect(w, r, "/incidents/"+itoa(id)+"/delivery#third-parties", http.StatusSeeOther)
}

// addEnquiry logs an enquiry from an affected person or the public.
func (s *Server) addEnquiry(w http.ResponseWriter, r *http.Request) {
	id := pathID(r, "id")
	e := deliver.Enquiry{Channel: r.PostFormValue("channel"), Category: r.PostFormValue("category"), Outcome: r.PostFormValue("outcome"), Notes: r.PostFormValue("notes")}
	if _, err := s.AddEnquiry(r.Context(), currentUser(r), id, e); err != nil {
		s.renderDelivery(w, r, r.PostForm, err)
		return
	}
	s.flash(w, "Enquiry logged.")
	http.Redirect(w, r, "/incidents/"+itoa(id)+"/delivery#enquiries", http.StatusSeeOther)
}

// setLookup switches the personal lookup page on or off.
func (s *Server) setLookup(w http.ResponseWriter, r *http.Request) {
	id := pathID(r, "id")
	on := r.PostFormValue("enabled") == "on"
	if err := s.SetLookup(r.Context(), currentUser(r), id, on); err != nil {
		s.renderDelivery(w, r, r.PostForm, err)
		return
	}
	if on {
		s.flash(w, "The lookup page is on: people can read their own notice at /lookup with the reference on it.")
	} else {
		s.flash(w, "The lookup page is off.")
	}
	http.Redirect(w, r, "/incidents/"+itoa(id)+"/delivery#lookup", http.StatusSeeOther)
}

// lookupPage is the public "Was my information involved?" page.
func (s *Server) lookupPage(w http.ResponseWriter, r *http.Request) {
	s.renderForm(w, r, "lookup", "Was my information involved?", lookupView{PreCSRF: s.preToken(w, r)}, url.Values{}, nil)
}

type lookupView struct {
	PreCSRF string
	Notice  *app.PersonalNotice
}

// lookup answers the public lookup: the same message, after the same
// work, for a wrong reference, a wrong check value or a lookup that is
// off; throttled per address and per reference.
func (s *Server) lookup(w http.ResponseWriter, r *http.Request) {
	v := lookupView{PreCSRF: s.preToken(w, r)}
	ref, check := r.PostFormValue("reference"), r.PostFormValue("check")
	form := url.Values{"reference": {ref}}
	key := deliver.NormaliseReference(ref)
	ctx := r.Context()
	byAddr, wait, ok, err := s.lookupByAddress.Begin(ctx, clientAddr(r), "lookup")
	if err != nil {
		s.renderForm(w, r, "lookup", "Was my information involved?", v, form, err)
		return
	}
	if !ok {
		w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
		s.renderForm(w, r, "lookup", "Was my information involved?", v, form, fault.Errorf(fault.RateLimited, "Too many tries from here. Please wait %d minutes and try again, or call the organisation's number on your notice.", int(wait.Minutes())+1))
		return
	}
	byRef, wait, ok, err := s.lookupByReference.Begin(ctx, "any", key)
	if err != nil || !ok {
		if cerr := byAddr.Cancel(ctx); err == nil {
			err = cerr
		}
	}
	if err != nil {
		s.renderForm(w, r, "lookup", "Was my information involved?", v, form, err)
		return
	}
	if !ok {
		w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
		s.renderForm(w, r, "lookup", "Was my information involved?", v, form, fault.Errorf(fault.RateLimited, "Too many tries with this reference. Please wait %d minutes and try again, or call the organisation's number on your notice.", int(wait.Minutes())+1))
		return
	}
	n, err := s.Lookup(ctx, ref, check)
	if errors.Is(err, app.ErrLookupRefused) {
		s.renderForm(w, r, "lookup", "Was my information involved?", v, form, &fault.Error{Code: fault.NotFound,
			Message: "We could not find a notice with that reference and check value. Check both against your letter or email and try again.",
			Fields:  map[string]string{"reference": "As printed on your notice, e.g. 7Q2M-K9DT-4XRB-H1VN."}})
		return
	}
	if err != nil {
		s.renderForm(w, r, "lookup", "Was my information involved?", v, form, errors.Join(err, byAddr.Cancel(ctx), byRef.Cancel(ctx)))
		return
	}
	if err := errors.Join(byAddr.Succeeded(ctx), byRef.Succeeded(ctx)); err != nil {
		s.renderForm(w, r, "lookup", "Was my information involved?", v, form, err)
		return
	}
	v.Notice = &n
	w.Header().Set("Cache-Control", "no-store")
	s.renderForm(w, r, "lookup", "Your notice", v, url.Values{}, nil)
}

// clientAddr is the address a request came from, for throttles.
func clientAddr(r *http.Request) string {
	host := r.RemoteAddr
	if i := strings.LastIndexByte(host, ':'); i > 0 {
		host = host[:i]
	}
	return host
}

// smsReport records an SMS gateway's delivery report: Kannel's callback
// (GET, with %d as type) or an HTTP provider's status callback (POST).
func (s *Server) smsReport(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "malformed report", http.StatusBadRequest)
		return
	}
	entry, err := strconv.ParseInt(r.Form.Get("entry"), 10, 64)
	if err != nil {
		http.Error(w, "no entry", http.StatusBadRequest)
		return
	}
	var status deliver.Status
	var detail, source string
	switch {
	case r.Form.Get("type") != "":
		status, detail, err = deliver.KannelReport(r.Form)
		source = "kannel"
	case s.SMSGateway != nil:
		status, detail, err = s.SMSGateway.Report(r.Form)
		source = "gateway"
	default:
		err = errors.New("no SMS gateway reads this report")
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if err := s.SMSReport(r.Context(), entry, r.Form.Get("sig"), status, detail, source); err != nil {
		if fault.CodeOf(err) == fault.Forbidden {
			http.Error(w, "signature does not match", http.StatusForbidden)
			return
		}
		s.logIfInternal(r, err)
		http.Error(w, "try again later", http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// emailWebhook records the bounce and complaint webhooks of the common
// email providers, each checked before anything is recorded.
func (s *Server) emailWebhook(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, deliver.MaxWebhookBytes))
	if err != nil {
		http.Error(w, "body too large or cut short", http.StatusRequestEntityTooLarge)
		return
	}
	var events []deliver.Event
	switch r.PathValue("provider") {
	case "ses":
		var confirm string
		events, confirm, err = s.Webhooks.SES(r.Context(), body)
		if err == nil && confirm != "" {
			// Confirming the subscription is a person's decision: the URL
			// is logged for the operator to visit, not fetched from here.
			s.Log.Info("SES: an SNS subscription asks to be confirmed; visit its SubscribeURL to confirm", "topic_confirm_url", confirm)
		}
	case "sendgrid":
		events, err = s.Webhooks.SendGrid(body, r.Header.Get("X-Twilio-Email-Event-Webhook-Signature"), r.Header.Get("X-Twilio-Email-Event-Webhook-Timestamp"))
	case "postmark":
		user, pass, _ := r.BasicAuth()
		events, err = s.Webhooks.Postmark(body, user, pass)
	case "mailgun":
		events, err = s.Webhooks.Mailgun(body)
	default:
		http.Error(w, "unknown provider", http.StatusNotFound)
		return
	}
	switch {
	case errors.Is(err, deliver.ErrUnauthenticated):
		http.Error(w, "signature or credentials do not match", http.StatusUnauthorized)
		return
	case err != nil:
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if len(events) > 0 {
		if _, err := s.DeliveryEvents(r.Context(), events); err != nil {
			s.logIfInternal(r, err)
			http.Error(w, "try again later", http.StatusServiceUnavailable)
			return
		}
	}
	w.WriteHeader(http.StatusNoContent)
}
