package deliver

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/breachdesk/breachdesk/internal/incident"
)

// CampaignStatus is where a campaign stands.
type CampaignStatus string

// The campaign statuses.
const (
	// CampaignQueuing: the people are being put in the outbox.
	CampaignQueuing CampaignStatus = "queuing"
	// CampaignRunning: workers send its messages.
	CampaignRunning CampaignStatus = "running"
	// CampaignPaused: nothing more is sent until it is resumed; messages being
	// handed over when it was paused finish.
	CampaignPaused CampaignStatus = "paused"
	// CampaignCancelled: what was not sent never will be.
	CampaignCancelled CampaignStatus = "cancelled"
	// CampaignDone: every message has a final status.
	CampaignDone CampaignStatus = "done"
)

// Campaign is one stage of notices to the affected people of an incident:
// the first notice, or an update to those already told (seed 001:
// information in stages).
type Campaign struct {
	ID         int64
	IncidentID int64
	// Stage is 1 for the first notice, 2 or more for updates.
	Stage int
	// Version numbers the notice text the campaign sends; with the
	// incident and the person it makes each message's id.
	Version int
	// Option is s 26WL's: 1 everyone, 2 only those at risk (3, the
	// public notice, is published, not sent).
	Option int
	// Practicable says why notifying people directly was practicable
	// (time, effort, cost): the OAIC statement says so.
	Practicable string
	// Fallback is the order of channels after each person's usual method.
	Fallback []Channel
	Status   CampaignStatus
	// Resend says the campaign knowingly sends a notice version again to
	// people who already had it.
	Resend    bool
	CreatedBy string
	CreatedAt time.Time
	StartedAt *time.Time
	EndedAt   *time.Time
	// Unreachable counts people no channel could reach when queued:
	// they are for the public notice.
	Unreachable int
}

// Counts are a campaign's messages by channel and status. A message
// waiting or being handed over counts as queued.
type Counts map[Channel]map[Status]int

// Add counts n messages of a channel with a status.
func (c Counts) Add(ch Channel, s Status, n int) {
	if c[ch] == nil {
		c[ch] = map[Status]int{}
	}
	c[ch][s] += n
}

// Total is the number of messages with the status on any channel ("" for all).
func (c Counts) Total(s Status) int {
	n := 0
	for _, m := range c {
		for st, k := range m {
			if s == "" || st == s {
				n += k
			}
		}
	}
	return n
}

// Told is the number of messages that reached, as far as the channels
// can tell (sent, delivered, printed, calls that reached the person).
func (c Counts) Told() int {
	n := 0
	for _, m := range c {
		for st, k := range m {
			if st.Reached() {
				n += k
			}
		}
	}
	return n
}

// Pending is the number of messages without a final status.
func (c Counts) Pending() int { return c.Total(Queued) + c.Total(Sending) }

// ByMethod says how many people were told by each channel, in words for
// a regulator ("812 by email, 40 by letter").
func (c Counts) ByMethod() string {
	var parts []string
	for _, ch := range Channels {
		n := 0
		for st, k := range c[ch] {
			if st.Reached() {
				n += k
			}
		}
		if n > 0 {
			parts = append(parts, fmt.Sprintf("%d by %s", n, channelWords[ch]))
		}
	}
	return strings.Join(parts, ", ")
}

var channelWords = map[Channel]string{Email: "email", SMS: "text message", Letter: "letter", Phone: "phone call"}

// Progress is a running campaign's figures for its page: how far it is,
// how fast it goes and when it will end at that pace.
type Progress struct {
	Total   int
	Final   int
	Percent int
	// PerMinute is the pace since the campaign started; ETA is when it
	// ends at that pace (nil when nothing has been sent yet or it is over).
	PerMinute float64
	ETA       *time.Time
}

