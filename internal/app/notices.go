package app

import (
	"bytes"
	"context"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/facts"
	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/incident"
	"github.com/breachdesk/breachdesk/internal/notice"
)

// NoticeOptions are a notice's choices beyond the incident: for whom,
// which stage, which phase.
type NoticeOptions struct {
	// PersonID writes a notice to individuals for one person of the
	// incident's list, and checks it for any other listed person's
	// details.
	PersonID int64
	// Stage is 1 for a first notice, 2 or more for an update that refers
	// to Previous (seed 001: information in stages).
	Stage    int
	Previous string
	// Phase is "follow-up" for a GDPR art 33(4) notification in phases.
	Phase       string
	DelayReason string
	// Option says who is told (s 26WL): everyone, or those at risk.
	Option notice.Option
}

// Notice is a rendered notice with the data it was written from and the
// checks it fails.
type Notice struct {
	Doc      notice.Document
	Data     notice.Data
	Findings []notice.Finding
}

// Blocking says whether a check the notice fails must be fixed first.
func (n Notice) Blocking() bool { return notice.Blocking(n.Findings) }

// Notice writes one kind of notice for an incident and checks it. Returns
// fault.Conflict before the incident is assessed and fault.NotFound for a
// person not on its list.
func (a *App) Notice(ctx context.Context, u *auth.User, id int64, k notice.Kind, opt NoticeOptions) (Notice, error) {
	inc, _, err := a.Open(ctx, u, id, auth.ReadAccess)
	if err != nil {
		return Notice{}, err
	}
	if err := a.teamOnly(ctx, u, inc); err != nil {
		return Notice{}, err
	}
	return a.notice(ctx, inc, k, opt)
}

func (a *App) notice(ctx context.Context, inc *incident.Incident, k notice.Kind, opt NoticeOptions) (Notice, error) {
	d, err := a.noticeData(ctx, inc, k, opt)
	if err != nil {
		return Notice{Data: d}, err
	}
	var ix *notice.People
	self := -1
	if opt.PersonID > 0 && k == notice.Individual {
		ps, err := a.Store.AffectedPeople(ctx, inc.ID)
		if err != nil {
			return Notice{Data: d}, err
		}
		for i := range ps {
			if ps[i].ID == opt.PersonID {
				d.Person, self = &ps[i].Person, i
				d.Narrow(a.Rules, notice.Applying(inc.Obligations), ps[i].Jurisdiction)
			}
		}
		if d.Person == nil {
			return Notice{Data: d}, fault.Errorf(fault.NotFound, "That person is not on this incident's list.")
		}
		ix = notice.IndexPeople(persons(ps))
	}
	doc, err := a.Writer.Render(d)
	if err != nil {
		return Notice{Doc: doc, Data: d}, err
	}
	findings := notice.Check(doc, d, notice.DefaultGrade)
	if ix != nil {
		findings = append(findings, ix.OverSharing(doc.PlainText(), self)...)
	}
	return Notice{Doc: doc, Data: d, Findings: findings}, nil
}

func persons(ps []notice.Affected) []notice.Person {
	out := make([]notice.Person, len(ps))
	for i := range ps {
		out[i] = ps[i].Person
	}
	return out
}

// noticeData gathers what a notice of kind k says about the incident.
func (a *App) noticeData(ctx context.Context, inc *incident.Incident, k notice.Kind, opt NoticeOptions) (notice.Data, error) {
	previous := ""
	if k == notice.NotifyUsUpdate {
		as, err := a.Store.Assessments(ctx, inc.ID)
		if err != nil {
			return notice.Data{}, err
		}
		if len(as) > 1 {
			previous = as[1].Facts
		}
	}
	o, err := a.Organisation(ctx)
	if err != nil {
		return notice.Data{}, err
	}
	d, err := notice.ForIncident(k, inc, o, a.Rules, previous, a.Now())
	if err != nil {
		return d, err
	}
	text, err := a.Store.NoticeText(ctx, inc.ID)
	if err != nil {
		return d, err
	}
	d.WithText(text)
	rv, err := a.Store.Review(ctx, inc.ID)
	if err != nil {
		return d, err
	}
	d.Prevention = prevention(rv, o.Location())
	if k == notice.Individual || k == notice.Public {
		ps, err := a.Store.PublishedFor(ctx, inc.ID)
		if err != nil {
			return d, err
		}
		if len(ps) > 0 {
			d.NoticeURL = a.BaseURL + "/notices/" + ps[0].Slug
			on, err := a.Store.LookupEnabled(ctx, inc.ID)
			if err != nil {
				return d, err
			}
			if on {
				d.LookupURL = a.BaseURL + "/lookup"
			}
		}
	}
	if err := a.deliveryData(ctx, inc.ID, &d); err != nil {
		return d, err
	}
	if opt.Stage > 1 {
		d.Stage = opt.Stage
	}
	if ref := strings.TrimSpace(opt.Previous); ref != "" {
		d.PreviousRef = ref
	}
	if opt.Phase == "follow-up" {
		d.Phase = "follow-up"
	}
	if reason := strings.TrimSpace(opt.DelayReason); reason != "" {
		d.DelayReason = reason
	}
	return d, nil
}

