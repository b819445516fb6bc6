package app

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/mail"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/deliver"
	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/incident"
	"github.com/breachdesk/breachdesk/internal/notice"
)

// DeliveryConfig holds the settings for sending notices to people.
type DeliveryConfig struct {
	// From is the sender of notices by email (e.g. "Northwind Health
	// <privacy@northwind.example>"); ReplyTo where answers go.
	From    *mail.Address
	ReplyTo *mail.Address
	// BounceAddr is the plain address of the bounce listener
	// (bounces@notices.example.org): each message's return path is a
	// signed variant of it. Empty: bounces go to From.
	BounceAddr string
	// Fallback is the order of channels after each person's usual method.
	Fallback []deliver.Channel
	// EmailReady and SMSReady say that this process sends by email and by
	// SMS (its workers have a server and a gateway configured).
	EmailReady, SMSReady bool
}

// Waiting says, in words for the campaign's page, what its queued
// messages wait for that no worker of this process will do: email or SMS
// not configured here, letters to print, calls to make.
func (a *App) Waiting(n deliver.Counts) []string {
	var out []string
	queued := func(ch deliver.Channel) int { return n[ch][deliver.Queued] + n[ch][deliver.Sending] }
	if k := queued(deliver.Email); k > 0 && !a.Delivery.EmailReady {
		out = append(out, fmt.Sprintf("%s wait: this server sends no email (set --smtp-addr and --notice-from), so they go when a server or worker that does takes them.", plural(k, "email", "emails")))
	}
	if k := queued(deliver.SMS); k > 0 && !a.Delivery.SMSReady {
		out = append(out, fmt.Sprintf("%s wait: this server has no SMS gateway (--sms-kannel-url or --sms-gateway-url), so they go when a server or worker that has one takes them.", plural(k, "text message", "text messages")))
	}
	if k := queued(deliver.Letter); k > 0 {
		out = append(out, fmt.Sprintf("%s for a print run for the mail house.", plural(k, "letter waits", "letters wait")))
	}
	if k := queued(deliver.Phone); k > 0 {
		out = append(out, fmt.Sprintf("%s on the call list.", plural(k, "call waits", "calls wait")))
	}
	return out
}

// plural writes a count with the word that agrees with it.
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// peoplePage is how many people a campaign queues per transaction (a
// few megabytes of people in memory; fewer commits when queuing a
// million).
const peoplePage = 5000

// CampaignRequest is what a privacy officer chooses when starting to
// notify people.
type CampaignRequest struct {
	// Option is s 26WL's: 1 everyone, 2 only those at risk.
	Option notice.Option
	// Practicable says why notifying people directly is practicable
	// (required: the OAIC statement says so).
	Practicable string
	// Fallback is the order of channels after each person's usual
	// method; empty takes the server's default.
	Fallback []deliver.Channel
	// Update sends the next stage (an update) to everyone already told.
	Update bool
	// Resend confirms sending this stage again to people who had it.
	Resend bool
	// Override records why the notice goes out although a check fails.
	Override string
}

// deliveryKeys are the keys derived from the delivery secret.
type deliveryKeys struct {
	messageID, recipient, lookup, callback []byte
	bounces                                *deliver.Bounces
}

func derive(secret []byte, purpose string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(purpose))
	return m.Sum(nil)
}

// keys loads the delivery secret once.
func (a *App) keys(ctx context.Context) (*deliveryKeys, error) {
	a.keysMu.Lock()
	defer a.keysMu.Unlock()
	if a.dkeys != nil {
		return a.dkeys, nil
	}
	secret, err := a.Store.Secret(ctx, "delivery")
	if err != nil {
		return nil, err
	}
	k := &deliveryKeys{messageID: derive(secret, "message-id"), recipient: derive(secret, "recipient"),
		lookup: derive(secret, "lookup"), callback: derive(secret, "callback")}
	if a.Delivery.BounceAddr != "" {
		if k.bounces, err = deliver.NewBounces(derive(secret, "verp"), a.Delivery.BounceAddr); err != nil {
			return nil, err
		}
	}
	a.dkeys = k
	return k, nil
}

// Bounces returns the VERP codec of the bounce listener (nil when no
// bounce address is configured).
func (a *App) Bounces(ctx context.Context) (*deliver.Bounces, error) {
	k, err := a.keys(ctx)
	if err != nil {
		return nil, err
	}
	return k.bounces, nil
}