// ProgressOf works the figures out from the counts.
func ProgressOf(c Campaign, n Counts, now time.Time) Progress {
	p := Progress{Total: n.Total("")}
	p.Final = p.Total - n.Pending()
	if p.Total > 0 {
		p.Percent = p.Final * 100 / p.Total
	}
	if c.StartedAt != nil && p.Final > 0 {
		mins := now.Sub(*c.StartedAt).Minutes()
		if mins > 0 {
			p.PerMinute = float64(p.Final) / mins
		}
		if left := p.Total - p.Final; left > 0 && p.PerMinute > 0 && c.Status == CampaignRunning {
			eta := now.Add(time.Duration(float64(left) / p.PerMinute * float64(time.Minute)))
			p.ETA = &eta
		}
	}
	return p
}

// NewEntry is a message to put in the outbox.
type NewEntry struct {
	PersonID int64
	Channel  Channel
	// RecipientKey is a keyed hash of the address or number the message
	// goes to, so a provider's report naming only the recipient finds the
	// message without the database holding the address.
	RecipientKey []byte
}

// Record is one message's life for the campaign page and the dossier:
// what was tried, when, and what came of it. It holds no contact detail.
type Record struct {
	Entry
	MessageID   string
	Detail      string
	ContentHash []byte
	QueuedAt    time.Time
	SentAt      *time.Time
	FinalAt     *time.Time
	Batch       string // the print batch of a letter
}

// Store keeps campaigns and their messages: the outbox the workers
// drain, the events that come back, and the records a privacy officer
// and a regulator read. Errors: fault.NotFound for a campaign or message
// not on the incident; fault.Conflict for a change its status forbids.
type Store interface {
	Outbox
	// CreateCampaign records a new campaign in the queuing state.
	CreateCampaign(ctx context.Context, by incident.Actor, c Campaign) (Campaign, error)
	Campaign(ctx context.Context, incidentID, id int64) (Campaign, error)
	Campaigns(ctx context.Context, incidentID int64) ([]Campaign, error)
	// Enqueue adds messages to a campaign, all or none; a person already
	// queued on the channel is left as they are. It returns how many were
	// added.
	EnqueueMessages(ctx context.Context, campaignID int64, es []NewEntry) (int, error)
	// SetCampaignStatus moves a campaign (queuing -> running -> paused <->
	// running, any -> cancelled, running -> done); cancelling marks every
	// queued message cancelled. unreachable is recorded when >= 0.
	SetCampaignStatus(ctx context.Context, by incident.Actor, incidentID, id int64, to CampaignStatus, unreachable int) (Campaign, error)
	CampaignCounts(ctx context.Context, campaignID int64) (Counts, error)
	// IncidentCounts adds up every campaign of an incident.
	IncidentCounts(ctx context.Context, incidentID int64) (Counts, error)
	// Records lists a campaign's messages with the given status ("" for
	// all), in id order after the given id, at most limit.
	Records(ctx context.Context, campaignID int64, status Status, after int64, limit int) ([]Record, error)
	// PersonRecords lists every message to one person on an incident.
	PersonRecords(ctx context.Context, incidentID, personID int64) ([]Record, error)
	// Told lists the people of an incident whose messages of a stage
	// reached them, for an update to everyone already told.
	Told(ctx context.Context, incidentID int64, stage int) ([]int64, error)
	// Apply records what came back about messages (bounces, delivery
	// reports, complaints, returned letters, call outcomes) and returns how
	// many messages it changed. Events naming no message of ours are
	// ignored.
	ApplyEvents(ctx context.Context, by incident.Actor, events []Event) (int, error)
	// ClaimLetters leases up to n queued letters of a campaign to a print
	// run; MarkPrinted records the batch they went out in.
	ClaimLetters(ctx context.Context, campaignID int64, owner string, n int) ([]Entry, error)
	MarkPrinted(ctx context.Context, by incident.Actor, results []Result, batch string) error
	// Content opens the archived copy of what a message sent.
	Content(ctx context.Context, incidentID, id int64) ([]byte, error)
	// SetReferences stores people's lookup references: the keys a
	// reference and its check value are found by, and the reference itself
	// sealed for their notices. A person who has one keeps it.
	SetReferences(ctx context.Context, rs []Reference) error
	Reference(ctx context.Context, incidentID, personID int64) (Reference, error)
	// References returns the references of some people, by person id.
	References(ctx context.Context, incidentID int64, personIDs []int64) (map[int64]Reference, error)
	// FindReference finds a reference by its key (fault.NotFound if none).
	FindReference(ctx context.Context, key []byte) (Reference, error)
	// LookupEnabled says whether an incident's lookup page answers;
	// SetLookup switches it (recorded on the timeline and audit log).
	LookupEnabled(ctx context.Context, incidentID int64) (bool, error)
	SetLookup(ctx context.Context, by incident.Actor, incidentID int64, on bool) error
	// AuditLookup records a lookup in the audit log: which person's
	// notice was shown, or that one was refused; never what was typed.
	AuditLookup(ctx context.Context, incidentID, personID int64, found bool) error
	// CampaignsIn lists every incident's campaigns in a status.
	CampaignsIn(ctx context.Context, status CampaignStatus) ([]Campaign, error)
	// Secret returns a named random secret kept sealed under the data key.
	Secret(ctx context.Context, name string) ([]byte, error)
}

