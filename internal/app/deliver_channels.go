package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/deliver"
	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/incident"
	"github.com/breachdesk/breachdesk/internal/notice"
)

// PrintRun is a print run's files for the mail house.
type PrintRun struct {
	ID       string
	Batches  []string
	Manifest string
	Letters  int
	Pages    int
}

// letterBatch is how many letters go in one PDF of a print run.
const letterBatch = 1000

// PrintLetters lays out every queued letter of a campaign for a mail
// house: PDF batches of a thousand letters written to the letters folder
// as they fill, and a manifest (reference, name, address, pages, batch).
// Memory holds the batches in flight whatever the campaign's size. Letters whose
// address cannot be printed are failed with the reason, for the next
// channel. Errors: fault.Forbidden without the permission; fault.Conflict
// when the campaign has no queued letters.
func (a *App) PrintLetters(ctx context.Context, u *auth.User, id, campaignID int64, paper notice.Paper) (PrintRun, error) {
	if err := may(u, auth.SendNotices); err != nil {
		return PrintRun{}, err
	}
	inc, err := a.work(ctx, u, id, auth.WorkIncident)
	if err != nil {
		return PrintRun{}, err
	}
	c, err := a.Store.Campaign(ctx, id, campaignID)
	if err != nil {
		return PrintRun{}, err
	}
	if c.Status != deliver.CampaignRunning {
		return PrintRun{}, fault.Errorf(fault.Conflict, "The campaign is %s: letters are printed while it runs.", c.Status)
	}
	run := PrintRun{ID: inc.Ref() + "-stage-" + fmt.Sprint(c.Stage) + "-" + randomHex(4)}
	if a.Blobs == nil {
		return PrintRun{}, fault.Errorf(fault.Conflict, "No file store is configured for print runs.")
	}
	// The batches and the manifest stream into the file store, sealed;
	// a run that fails part way leaves the batches written so far.
	run.Manifest = run.ID + "-manifest.csv"
	mf, err := a.Blobs.Create(ctx, letterKey(run.Manifest))
	if err != nil {
		return PrintRun{}, err
	}
	defer mf.Abort()
	pr, err := deliver.NewPrintRun(paper, letterBatch, run.ID, func(name string) (io.WriteCloser, error) {
		return a.Blobs.Create(ctx, letterKey(name))
	}, mf)
	if err != nil {
		return PrintRun{}, err
	}
	r := &renderer{a: a}
	by := actorOf(u)
	// Letters are marked printed once the batch they are in is on file;
	// a batch is written while the next is laid out.
	type laidOut struct {
		res   deliver.Result
		batch int
	}
	var waiting []laidOut
	markWritten := func(upTo int) error {
		n := 0
		for n < len(waiting) && waiting[n].batch <= upTo {
			n++
		}
		if n == 0 {
			return nil
		}
		rs := make([]deliver.Result, n)
		for i := range rs {
			rs[i] = waiting[i].res
		}
		if err := a.Store.MarkPrinted(ctx, by, rs, run.ID); err != nil {
			return err
		}
		run.Letters += n
		waiting = waiting[n:]
		return nil
	}
	for {
		es, err := a.Store.ClaimLetters(ctx, campaignID, "print "+run.ID, letterBatch)
		if err != nil {
			return run, err
		}
		if len(es) == 0 {
			break
		}
		var failed []deliver.Result
		if err := r.Prepare(ctx, es); err != nil {
			return run, err
		}
		for _, e := range es {
			c, err := r.base(ctx, e)
			if err != nil {
				return run, err
			}
			d := c.data
			p, ref, err := r.person(ctx, e)
			if err != nil {
				return run, err
			}
			person := p.Person
			person.Reference = ref.Value
			d.Person = &person
			doc, err := a.Writer.Render(d)
			if err != nil {
				return run, err
			}
			res := deliver.Result{EntryID: e.ID, At: a.Now()}
			if err := pr.Add(deliver.PrintLetter{Reference: ref.Value, Document: doc, Data: d, Country: p.Jurisdiction}); err != nil {
				res.Outcome = deliver.Outcome{Status: deliver.Failed, Detail: err.Error()}
				failed = append(failed, res)
				continue
			}
			res.Outcome = deliver.Outcome{Status: deliver.Printed}
			res.Content = []byte(doc.PlainText())
			waiting = append(waiting, laidOut{res, pr.Batch()})
		}
		if err := a.Store.RecordResults(ctx, by.Name, failed); err != nil {
			return run, err
		}
		written, err := pr.Written()
		if err != nil {
			return run, err
		}
		if err := markWritten(written); err != nil {
			return run, err
		}
	}
	batches, err := pr.Close()
	if err != nil {
		return run, err
	}
	if err := markWritten(pr.Batch()); err != nil {
		return run, err
	}
	if err := mf.Close(); err != nil {
		return run, err
	}
	run.Batches = batches
	_, run.Pages = pr.Counts()
	if run.Letters == 0 {
		return run, fault.Errorf(fault.Conflict, "The campaign has no letters waiting to be printed.")
	}
	_, err = a.Store.AddNote(ctx, by, id, incident.EntryExport, fmt.Sprintf("Print run %s: %d letters (%d pages) in %d batches, with a manifest for the mail house.", run.ID, run.Letters, run.Pages, len(batches)))
	return run, err
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("no randomness: " + err.Error())
	}
	return hex.EncodeToString(b)
}

