// Package deliver sends each affected person's notice through a channel
// (email over SMTP, SMS through a gateway, letters through a mail house,
// calls from a call list) and turns what comes back (SMTP answers,
// delivery status notifications, providers' webhooks, gateway delivery
// reports, returned mail, call outcomes) into statuses. It knows nothing
// of the database: the outbox that records each message before it is
// sent lives in the stores, and the workers that drain it in the
// application layer.
package deliver

import "fmt"

// Channel is a way of reaching a person.
type Channel string

// The channels, in the order a notice usually prefers them.
const (
	Email  Channel = "email"
	SMS    Channel = "sms"
	Letter Channel = "letter"
	Phone  Channel = "phone"
)

// Channels lists every channel.
var Channels = []Channel{Email, SMS, Letter, Phone}

// ChannelLabel names a channel in words for a page.
func ChannelLabel(c Channel) string {
	switch c {
	case Email:
		return "Email"
	case SMS:
		return "Text message (SMS)"
	case Letter:
		return "Letter"
	case Phone:
		return "Phone call"
	}
	return string(c)
}

// ParseChannel turns a channel's name into a Channel.
func ParseChannel(s string) (Channel, error) {
	for _, c := range Channels {
		if string(c) == s {
			return c, nil
		}
	}
	return "", fmt.Errorf("unknown channel %q: use email, sms, letter or phone", s)
}

// Status is where one message to one person stands.
type Status string

// The statuses. Queued and Sending are the outbox's own; the rest are
// what the channel reported. A final status ends the message's life;
// Sent and Delivered may still turn into Bounced when a late bounce
// arrives.
const (
	Queued    Status = "queued"    // recorded, waiting for a worker
	Sending   Status = "sending"   // claimed by a worker, being handed over
	Sent      Status = "sent"      // accepted by the mail server or gateway
	Delivered Status = "delivered" // the channel reported delivery to the person
	Bounced   Status = "bounced"   // the mail system returned it (DSN, webhook)
	Failed    Status = "failed"    // refused for good, or retries exhausted
	Returned  Status = "returned"  // a letter came back undelivered
	Printed   Status = "printed"   // a letter went to the mail house in a batch
	Reached   Status = "reached"   // a call reached the person
	Voicemail Status = "voicemail" // a call left a message
	// WrongNumber: the number was not the person's.
	WrongNumber Status = "wrong_number"
	// AskedForLetter: the person asked for the notice in writing.
	AskedForLetter Status = "asked_for_letter"
	Cancelled      Status = "cancelled" // the campaign was cancelled before it was sent
)

// Final says whether a status ends the message's life: nothing more will
// be tried on this channel for this notice version.
func (s Status) Final() bool {
	switch s {
	case Queued, Sending:
		return false
	}
	return true
}

// Reached says whether the status means the person was told (as far as
// the channel can say), for the counts a regulator is given.
func (s Status) Reached() bool {
	switch s {
	case Sent, Delivered, Printed, Reached, Voicemail:
		return true
	}
	return false
}

// Undelivered says whether the status asks for another channel: the
// message did not reach the person.
func (s Status) Undelivered() bool {
	switch s {
	case Bounced, Failed, Returned, WrongNumber:
		return true
	}
	return false
}

// Outcome is what one attempt to hand a message over produced.
type Outcome struct {
	// Status is Sent when the server or gateway accepted the message,
	// Failed when it refused it for good, and Queued when it should be
	// tried again later (a temporary refusal or a server that is down).
	Status Status
	// Detail is the server's own words (its reply or the error), for the
	// person's delivery record. It never holds the message's content.
	Detail string
	// ProviderID is the gateway's id for the message, when it gives one.
	ProviderID string
}

// Retry says whether the attempt should be made again.
func (o Outcome) Retry() bool { return o.Status == Queued }