// recipientKey is the keyed hash a provider's report naming only the
// recipient is matched by.
func (k *deliveryKeys) recipientKey(addr string) []byte {
	addr = strings.ToLower(strings.TrimSpace(addr))
	if addr == "" {
		return nil
	}
	m := hmac.New(sha256.New, k.recipient)
	m.Write([]byte(addr))
	return m.Sum(nil)[:16]
}

// CallbackSignature signs an outbox entry id for a gateway's callback URL,
// so a forged delivery report cannot change anyone's message.
func (a *App) CallbackSignature(ctx context.Context, entryID int64) (string, error) {
	k, err := a.keys(ctx)
	if err != nil {
		return "", err
	}
	m := hmac.New(sha256.New, k.callback)
	fmt.Fprintf(m, "%d", entryID)
	return hex.EncodeToString(m.Sum(nil)[:16]), nil
}

func contactOf(p notice.Affected) deliver.Contact {
	return deliver.Contact{Prefers: deliver.Channel(p.Prefers), Email: p.Email, Phone: p.Phone, Address: p.Address, Country: p.Jurisdiction}
}

// addressOf is what a channel sends to, for the recipient's key.
func addressOf(c deliver.Contact, ch deliver.Channel) string {
	switch ch {
	case deliver.Email:
		return c.Email
	case deliver.SMS, deliver.Phone:
		e164, err := deliver.PhoneE164(c.Phone, c.Country)
		if err != nil {
			return ""
		}
		return e164
	}
	return ""
}

// ContactProblems lists the contact details of an incident's people that
// will not work, for the list a person corrects before a campaign: by
// person, each problem with its channel. It reads the list a page at a
// time.
func (a *App) ContactProblems(ctx context.Context, u *auth.User, id int64) (map[int64][]deliver.Problem, int, error) {
	if _, err := a.work(ctx, u, id, auth.WorkIncident); err != nil {
		return nil, 0, err
	}
	out := map[int64][]deliver.Problem{}
	total := 0
	err := a.eachPerson(ctx, id, func(ps []notice.Affected) error {
		for _, p := range ps {
			total++
			if pr := contactOf(p).Problems(); len(pr) > 0 {
				out[p.ID] = pr
			}
		}
		return nil
	})
	return out, total, err
}

// eachPerson reads an incident's people a page at a time.
func (a *App) eachPerson(ctx context.Context, incidentID int64, fn func([]notice.Affected) error) error {
	var after int64
	for {
		ps, err := a.Store.AffectedPage(ctx, incidentID, after, peoplePage)
		if err != nil {
			return err
		}
		if len(ps) == 0 {
			return nil
		}
		if err := fn(ps); err != nil {
			return err
		}
		after = ps[len(ps)-1].ID
	}
}