// Reference is a person's personal reference for the lookup page.
type Reference struct {
	IncidentID int64
	PersonID   int64
	Key        []byte // Lookup.ReferenceKey of the reference
	CheckKey   []byte // Lookup.CheckKey of the check value
	CheckKind  string // "postcode" or "year of birth"
	// Value is the reference itself, sealed by the store at rest.
	Value string
}

// ThirdParty is an organisation told about the breach other than the
// regulators and the affected people: the police, the insurer, a bank or
// card scheme, IDCARE, CERT NZ or the ASD, another regulator.
type ThirdParty struct {
	ID         int64
	IncidentID int64
	Kind       string // one of ThirdPartyKinds
	Name       string
	Contact    string
	At         time.Time
	Reference  string
	Notes      string
	By         string
}

// ThirdPartyKinds are the kinds of third party, with the words a form
// shows.
var ThirdPartyKinds = []struct{ ID, Label string }{
	{"police", "Police"},
	{"regulator", "Another regulator or authority"},
	{"cert", "CERT NZ, the ASD's ACSC or another CERT"},
	{"insurer", "Insurer"},
	{"bank", "Bank or card scheme"},
	{"idcare", "IDCARE"},
	{"netsafe", "Netsafe"},
	{"professional_body", "Professional body"},
	{"other", "Other organisation"},
}

// Authority says whether a kind of third party is an authority the
// breach is reported to (NotifyUs asks for those apart from support).
func Authority(kind string) bool { return kind == "police" || kind == "regulator" || kind == "cert" }

// Enquiry is a call, email or letter from an affected person or the
// public about the breach, for the response team's log.
type Enquiry struct {
	ID         int64
	IncidentID int64
	At         time.Time
	Channel    string // phone, email, letter, in_person, social_media
	Category   string // one of EnquiryCategories
	Outcome    string // answered, call_back, escalated, referred
	// Notes are sealed at rest: an enquiry may name the caller.
	Notes string
	By    string
}

// EnquiryCategories are what people ask about.
var EnquiryCategories = []struct{ ID, Label string }{
	{"affected", "Was my information involved?"},
	{"what_happened", "What happened?"},
	{"what_to_do", "What should I do?"},
	{"notice_again", "Send me the notice again"},
	{"complaint", "Complaint"},
	{"media", "Media"},
	{"other", "Other"},
}

// ContactLog keeps the third parties told and the enquiries received.
type ContactLog interface {
	AddThirdParty(ctx context.Context, by incident.Actor, t ThirdParty) (ThirdParty, error)
	ThirdParties(ctx context.Context, incidentID int64) ([]ThirdParty, error)
	AddEnquiry(ctx context.Context, by incident.Actor, e Enquiry) (Enquiry, error)
	Enquiries(ctx context.Context, incidentID int64) ([]Enquiry, error)
	// EnquiryCounts counts enquiries by category, across non-exercise
	// incidents, for the dashboard.
	EnquiryCounts(ctx context.Context) (map[string]int, error)
}