// PrintFile opens a file of a print run for download. Errors:
// fault.NotFound for a name that is not a print run's file.
func (a *App) PrintFile(ctx context.Context, u *auth.User, id int64, name string) (io.ReadCloser, error) {
	if err := may(u, auth.SendNotices); err != nil {
		return nil, err
	}
	inc, err := a.work(ctx, u, id, auth.WorkIncident)
	if err != nil {
		return nil, err
	}
	if name != filepath.Base(name) || !strings.HasPrefix(name, inc.Ref()+"-stage-") {
		return nil, fault.Errorf(fault.NotFound, "No such print file.")
	}
	f, err := a.Blobs.Open(ctx, letterKey(name))
	if fault.CodeOf(err) == fault.NotFound {
		return nil, fault.Errorf(fault.NotFound, "No such print file.")
	}
	return f, err
}

// letterKey is where a print run's file is in the file store.
func letterKey(name string) string { return "letters/" + name }

// PrintRunFiles lists the files of one print run of an incident.
func (a *App) PrintRunFiles(ctx context.Context, u *auth.User, id int64, run string) ([]string, error) {
	if err := may(u, auth.SendNotices); err != nil {
		return nil, err
	}
	inc, err := a.work(ctx, u, id, auth.WorkIncident)
	if err != nil {
		return nil, err
	}
	if strings.Trim(run, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") != "" || !strings.HasPrefix(run, inc.Ref()+"-stage-") {
		return nil, fault.Errorf(fault.NotFound, "No such print run.")
	}
	var names []string
	if err := a.Blobs.List(ctx, letterKey(run+"-"), func(key string, _ int64) error {
		names = append(names, strings.TrimPrefix(key, letterKey("")))
		return nil
	}); err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, fault.Errorf(fault.NotFound, "No such print run.")
	}
	return names, nil
}

// CallOutcomes are what a call can come to.
var CallOutcomes = []deliver.Status{deliver.Reached, deliver.Voicemail, deliver.WrongNumber, deliver.AskedForLetter}