// PublishRequest is what a person gives when publishing the public notice.
type PublishRequest struct {
	// Override says why the notice goes out although its checks fail.
	Override string
	// NotDirect says why telling the people directly is not practicable
	// (time, effort, cost): needed when a law requires them to be told
	// and no one has been told directly, since the notice is then the way
	// they are told (s 26WL(2)(c), option 3; GDPR art 34(3)(c)).
	NotDirect string
}

// PublishNotice puts the incident's public notice at a stable address.
// Failing checks stop it unless req.Override records why it goes out
// anyway. Returns fault.Conflict for an exercise, when checks fail
// without a reason (its fields name "override"), or when the notice
// stands in for telling people directly without saying why that is not
// practicable (its fields name "not_direct").
func (a *App) PublishNotice(ctx context.Context, u *auth.User, id int64, req PublishRequest) (notice.Published, error) {
	inc, err := a.work(ctx, u, id, auth.WorkIncident)
	if err != nil {
		return notice.Published{}, err
	}
	if inc.IsExercise() {
		return notice.Published{}, fault.Errorf(fault.Conflict, "%s is a tabletop exercise: its public notice is never published. Print it or read it aloud in the debrief instead.", inc.Ref())
	}
	n, err := a.notice(ctx, inc, notice.Public, NoticeOptions{})
	if err != nil {
		return notice.Published{}, err
	}
	reason := strings.TrimSpace(req.Override)
	notDirect := strings.TrimSpace(req.NotDirect)
	// Both refusals are given at once, so that one more try is enough.
	refusal := &fault.Error{Code: fault.Conflict, Fields: map[string]string{}}
	if n.Blocking() && reason == "" {
		var msgs []string
		for _, f := range n.Findings {
			if f.Severity == notice.MustFix {
				msgs = append(msgs, f.Message)
			}
		}
		refusal.Message = "The public notice is not ready: " + strings.Join(msgs, " ") + " Fix these, or publish with a recorded reason."
		refusal.Fields["override"] = "Say why it is published although its checks fail."
	}
	if notDirect == "" && individualsRequired(inc.Obligations) {
		notDirect = noContactDetails(inc)
	}
	if notDirect == "" && individualsRequired(inc.Obligations) {
		cs, err := a.Store.Campaigns(ctx, inc.ID)
		if err != nil {
			return notice.Published{}, err
		}
		if len(cs) == 0 {
			refusal.Message = strings.TrimSpace(refusal.Message + " The people must be told, and no one has been told directly: publishing the notice instead is option 3 of s 26WL (GDPR art 34(3)(c)), allowed only when telling them directly is not practicable. Say why, or start notifying them from Notify people.")
			refusal.Fields["not_direct"] = "Say why telling the people directly is not practicable (time, effort, cost); the OAIC statement records it."
		}
	}
	if len(refusal.Fields) > 0 {
		return notice.Published{}, refusal
	}
	html, err := n.Doc.HTML("en", n.Doc.Description())
	if err != nil {
		return notice.Published{}, err
	}
	o, err := a.Organisation(ctx)
	if err != nil {
		return notice.Published{}, err
	}
	by := actorOf(u)
	p, err := a.Store.Publish(ctx, by.UserID, by.Name, notice.Published{IncidentID: inc.ID, Slug: notice.Slug(o.Name, a.Now()),
		Title: n.Doc.Title, Description: n.Doc.Description(), HTML: string(html), Text: n.Doc.Text(78), NotDirect: notDirect})
	if err == nil && reason != "" {
		_, err = a.Store.AddNote(ctx, by, inc.ID, incident.EntryDecision, "Published the public notice despite failing checks. Reason: "+reason)
	}
	return p, err
}

