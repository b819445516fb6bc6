package app

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/deliver"
	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/notice"
)

func known(list []struct{ ID, Label string }, id string) bool {
	for _, k := range list {
		if k.ID == id {
			return true
		}
	}
	return false
}

// AddThirdParty records that an organisation was told about the breach:
// NotifyUs's "reported to other authorities" and "support organisations
// contacted" answers are filled from these. Errors: fault.Invalid, with
// fields, for a missing name or kind or a date in the future.
func (a *App) AddThirdParty(ctx context.Context, u *auth.User, id int64, t deliver.ThirdParty) (deliver.ThirdParty, error) {
	if _, err := a.work(ctx, u, id, auth.WorkIncident); err != nil {
		return t, err
	}
	t.IncidentID = id
	t.Name, t.Contact, t.Reference, t.Notes = strings.TrimSpace(t.Name), strings.TrimSpace(t.Contact), strings.TrimSpace(t.Reference), strings.TrimSpace(t.Notes)
	fields := map[string]string{}
	if !known(deliver.ThirdPartyKinds, t.Kind) {
		fields["kind"] = "Choose who was told."
	}
	if t.Name == "" || len(t.Name) > 200 {
		fields["name"] = "Name the organisation (at most 200 characters)."
	}
	if t.At.IsZero() {
		t.At = a.Now()
	} else if t.At.After(a.Now().Add(time.Minute)) {
		fields["at"] = "The date cannot be in the future."
	}
	if len(t.Contact) > 300 || len(t.Reference) > 200 || len(t.Notes) > 4000 {
		fields["notes"] = "A value is too long."
	}
	if len(fields) > 0 {
		return t, &fault.Error{Code: fault.Invalid, Message: "Complete who was told.", Fields: fields}
	}
	return a.Store.AddThirdParty(ctx, actorOf(u), t)
}

// ThirdParties lists the organisations told about an incident.
func (a *App) ThirdParties(ctx context.Context, u *auth.User, id int64) ([]deliver.ThirdParty, error) {
	if _, _, err := a.Open(ctx, u, id, auth.WorkAccess); err != nil {
		return nil, err
	}
	return a.Store.ThirdParties(ctx, id)
}

// EnquiryChannels and EnquiryOutcomes are the choices of the enquiry log.
var (
	EnquiryChannels = []string{"phone", "email", "letter", "in_person", "social_media"}
	EnquiryOutcomes = []string{"answered", "call_back", "escalated", "referred"}
)

// AddEnquiry logs a call, email or letter from an affected person or the
// public. Errors: fault.Invalid, with fields, for an unknown choice.
func (a *App) AddEnquiry(ctx context.Context, u *auth.User, id int64, e deliver.Enquiry) (deliver.Enquiry, error) {
	if _, err := a.work(ctx, u, id, auth.WorkIncident); err != nil {
		return e, err
	}
	e.IncidentID, e.Notes = id, strings.TrimSpace(e.Notes)
	fields := map[string]string{}
	if !known(deliver.EnquiryCategories, e.Category) {
		fields["category"] = "Choose what it was about."
	}
	if !contains(EnquiryChannels, e.Channel) {
		fields["channel"] = "Choose how it came in."
	}
	if !contains(EnquiryOutcomes, e.Outcome) {
		fields["outcome"] = "Choose what came of it."
	}
	if len(e.Notes) > 4000 {
		fields["notes"] = "At most 4,000 characters."
	}
	if e.At.IsZero() {
		e.At = a.Now()
	}
	if len(fields) > 0 {
		return e, &fault.Error{Code: fault.Invalid, Message: "Complete the enquiry.", Fields: fields}
	}
	return a.Store.AddEnquiry(ctx, actorOf(u), e)
}

// Enquiries lists an incident's enquiries, newest first.
func (a *App) Enquiries(ctx context.Context, u *auth.User, id int64) ([]deliver.Enquiry, error) {
	if _, _, err := a.Open(ctx, u, id, auth.WorkAccess); err != nil {
		return nil, err
	}
	return a.Store.Enquiries(ctx, id)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// deliveryData fills what a notice says about who was told: the people
// reached by each channel and the option chosen (OAIC statement,
// NotifyUs), and the third parties told (NotifyUs).
func (a *App) deliveryData(ctx context.Context, id int64, d *notice.Data) error {
	cs, err := a.Store.Campaigns(ctx, id)
	if err != nil {
		return err
	}
	if len(cs) > 0 {
		n, err := a.Store.IncidentCounts(ctx, id)
		if err != nil {
			return err
		}
		last := cs[len(cs)-1]
		s := &notice.DeliverySummary{Option: last.Option, Practicable: last.Practicable, Told: n.Told(), ByMethod: n.ByMethod()}
		for _, c := range cs {
			s.Unreachable += c.Unreachable
		}
		d.Delivery = s
		if s.Told > 0 {
			told := fmt.Sprintf("Yes: %d people told directly (%s)", s.Told, s.ByMethod)
			if s.Unreachable > 0 {
				told += fmt.Sprintf("; %d could not be reached by any channel", s.Unreachable)
			}
			d.Notified = strings.TrimSpace(told + ". " + d.Notified)
		}
	}
	if len(cs) == 0 {
		// No one told directly: a public notice published in their
		// place records why that was not practicable (option 3).
		ps, err := a.Store.PublishedFor(ctx, id)
		if err != nil {
			return err
		}
		for _, p := range ps {
			if p.WithdrawnAt == nil && p.NotDirect != "" {
				d.Delivery = &notice.DeliverySummary{Option: 3, NotDirect: p.NotDirect}
				break
			}
		}
	}
	tps, err := a.Store.ThirdParties(ctx, id)
	if err != nil {
		return err
	}
	var auth, support []string
	for _, t := range tps {
		line := t.Name + " on " + d.Date(t.At)
		if t.Reference != "" {
			line += " (reference " + t.Reference + ")"
		}
		if deliver.Authority(t.Kind) {
			auth = append(auth, line)
		}
		if !deliver.Authority(t.Kind) || t.Kind == "cert" {
			support = append(support, line)
		}
	}
	d.Authorities, d.SupportContacted = strings.Join(auth, "; "), strings.Join(support, "; ")
	return nil
}