// RecordCall records the outcome of a call from the call list; a person
// who asks for the notice in writing gets a letter queued. Errors:
// fault.Invalid for an unknown outcome; fault.NotFound for a message not
// on the incident.
func (a *App) RecordCall(ctx context.Context, u *auth.User, id, entryID int64, outcome deliver.Status, note string) error {
	if _, err := a.work(ctx, u, id, auth.WorkIncident); err != nil {
		return err
	}
	ok := false
	for _, o := range CallOutcomes {
		ok = ok || o == outcome
	}
	if !ok {
		return &fault.Error{Code: fault.Invalid, Message: "Choose what came of the call.", Fields: map[string]string{"outcome": "Reached, voicemail, wrong number or asked for a letter."}}
	}
	recs, err := a.recordOf(ctx, id, entryID)
	if err != nil {
		return err
	}
	if recs.Channel != deliver.Phone {
		return fault.Errorf(fault.Conflict, "Message %d is not a call.", entryID)
	}
	n, err := a.Store.ApplyEvents(ctx, actorOf(u), []deliver.Event{{EntryID: entryID, Status: outcome, Reason: strings.TrimSpace(note), Source: "call list"}})
	if err != nil {
		return err
	}
	if n == 0 {
		return fault.Errorf(fault.Conflict, "The call's outcome is already recorded as %s.", recs.Status)
	}
	if outcome == deliver.AskedForLetter {
		_, err = a.Store.EnqueueMessages(ctx, recs.CampaignID, []deliver.NewEntry{{PersonID: recs.PersonID, Channel: deliver.Letter}})
	}
	return err
}

// recordOf finds one message of an incident.
func (a *App) recordOf(ctx context.Context, id, entryID int64) (deliver.Record, error) {
	cs, err := a.Store.Campaigns(ctx, id)
	if err != nil {
		return deliver.Record{}, err
	}
	for _, c := range cs {
		rs, err := a.Store.Records(ctx, c.ID, "", entryID-1, 1)
		if err != nil {
			return deliver.Record{}, err
		}
		if len(rs) == 1 && rs[0].ID == entryID {
			return rs[0], nil
		}
	}
	return deliver.Record{}, fault.Errorf(fault.NotFound, "No message %d on this incident.", entryID)
}

// CallList is one person to call, with what the caller needs.
type CallList struct {
	Entry  deliver.Record
	Name   string
	Phone  string
	Script notice.Document
}

// Calls lists a campaign's calls not yet made, with the phone script.
func (a *App) Calls(ctx context.Context, u *auth.User, id, campaignID int64, after int64, limit int) ([]CallList, notice.Document, error) {
	inc, err := a.work(ctx, u, id, auth.WorkIncident)
	if err != nil {
		return nil, notice.Document{}, err
	}
	recs, err := a.Store.Records(ctx, campaignID, deliver.Queued, after, min(max(limit, 1), 500))
	if err != nil {
		return nil, notice.Document{}, err
	}
	o, err := a.Organisation(ctx)
	if err != nil {
		return nil, notice.Document{}, err
	}
	n, err := a.notice(ctx, inc, notice.Individual, NoticeOptions{})
	if err != nil {
		return nil, notice.Document{}, err
	}
	script := n.Doc.PhoneScript(o.Name)
	var out []CallList
	for _, r := range recs {
		if r.Channel != deliver.Phone {
			continue
		}
		p, err := a.Store.AffectedPerson(ctx, id, r.PersonID)
		if err != nil {
			return nil, script, err
		}
		out = append(out, CallList{Entry: r, Name: p.Name, Phone: p.Phone})
	}
	return out, script, nil
}

// ImportReturned reads a mail house's returned-mail file and marks those
// letters returned, so they can go by the next channel. It returns how
// many were marked. Errors: fault.Invalid, naming the line, for a file
// that cannot be read (nothing is marked then).
func (a *App) ImportReturned(ctx context.Context, u *auth.User, id int64, r io.Reader) (int, error) {
	if _, err := a.work(ctx, u, id, auth.WorkIncident); err != nil {
		return 0, err
	}
	rows, err := deliver.ParseReturned(r)
	if err != nil {
		return 0, &fault.Error{Code: fault.Invalid, Message: err.Error(), Fields: map[string]string{"file": err.Error()}}
	}
	k, err := a.keys(ctx)
	if err != nil {
		return 0, err
	}
	lookup := deliver.NewLookup(k.lookup)
	var events []deliver.Event
	var unknown []string
	unknowns := 0
	for _, row := range rows {
		ref, err := a.Store.FindReference(ctx, lookup.ReferenceKey(row.Reference))
		if fault.CodeOf(err) == fault.NotFound || err == nil && ref.IncidentID != id {
			// A file of a million rows can be all wrong (another
			// incident's): the message names the first ten.
			if unknowns++; len(unknown) < 10 {
				unknown = append(unknown, fmt.Sprintf("line %d", row.Line))
			}
			continue
		}
		if err != nil {
			return 0, err
		}
		recs, err := a.Store.PersonRecords(ctx, id, ref.PersonID)
		if err != nil {
			return 0, err
		}
		for _, rec := range recs {
			if rec.Channel == deliver.Letter && rec.Status == deliver.Printed {
				events = append(events, deliver.Event{EntryID: rec.ID, Status: deliver.Returned, Reason: row.Reason, Source: "returned mail"})
			}
		}
	}
	if unknowns > 0 {
		msg := "These references are not letters of this incident: " + strings.Join(unknown, ", ") + ". Nothing was marked; check the file."
		if unknowns > len(unknown) {
			msg = fmt.Sprintf("%d references are not letters of this incident, the first at %s. Nothing was marked; check the file.", unknowns, strings.Join(unknown, ", "))
		}
		return 0, &fault.Error{Code: fault.Invalid, Message: msg, Fields: map[string]string{"file": msg}}
	}
	return a.Store.ApplyEvents(ctx, actorOf(u), events)
}