// People returns the incident's list of people to notify (decrypted).
func (a *App) People(ctx context.Context, u *auth.User, id int64) ([]notice.Affected, error) {
	inc, _, err := a.Open(ctx, u, id, auth.ReadAccess)
	if err != nil {
		return nil, err
	}
	if err := a.teamOnly(ctx, u, inc); err != nil {
		return nil, err
	}
	return a.Store.AffectedPeople(ctx, id)
}

// ImportPeople adds a contact list (CSV) to the incident's people, stored
// encrypted. Returns fault.Invalid, saying which line, for a list that
// cannot be read or none given (r nil).
func (a *App) ImportPeople(ctx context.Context, u *auth.User, id int64, r io.Reader) (int, error) {
	if _, err := a.work(ctx, u, id, auth.WorkIncident); err != nil {
		return 0, err
	}
	if r == nil {
		return 0, &fault.Error{Code: fault.Invalid, Message: "Choose the CSV file of the people to notify.", Fields: map[string]string{"file": "Choose a file."}}
	}
	ps, err := notice.ParsePeopleCSV(r)
	if err != nil {
		return 0, &fault.Error{Code: fault.Invalid, Message: err.Error(), Fields: map[string]string{"file": err.Error()}}
	}
	by := actorOf(u)
	return len(ps), a.Store.AddAffected(ctx, by.UserID, by.Name, id, ps)
}

// MarkAtRisk marks as at risk everyone whose exposed information includes
// one of the kinds cats; the others are not at risk. It returns how many
// of how many are at risk. Returns fault.Invalid when cats is empty.
func (a *App) MarkAtRisk(ctx context.Context, u *auth.User, id int64, cats []string) (atRisk, total int, err error) {
	if _, err := a.work(ctx, u, id, auth.WorkIncident); err != nil {
		return 0, 0, err
	}
	if len(cats) == 0 {
		return 0, 0, &fault.Error{Code: fault.Invalid, Message: "Choose at least one kind of information that puts a person at risk.", Fields: map[string]string{"category": "Choose at least one kind."}}
	}
	ps, err := a.Store.AffectedPeople(ctx, id)
	if err != nil {
		return 0, 0, err
	}
	flags := map[int64]bool{}
	for _, p := range ps {
		flags[p.ID] = notice.AtRiskBy(p.Person, cats)
		if flags[p.ID] {
			atRisk++
		}
	}
	by := actorOf(u)
	return atRisk, len(ps), a.Store.SetAtRisk(ctx, by.UserID, by.Name, id, flags)
}

// Letters renders the notice to individuals as one PDF print run: a
// personal letter, with its address in the envelope window, for each
// person the option chooses who has a postal address. Any letter that
// fails its checks (required content, or another person's details in
// it) stops the whole run, unless override records why it goes out
// anyway. The timeline records the letters produced.
func (a *App) Letters(ctx context.Context, u *auth.User, id int64, opt NoticeOptions, paper notice.Paper, override string) ([]byte, int, error) {
	inc, err := a.work(ctx, u, id, auth.WorkIncident)
	if err != nil {
		return nil, 0, err
	}
	if inc.IsExercise() {
		return nil, 0, fault.Errorf(fault.Conflict, "%s is a tabletop exercise: no letters are printed for it.", inc.Ref())
	}
	all, err := a.Store.AffectedPeople(ctx, id)
	if err != nil {
		return nil, 0, err
	}
	d, err := a.noticeData(ctx, inc, notice.Individual, opt)
	if err != nil {
		return nil, 0, err
	}
	ix := notice.IndexPeople(persons(all))
	index := map[int64]int{}
	for i, p := range all {
		index[p.ID] = i
	}
	override = strings.TrimSpace(override)
	b := notice.NewBatch(paper)
	n, overridden := 0, 0
	for _, p := range notice.Select(all, opt.Option) {
		if len(p.Address) == 0 {
			continue
		}
		pd := d
		pd.Person = &p.Person
		pd.Narrow(a.Rules, notice.Applying(inc.Obligations), p.Jurisdiction)
		doc, err := a.Writer.Render(pd)
		if err != nil {
			return nil, 0, err
		}
		findings := append(notice.Check(doc, pd, notice.DefaultGrade), ix.OverSharing(doc.PlainText(), index[p.ID])...)
		if notice.Blocking(findings) {
			if override == "" {
				for _, f := range findings {
					if f.Severity == notice.MustFix {
						return nil, 0, &fault.Error{Code: fault.Conflict, Message: "The letter to person " + strconv.FormatInt(p.ID, 10) + " cannot go out: " + f.Message + " Correct the notice (see its checks) and print again, or record why it goes out anyway.",
							Fields: map[string]string{"override": "Say why the letters go out although a check fails."}}
					}
				}
			}
			overridden++
		}
		b.AddLetter(doc, pd)
		n++
	}
	if n == 0 {
		return nil, 0, fault.Errorf(fault.Conflict, "Nobody the option chooses has a postal address.")
	}
	// The run is laid out in memory first, so the timeline records only
	// letters that were produced, before they are sent.
	var pdf bytes.Buffer
	if err := b.Write(&pdf); err != nil {
		return nil, 0, err
	}
	text := "Printed " + strconv.Itoa(n) + " personal letters (notice to individuals)."
	kind := incident.EntryExport
	if overridden > 0 {
		text = "Printed " + strconv.Itoa(n) + " personal letters although " + strconv.Itoa(overridden) + " failed their checks (override): " + override
		kind = incident.EntryDecision
	}
	if _, err := a.Store.AddNote(ctx, actorOf(u), inc.ID, kind, text); err != nil {
		return nil, 0, err
	}
	return pdf.Bytes(), n, nil
}