// StartCampaign starts notifying an incident's people: it checks the
// notice (required content for each law, plain English, and that the
// shared text names none of the people), records the campaign, and
// leaves the queuing and sending to the workers. A stage already sent to
// someone is not sent to them again unless Resend says so.
//
// Errors: fault.Forbidden without the permission to send notices;
// fault.Conflict for an exercise, an incident not yet assessed, no people,
// a notice that fails its checks without an Override, a campaign of the
// same stage still running; fault.Invalid (fields named) for a missing
// reason or an unknown channel.
func (a *App) StartCampaign(ctx context.Context, u *auth.User, id int64, req CampaignRequest) (deliver.Campaign, error) {
	if err := may(u, auth.SendNotices); err != nil {
		return deliver.Campaign{}, err
	}
	inc, err := a.work(ctx, u, id, auth.WorkIncident)
	if err != nil {
		return deliver.Campaign{}, err
	}
	if inc.IsExercise() {
		return deliver.Campaign{}, fault.Errorf(fault.Conflict, "%s is a tabletop exercise: no notices are sent to people for it.", inc.Ref())
	}
	if inc.Facts == "" {
		return deliver.Campaign{}, fault.Errorf(fault.Conflict, "Record an assessment first: the notice says what happened and what people can do from it.")
	}
	fields := map[string]string{}
	if strings.TrimSpace(req.Practicable) == "" {
		fields["practicable"] = "Say why telling people directly is practicable (time, effort, cost): the OAIC statement records it (s 26WL)."
	}
	if req.Option != notice.OptionAll && req.Option != notice.OptionAtRisk {
		fields["option"] = "Choose option 1 (everyone) or option 2 (only those at risk)."
	}
	if len(req.Fallback) == 0 {
		req.Fallback = a.Delivery.Fallback
	}
	if len(req.Fallback) == 0 {
		req.Fallback = []deliver.Channel{deliver.Email, deliver.SMS, deliver.Letter}
	}
	for _, ch := range req.Fallback {
		if _, err := deliver.ParseChannel(string(ch)); err != nil {
			fields["fallback"] = err.Error()
		}
	}
	if len(fields) > 0 {
		return deliver.Campaign{}, &fault.Error{Code: fault.Invalid, Message: "Complete the campaign's choices.", Fields: fields}
	}
	existing, err := a.Store.Campaigns(ctx, id)
	if err != nil {
		return deliver.Campaign{}, err
	}
	stage := 1
	for _, c := range existing {
		if c.Status == deliver.CampaignQueuing || c.Status == deliver.CampaignRunning || c.Status == deliver.CampaignPaused {
			return deliver.Campaign{}, fault.Errorf(fault.Conflict, "Campaign %d (stage %d) is still %s: let it finish, or cancel it, before starting another.", c.ID, c.Stage, c.Status)
		}
		if c.Status != deliver.CampaignCancelled && c.Stage >= stage {
			stage = c.Stage
			if req.Update {
				stage = c.Stage + 1
			}
		}
	}
	if req.Update && stage == 1 {
		return deliver.Campaign{}, fault.Errorf(fault.Conflict, "No one has been told yet: send the first notice before an update.")
	}
	if !req.Update && !req.Resend {
		for _, c := range existing {
			if c.Status != deliver.CampaignCancelled && c.Stage == stage {
				return deliver.Campaign{}, &fault.Error{Code: fault.Conflict, Message: fmt.Sprintf("Stage %d was already sent in campaign %d. To reach people added to the list since, add them to that campaign; to tell everyone something new, send an update; to send this stage again, confirm a resend.", stage, c.ID),
					Fields: map[string]string{"resend": "Confirm to send this stage again to people who already had it."}}
			}
		}
	}
	if err := a.preflight(ctx, inc, req, stage); err != nil {
		return deliver.Campaign{}, err
	}
	by := actorOf(u)
	c, err := a.Store.CreateCampaign(ctx, by, deliver.Campaign{IncidentID: id, Stage: stage, Version: len(existing) + 1, Option: int(req.Option),
		Practicable: strings.TrimSpace(req.Practicable), Fallback: req.Fallback, Resend: req.Resend})
	if err != nil {
		return c, err
	}
	if o := strings.TrimSpace(req.Override); o != "" {
		if _, err := a.Store.AddNote(ctx, by, id, incident.EntryDecision, "Notices to people sent although their checks fail. Reason: "+o); err != nil {
			return c, err
		}
	}
	return c, nil
}