// ResendUndelivered queues, for every message of a campaign that did not
// reach its person (bounced, failed, returned, wrong number), the next
// channel that can reach them; people with none left are counted for the
// public notice. It returns how many were queued and how many cannot be
// reached.
func (a *App) ResendUndelivered(ctx context.Context, u *auth.User, id, campaignID int64) (queued, unreachable int, err error) {
	if err := may(u, auth.SendNotices); err != nil {
		return 0, 0, err
	}
	if _, err := a.work(ctx, u, id, auth.WorkIncident); err != nil {
		return 0, 0, err
	}
	c, err := a.Store.Campaign(ctx, id, campaignID)
	if err != nil {
		return 0, 0, err
	}
	if c.Status == deliver.CampaignCancelled {
		return 0, 0, fault.Errorf(fault.Conflict, "The campaign was cancelled.")
	}
	k, err := a.keys(ctx)
	if err != nil {
		return 0, 0, err
	}
	tried := map[int64]map[deliver.Channel]deliver.Status{}
	var after int64
	for {
		recs, err := a.Store.Records(ctx, campaignID, "", after, 1000)
		if err != nil {
			return 0, 0, err
		}
		if len(recs) == 0 {
			break
		}
		for _, r := range recs {
			if tried[r.PersonID] == nil {
				tried[r.PersonID] = map[deliver.Channel]deliver.Status{}
			}
			tried[r.PersonID][r.Channel] = r.Status
		}
		after = recs[len(recs)-1].ID
	}
	var es []deliver.NewEntry
	for pid, chs := range tried {
		undelivered, pending := false, false
		for _, s := range chs {
			undelivered = undelivered || s.Undelivered()
			pending = pending || !s.Final() || s.Reached()
		}
		if !undelivered || pending {
			continue // reached, or still on its way by some channel
		}
		p, err := a.Store.AffectedPerson(ctx, id, pid)
		if err != nil {
			return 0, 0, err
		}
		contact := contactOf(p)
		ch := deliver.Choose(contact, c.Fallback, chs)
		if ch.Channel == "" {
			unreachable++
			continue
		}
		es = append(es, deliver.NewEntry{PersonID: pid, Channel: ch.Channel, RecipientKey: k.recipientKey(addressOf(contact, ch.Channel))})
	}
	if len(es) == 0 {
		return 0, unreachable, nil
	}
	queued, err = a.Store.EnqueueMessages(ctx, campaignID, es)
	if err == nil && c.Status == deliver.CampaignDone {
		_, err = a.Store.SetCampaignStatus(ctx, actorOf(u), id, campaignID, deliver.CampaignRunning, -1)
	}
	if err == nil {
		_, err = a.Store.AddNote(ctx, actorOf(u), id, incident.EntryDecision, fmt.Sprintf("Notices to people: %d sent again by another channel after they did not arrive; %d people cannot be reached by any channel.", queued, unreachable))
	}
	return queued, unreachable, err
}