// NoticeText returns the incident's notice text as the team wrote it.
// Like the notices, it is the team's work: a reporter who is not on the
// team gets fault.Forbidden.
func (a *App) NoticeText(ctx context.Context, u *auth.User, id int64) (notice.Text, error) {
	inc, _, err := a.Open(ctx, u, id, auth.ReadAccess)
	if err != nil {
		return notice.Text{}, err
	}
	if err := a.teamOnly(ctx, u, inc); err != nil {
		return notice.Text{}, err
	}
	return a.Store.NoticeText(ctx, id)
}

// SaveNoticeText stores what the team writes for the incident's notices:
// what happened in plain words, the steps taken and the advice, each
// notice then saying it in place of the facts' wording. Returns
// fault.Invalid, naming the field, for text too long.
func (a *App) SaveNoticeText(ctx context.Context, u *auth.User, id int64, t notice.Text) error {
	if _, err := a.work(ctx, u, id, auth.WorkIncident); err != nil {
		return err
	}
	return a.Store.SaveNoticeText(ctx, actorOf(u), id, t)
}

// prevention says what will be done to stop a similar breach: each review
// action with its owner and due date, or the lessons while there are no
// actions.
func prevention(rv incident.ReviewRecord, loc *time.Location) []string {
	var out []string
	for _, act := range rv.Actions {
		s := act.Title
		switch {
		case act.Done:
			s += " (done)"
		case act.DueAt != nil:
			s += " (" + act.OwnerName + ", by " + act.DueAt.In(loc).Format("2 January 2006") + ")"
		}
		out = append(out, s)
	}
	if len(out) == 0 && strings.TrimSpace(rv.Lessons) != "" {
		out = append(out, strings.TrimSpace(rv.Lessons))
	}
	return out
}

// noContactDetails is why telling the people directly is not practicable
// when the assessed facts already say it: their contact details are not
// available (notification_constraints.contact_details_available: false).
// It is "" otherwise, and for facts that cannot be read, which then ask
// the person to say why.
func noContactDetails(inc *incident.Incident) string {
	if inc.Facts == "" {
		return ""
	}
	f, err := facts.Parse([]byte(inc.Facts))
	if err != nil || f.NotificationConstraints == nil || f.NotificationConstraints.ContactDetailsAvailable == nil || *f.NotificationConstraints.ContactDetailsAvailable {
		return ""
	}
	return "The people's contact details are not available, as the assessment records (notification_constraints.contact_details_available: no), so they cannot be told directly."
}

// individualsRequired says whether the incident has an obligation,
// still in force, to tell the affected people.
func individualsRequired(obs []incident.Obligation) bool {
	for _, o := range obs {
		if o.Audience == "individuals" && (o.Status == incident.ObligationPending || o.Status == incident.ObligationDone) {
			return true
		}
	}
	return false
}