// preflight checks the notice before any is sent: rendered for the first
// person it goes to, it must hold what each law requires, and its shared
// text must name none of the people (streamed past the whole list).
func (a *App) preflight(ctx context.Context, inc *incident.Incident, req CampaignRequest, stage int) error {
	var first *notice.Affected
	err := a.eachPerson(ctx, inc.ID, func(ps []notice.Affected) error {
		for i := range ps {
			if req.Option == notice.OptionAtRisk && !ps[i].AtRisk {
				continue
			}
			first = &ps[i]
			return errStop
		}
		return nil
	})
	if err != nil && !errors.Is(err, errStop) {
		return err
	}
	if first == nil {
		return fault.Errorf(fault.Conflict, "The option chooses nobody: add the people to notify (a scan or a contact list), or mark who is at risk.")
	}
	n, err := a.notice(ctx, inc, notice.Individual, NoticeOptions{Stage: stage, Option: req.Option})
	if err != nil {
		return err
	}
	shared := notice.IndexText(n.Doc.PlainText())
	var problems []string
	for _, f := range n.Findings {
		if f.Severity == notice.MustFix {
			problems = append(problems, f.Message)
		}
	}
	named := 0
	err = a.eachPerson(ctx, inc.ID, func(ps []notice.Affected) error {
		for _, p := range ps {
			if what := shared.Of(p.Person); what != "" {
				named++
				if named == 1 {
					problems = append(problems, fmt.Sprintf("The notice's shared text holds the %s of person %d on the list: every person would receive it.", what, p.ID))
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if len(problems) > 0 && strings.TrimSpace(req.Override) == "" {
		return &fault.Error{Code: fault.Conflict, Message: "The notice is not ready to send: " + strings.Join(problems, " ") + " Correct the notice (see its checks), or record why it goes out anyway.",
			Fields: map[string]string{"override": "Say why the notices go out although a check fails."}}
	}
	return nil
}

var errStop = errors.New("stop")

// SetCampaign pauses, resumes or cancels a campaign. Errors:
// fault.Forbidden without the permission; fault.Conflict for a change
// its status forbids (a cancelled campaign never resumes).
func (a *App) SetCampaign(ctx context.Context, u *auth.User, id, campaignID int64, to deliver.CampaignStatus) (deliver.Campaign, error) {
	if err := may(u, auth.SendNotices); err != nil {
		return deliver.Campaign{}, err
	}
	if _, err := a.work(ctx, u, id, auth.WorkIncident); err != nil {
		return deliver.Campaign{}, err
	}
	switch to {
	case deliver.CampaignPaused, deliver.CampaignRunning, deliver.CampaignCancelled:
	default:
		return deliver.Campaign{}, fault.Errorf(fault.Invalid, "A campaign can be paused, resumed or cancelled.")
	}
	return a.Store.SetCampaignStatus(ctx, actorOf(u), id, campaignID, to, -1)
}

// CampaignView is a campaign with its figures, for its page.
type CampaignView struct {
	deliver.Campaign
	Counts   deliver.Counts
	Progress deliver.Progress
}

// Campaigns lists an incident's campaigns with their figures.
func (a *App) Campaigns(ctx context.Context, u *auth.User, id int64) ([]CampaignView, error) {
	if _, _, err := a.Open(ctx, u, id, auth.WorkAccess); err != nil {
		return nil, err
	}
	cs, err := a.Store.Campaigns(ctx, id)
	if err != nil {
		return nil, err
	}
	out := make([]CampaignView, 0, len(cs))
	for _, c := range cs {
		v, err := a.campaignView(ctx, c)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// Campaign returns one campaign with its figures.
func (a *App) Campaign(ctx context.Context, u *auth.User, id, campaignID int64) (CampaignView, error) {
	if _, _, err := a.Open(ctx, u, id, auth.WorkAccess); err != nil {
		return CampaignView{}, err
	}
	c, err := a.Store.Campaign(ctx, id, campaignID)
	if err != nil {
		return CampaignView{}, err
	}
	return a.campaignView(ctx, c)
}

func (a *App) campaignView(ctx context.Context, c deliver.Campaign) (CampaignView, error) {
	n, err := a.Store.CampaignCounts(ctx, c.ID)
	if err != nil {
		return CampaignView{}, err
	}
	return CampaignView{Campaign: c, Counts: n, Progress: deliver.ProgressOf(c, n, a.Now())}, nil
}

// CampaignRecords lists a campaign's messages with a status, a page at a
// time after the given message id.
func (a *App) CampaignRecords(ctx context.Context, u *auth.User, id, campaignID int64, status deliver.Status, after int64, limit int) ([]deliver.Record, error) {
	if _, _, err := a.Open(ctx, u, id, auth.WorkAccess); err != nil {
		return nil, err
	}
	if _, err := a.Store.Campaign(ctx, id, campaignID); err != nil {
		return nil, err
	}
	return a.Store.Records(ctx, campaignID, status, after, min(max(limit, 1), 1000))
}

// CampaignPage is what a campaign's page shows: the incident, the
// campaign with its counts, a page of its messages with a status ("" for
// all) after a message id, and the names of their people (the response
// team may see who is on the list).
type CampaignPage struct {
	Incident *incident.Incident
	CampaignView
	Records []deliver.Record
	Names   map[int64]string
}

// CampaignPage reads a campaign's page with one check of the incident
// (the page is watched, refreshed every few seconds, while notices go
// out).
func (a *App) CampaignPage(ctx context.Context, u *auth.User, id, campaignID int64, status deliver.Status, after int64, limit int) (CampaignPage, error) {
	inc, _, err := a.Open(ctx, u, id, auth.WorkAccess)
	if err != nil {
		return CampaignPage{}, err
	}
	c, err := a.Store.Campaign(ctx, id, campaignID)
	if err != nil {
		return CampaignPage{}, err
	}
	v, err := a.campaignView(ctx, c)
	if err != nil {
		return CampaignPage{}, err
	}
	recs, err := a.Store.Records(ctx, campaignID, status, after, min(max(limit, 1), 1000))
	if err != nil {
		return CampaignPage{}, err
	}
	names, err := a.peopleNames(ctx, id, recs)
	if err != nil {
		return CampaignPage{}, err
	}
	return CampaignPage{Incident: inc, CampaignView: v, Records: recs, Names: names}, nil
}

// peopleNames returns the names of the people of some messages.
func (a *App) peopleNames(ctx context.Context, id int64, recs []deliver.Record) (map[int64]string, error) {
	ids := make([]int64, len(recs))
	for i, r := range recs {
		ids[i] = r.PersonID
	}
	ps, err := a.Store.AffectedPeopleByID(ctx, id, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]string, len(ps))
	for pid, p := range ps {
		out[pid] = p.Name
	}
	return out, nil
}

// queueCampaign puts a campaign's people in the outbox, a page at a time,
// choosing each person's channel, and starts it. It is idempotent: run
// again after a crash it adds only the people not yet queued.
func (a *App) queueCampaign(ctx context.Context, c deliver.Campaign) error {
	k, err := a.keys(ctx)
	if err != nil {
		return err
	}
	var only map[int64]bool // an update goes to those told before
	if c.Stage > 1 {
		ids, err := a.Store.Told(ctx, c.IncidentID, c.Stage-1)
		if err != nil {
			return err
		}
		only = make(map[int64]bool, len(ids))
		for _, id := range ids {
			only[id] = true
		}
	}
	var already map[int64]bool // people this stage reached before
	if !c.Resend {
		ids, err := a.Store.Told(ctx, c.IncidentID, c.Stage)
		if err != nil {
			return err
		}
		already = make(map[int64]bool, len(ids))
		for _, id := range ids {
			already[id] = true
		}
	}
	lookup := deliver.NewLookup(k.lookup)
	unreachable := 0
	// The people are read, decrypted and keyed a page ahead of the
	// writes, on another goroutine: the database takes one writer, and
	// the work before it is a third of queuing's CPU.
	type page struct {
		es   []deliver.NewEntry
		refs []deliver.Reference
	}
	pages := make(chan page, 1)
	pctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var readErr error
	go func() {
		defer close(pages)
		readErr = a.eachPerson(pctx, c.IncidentID, func(ps []notice.Affected) error {
			var pg page
			for _, p := range ps {
				if c.Option == int(notice.OptionAtRisk) && !p.AtRisk || only != nil && !only[p.ID] || already[p.ID] {
					continue
				}
				contact := contactOf(p)
				ch := deliver.Choose(contact, c.Fallback, nil)
				if ch.Channel == "" {
					unreachable++
					continue
				}
				pg.es = append(pg.es, deliver.NewEntry{PersonID: p.ID, Channel: ch.Channel, RecipientKey: k.recipientKey(addressOf(contact, ch.Channel))})
				ref, err := deliver.NewReference()
				if err != nil {
					return err
				}
				kind, value := deliver.CheckValueOf(p.Address, p.Jurisdiction, "")
				if kind == "" {
					if d := digitsOf(p.Phone); len(d) >= 4 {
						kind, value = "last four digits of your phone number", d[len(d)-4:]
					}
				}
				norm := deliver.NormaliseReference(ref)
				pg.refs = append(pg.refs, deliver.Reference{IncidentID: c.IncidentID, PersonID: p.ID, Key: lookup.ReferenceKey(norm),
					CheckKey: lookup.CheckKey(norm, value), CheckKind: kind, Value: ref})
			}
			select {
			case pages <- pg:
				return nil
			case <-pctx.Done():
				return pctx.Err()
			}
		})
	}()
	var writeErr error
	for pg := range pages {
		if writeErr != nil {
			continue // the reader stops at its next page
		}
		writeErr = a.queuePage(ctx, c, pg.es, pg.refs)
		if writeErr != nil {
			cancel()
		}
	}
	// pages is closed: the reader has finished, and readErr and
	// unreachable are its last word.
	switch {
	case errors.Is(writeErr, errStop):
		return nil
	case writeErr != nil:
		return writeErr
	case readErr != nil:
		return readErr
	}
	if c.Status == deliver.CampaignRunning {
		unreachable += c.Unreachable
	}
	_, err = a.Store.SetCampaignStatus(ctx, incident.Actor{}, c.IncidentID, c.ID, deliver.CampaignRunning, unreachable)
	return err
}

// queuePage writes one page of a campaign's people: their references and
// their messages, unless the campaign was paused or cancelled meanwhile
// (errStop).
func (a *App) queuePage(ctx context.Context, c deliver.Campaign, es []deliver.NewEntry, refs []deliver.Reference) error {
	cur, err := a.Store.Campaign(ctx, c.IncidentID, c.ID)
	if err != nil {
		return err
	}
	if cur.Status != deliver.CampaignQueuing && cur.Status != deliver.CampaignRunning {
		return errStop // paused or cancelled while queuing
	}
	if err := a.Store.SetReferences(ctx, refs); err != nil {
		return err
	}
	_, err = a.Store.EnqueueMessages(ctx, c.ID, es)
	return err
}

// AddToCampaign sends a running or finished campaign's notice to the
// people added to the list since it was queued, and only to them (the
// outbox holds one message per person and channel). It returns how many
// were queued. Errors: fault.Conflict for a paused or cancelled campaign.
func (a *App) AddToCampaign(ctx context.Context, u *auth.User, id, campaignID int64) (int, error) {
	if err := may(u, auth.SendNotices); err != nil {
		return 0, err
	}
	if _, err := a.work(ctx, u, id, auth.WorkIncident); err != nil {
		return 0, err
	}
	c, err := a.Store.Campaign(ctx, id, campaignID)
	if err != nil {
		return 0, err
	}
	if c.Status == deliver.CampaignDone {
		if c, err = a.Store.SetCampaignStatus(ctx, actorOf(u), id, campaignID, deliver.CampaignRunning, -1); err != nil {
			return 0, err
		}
	}
	if c.Status != deliver.CampaignRunning {
		return 0, fault.Errorf(fault.Conflict, "The campaign is %s: people can be added while it runs or after it ends.", c.Status)
	}
	before, err := a.Store.CampaignCounts(ctx, campaignID)
	if err != nil {
		return 0, err
	}
	if err := a.queueCampaign(ctx, c); err != nil {
		return 0, err
	}
	after, err := a.Store.CampaignCounts(ctx, campaignID)
	if err != nil {
		return 0, err
	}
	n := after.Total("") - before.Total("")
	_, err = a.Store.AddNote(ctx, actorOf(u), id, incident.EntryDecision, fmt.Sprintf("Notices to people: %d people added to the list since campaign %d was queued were added to it.", n, campaignID))
	return n, err
}

func digitsOf(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// finishCampaigns marks running campaigns done once nothing is pending.
func (a *App) finishCampaigns(ctx context.Context) error {
	cs, err := a.Store.CampaignsIn(ctx, deliver.CampaignRunning)
	if err != nil {
		return err
	}
	for _, c := range cs {
		n, err := a.Store.CampaignCounts(ctx, c.ID)
		if err != nil {
			return err
		}
		// Letters and calls wait for people; a campaign with some is done
		// when they are printed or called.
		if n.Pending() == 0 {
			if _, err := a.Store.SetCampaignStatus(ctx, incident.Actor{}, c.IncidentID, c.ID, deliver.CampaignDone, -1); err != nil && fault.CodeOf(err) != fault.Conflict {
				return err
			}
		}
	}
	return nil
}

// RunDelivery runs a delivery worker until ctx ends: it fills queuing
// campaigns, sends what is due through the configured channels, and
// closes campaigns with nothing pending. Several processes may run it
// against one database.
func (a *App) RunDelivery(ctx context.Context, w *deliver.Worker) error {
	w.Outbox, w.Render = a.Store, &renderer{a: a}
	if w.Log == nil {
		w.Log = a.Log
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			cs, err := a.Store.CampaignsIn(ctx, deliver.CampaignQueuing)
			for _, c := range cs {
				if err == nil {
					err = a.queueCampaign(ctx, c)
				}
			}
			if err == nil {
				err = a.finishCampaigns(ctx)
			}
			if err != nil && ctx.Err() == nil {
				a.Log.Warn("delivery: campaign upkeep failed; trying again", "error", err)
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	err := w.Run(ctx)
	wg.Wait()
	return err
}

// renderer writes each message's notice: the campaign's notice to
// individuals for the person, with their reference. The shared part of a
// campaign's notice data is kept for a minute.
type renderer struct {
	a     *App
	mu    sync.Mutex
	cache map[int64]*cachedData
	// ready holds the people and references of claimed messages, read a
	// batch at a time by Prepare and taken out as each is written.
	ready map[personKey]readyPerson
}

type personKey struct{ incident, person int64 }

type readyPerson struct {
	p   notice.Affected
	ref deliver.Reference
}

// Prepare reads the people and references of a batch of claimed
// messages at once, instead of two reads per message.
func (r *renderer) Prepare(ctx context.Context, es []deliver.Entry) error {
	byIncident := map[int64][]int64{}
	for _, e := range es {
		byIncident[e.IncidentID] = append(byIncident[e.IncidentID], e.PersonID)
	}
	got := map[personKey]readyPerson{}
	for inc, ids := range byIncident {
		people, err := r.a.Store.AffectedPeopleByID(ctx, inc, ids)
		if err != nil {
			return err
		}
		refs, err := r.a.Store.References(ctx, inc, ids)
		if err != nil {
			return err
		}
		for id, p := range people {
			got[personKey{inc, id}] = readyPerson{p: p, ref: refs[id]}
		}
	}
	r.mu.Lock()
	if r.ready == nil {
		r.ready = map[personKey]readyPerson{}
	}
	for k, v := range got {
		r.ready[k] = v
	}
	r.mu.Unlock()
	return nil
}

// person returns a message's person and reference: from the prepared
// batch when there, else read now.
func (r *renderer) person(ctx context.Context, e deliver.Entry) (notice.Affected, deliver.Reference, error) {
	k := personKey{e.IncidentID, e.PersonID}
	r.mu.Lock()
	rp, ok := r.ready[k]
	delete(r.ready, k)
	r.mu.Unlock()
	if ok {
		return rp.p, rp.ref, nil
	}
	p, err := r.a.Store.AffectedPerson(ctx, e.IncidentID, e.PersonID)
	if err != nil {
		return p, deliver.Reference{}, err
	}
	ref, err := r.a.Store.Reference(ctx, e.IncidentID, e.PersonID)
	if fault.CodeOf(err) == fault.NotFound {
		err = nil
	}
	return p, ref, err
}

// cachedData is a campaign's shared notice data, and the stencils its
// emails are written from (one per shape of person, see notice.Stencil),
// made again with the data.
type cachedData struct {
	data notice.Data
	at   time.Time

	mu       sync.Mutex
	stencils map[string]*notice.Stencil
}

// maxStencils bounds a campaign's stencils: people of further shapes
// (rare mixes of the information involved) are rendered in full.
const maxStencils = 256

func (r *renderer) base(ctx context.Context, e deliver.Entry) (*cachedData, error) {
	r.mu.Lock()
	c, ok := r.cache[e.CampaignID]
	r.mu.Unlock()
	if ok && time.Since(c.at) < time.Minute {
		return c, nil
	}
	camp, err := r.a.Store.Campaign(ctx, e.IncidentID, e.CampaignID)
	if err != nil {
		return nil, err
	}
	inc, err := r.a.Store.Incident(ctx, e.IncidentID)
	if err != nil {
		return nil, err
	}
	d, err := r.a.noticeData(ctx, inc, notice.Individual, NoticeOptions{Stage: camp.Stage, Option: notice.Option(camp.Option)})
	if err != nil {
		return nil, err
	}
	c = &cachedData{data: d, at: time.Now(), stencils: map[string]*notice.Stencil{}}
	r.mu.Lock()
	if r.cache == nil {
		r.cache = map[int64]*cachedData{}
	}
	r.cache[e.CampaignID] = c
	r.mu.Unlock()
	return c, nil
}

// email writes one person's notice as an email: filled in from the
// stencil of their shape, or rendered in full when the stencil declines
// them. Both write the same bytes (notice.Stencil).
func (c *cachedData) email(w *notice.Templates, p notice.Person) (notice.Email, error) {
	d := c.data
	d.Person = &p
	key := notice.StencilKey(p)
	c.mu.Lock()
	st, ok := c.stencils[key]
	c.mu.Unlock()
	if !ok {
		var err error
		if st, err = w.Stencil(d); err != nil {
			return notice.Email{}, err
		}
		c.mu.Lock()
		if len(c.stencils) < maxStencils {
			c.stencils[key] = st
		}
		c.mu.Unlock()
	}
	if em, ok := st.Fill(p); ok {
		return em, nil
	}
	doc, err := w.Render(d)
	if err != nil {
		return notice.Email{}, err
	}
	return doc.ForEmail(w.Lang)
}

// Render writes one entry's message.
func (r *renderer) Render(ctx context.Context, e deliver.Entry) (deliver.Rendered, error) {
	a := r.a
	k, err := a.keys(ctx)
	if err != nil {
		return deliver.Rendered{}, err
	}
	c, err := r.base(ctx, e)
	if err != nil {
		return deliver.Rendered{}, err
	}
	d := c.data
	p, ref, err := r.person(ctx, e)
	if fault.CodeOf(err) == fault.NotFound {
		return deliver.Rendered{}, fmt.Errorf("%w: the person was removed from the list", deliver.ErrUnrenderable)
	}
	if err != nil {
		return deliver.Rendered{}, err
	}
	person := p.Person
	person.Reference = ref.Value
	d.Person = &person
	contact := contactOf(p)
	if err := contact.Usable(e.Channel); err != nil {
		return deliver.Rendered{}, fmt.Errorf("%w: %v", deliver.ErrUnrenderable, err)
	}
	switch e.Channel {
	case deliver.Email:
		em, err := c.email(a.Writer, person)
		if err != nil {
			return deliver.Rendered{}, err
		}
		from := a.Delivery.From
		if from == nil {
			return deliver.Rendered{}, errors.New("no sender is configured for notices (--notice-from)")
		}
		msg := deliver.Message{MessageID: deliver.MessageID(k.messageID, e.IncidentID, e.PersonID, e.Version, domainOf(from.Address)),
			From: *from, ReplyTo: a.Delivery.ReplyTo, To: mail.Address{Name: p.Name, Address: p.Email},
			Subject: em.Subject, Text: em.Text, HTML: em.HTML, Date: a.Now()}
		if k.bounces != nil {
			msg.ReturnPath = k.bounces.ReturnPath(e.ID)
		}
		content := "Subject: " + em.Subject + "\n\n" + em.Text + "\n\n" + string(em.HTML)
		return deliver.Rendered{Email: &msg, Content: []byte(content)}, nil
	case deliver.SMS:
		to, err := deliver.PhoneE164(p.Phone, p.Jurisdiction)
		if err != nil {
			return deliver.Rendered{}, fmt.Errorf("%w: %v", deliver.ErrUnrenderable, err)
		}
		if d.NoticeURL == "" {
			return deliver.Rendered{}, fmt.Errorf("%w: a text message links to the notice page: publish the public notice first", deliver.ErrUnrenderable)
		}
		text, err := d.SMS()
		if err != nil {
			return deliver.Rendered{}, fmt.Errorf("%w: %v", deliver.ErrUnrenderable, err)
		}
		sig, err := a.CallbackSignature(ctx, e.ID)
		if err != nil {
			return deliver.Rendered{}, err
		}
		cb := a.BaseURL + "/hooks/sms/report?entry=" + strconv.FormatInt(e.ID, 10) + "&sig=" + sig
		return deliver.Rendered{SMS: &deliver.SMSMessage{EntryID: e.ID, To: to, Text: text, CallbackURL: cb}, Content: []byte(text)}, nil
	}
	return deliver.Rendered{}, fmt.Errorf("%w: %s is not sent by a worker", deliver.ErrUnrenderable, e.Channel)
}

func domainOf(addr string) string {
	if i := strings.LastIndexByte(addr, '@'); i >= 0 {
		return addr[i+1:]
	}
	return "localhost"
}

// DeliveryEvents records what providers, gateways and bounces report. The
// recipient named in an event is keyed before the store sees it.
func (a *App) DeliveryEvents(ctx context.Context, events []deliver.Event) (int, error) {
	k, err := a.keys(ctx)
	if err != nil {
		return 0, err
	}
	for i := range events {
		if events[i].Recipient != "" {
			events[i].RecipientKey = k.recipientKey(events[i].Recipient)
			events[i].Recipient = ""
		}
	}
	return a.Store.ApplyEvents(ctx, incident.Actor{}, events)
}

// SMSReport records a gateway's delivery report for an entry whose
// callback signature checks out. Errors: fault.Forbidden for a bad
// signature.
func (a *App) SMSReport(ctx context.Context, entryID int64, sig string, status deliver.Status, detail, source string) error {
	want, err := a.CallbackSignature(ctx, entryID)
	if err != nil {
		return err
	}
	if !hmac.Equal([]byte(want), []byte(sig)) {
		return fault.Errorf(fault.Forbidden, "The delivery report's signature does not match.")
	}
	_, err = a.Store.ApplyEvents(ctx, incident.Actor{}, []deliver.Event{{EntryID: entryID, Status: status, Reason: detail, Source: source}})
	return err
}
