package app

import (
	"context"
	"errors"
	"strings"

	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/deliver"
	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/notice"
)

// ErrLookupRefused is the one answer to a lookup that finds nothing: a
// wrong reference, a wrong check value and a lookup that is switched off
// look the same, so the page cannot be used to learn which references
// exist.
var ErrLookupRefused = errors.New("no notice matches that reference and check value")

// PersonalNotice is what the lookup page shows a person: their own
// notice, which of their information was involved, and whom to contact.
type PersonalNotice struct {
	Document notice.Document
	Involved []string
	Org      string
}

// LookupEnabled says whether an incident's lookup page answers.
func (a *App) LookupEnabled(ctx context.Context, incidentID int64) (bool, error) {
	ps, err := a.Store.PublishedFor(ctx, incidentID)
	if err != nil {
		return false, err
	}
	if len(ps) == 0 {
		return false, nil
	}
	return a.Store.LookupEnabled(ctx, incidentID)
}

// SetLookup switches an incident's lookup page on or off. It is off by
// default and can be switched on only once the public notice is
// published (the page is where that notice sends people). Errors:
// fault.Conflict before the public notice is published or for an
// exercise.
func (a *App) SetLookup(ctx context.Context, u *auth.User, id int64, on bool) error {
	if err := may(u, auth.SendNotices); err != nil {
		return err
	}
	inc, err := a.work(ctx, u, id, auth.WorkIncident)
	if err != nil {
		return err
	}
	if on {
		if inc.IsExercise() {
			return fault.Errorf(fault.Conflict, "%s is a tabletop exercise: affected people cannot look anything up.", inc.Ref())
		}
		ps, err := a.Store.PublishedFor(ctx, id)
		if err != nil {
			return err
		}
		if len(ps) == 0 {
			return fault.Errorf(fault.Conflict, "Publish the public notice first: the lookup page is offered with it.")
		}
	}
	return a.Store.SetLookup(ctx, actorOf(u), id, on)
}

// Lookup finds a person's own notice by the reference printed on it and
// a check value (their postcode, or the last digits of their phone). The
// same work is done, and the same error returned, whether the reference
// is unknown, the check value wrong or the incident's lookup off. Every
// lookup is audited, never with what was typed.
func (a *App) Lookup(ctx context.Context, reference, check string) (PersonalNotice, error) {
	k, err := a.keys(ctx)
	if err != nil {
		return PersonalNotice{}, err
	}
	l := deliver.NewLookup(k.lookup)
	ref := deliver.NormaliseReference(reference)
	r, findErr := a.Store.FindReference(ctx, l.ReferenceKey(ref))
	if findErr != nil && fault.CodeOf(findErr) != fault.NotFound {
		return PersonalNotice{}, findErr
	}
	stored := r.CheckKey
	if findErr != nil {
		stored = l.CheckKey("", "\x00") // compared all the same, so a miss costs what a hit does
	}
	match := l.Matches(stored, ref, check) && findErr == nil && ref != "" && strings.TrimSpace(check) != ""
	enabled := false
	if match {
		if enabled, err = a.LookupEnabled(ctx, r.IncidentID); err != nil {
			return PersonalNotice{}, err
		}
	}
	if !match || !enabled {
		if err := a.Store.AuditLookup(ctx, 0, 0, false); err != nil {
			return PersonalNotice{}, err
		}
		return PersonalNotice{}, ErrLookupRefused
	}
	inc, err := a.Store.Incident(ctx, r.IncidentID)
	if err != nil {
		return PersonalNotice{}, err
	}
	p, err := a.Store.AffectedPerson(ctx, r.IncidentID, r.PersonID)
	if err != nil {
		return PersonalNotice{}, err
	}
	d, err := a.noticeData(ctx, inc, notice.Individual, NoticeOptions{})
	if err != nil {
		return PersonalNotice{}, err
	}
	person := p.Person
	person.Reference = r.Value
	// The page shows the notice without the address block: someone
	// reading over a shoulder learns no more than the person typed.
	person.Address = nil
	d.Person = &person
	doc, err := a.Writer.Render(d)
	if err != nil {
		return PersonalNotice{}, err
	}
	involved := p.Elements
	if len(involved) == 0 {
		involved = d.Breach.CategoryIDs
	}
	if err := a.Store.AuditLookup(ctx, r.IncidentID, r.PersonID, true); err != nil {
		return PersonalNotice{}, err
	}
	return PersonalNotice{Document: doc, Involved: involved, Org: d.Org.Name}, nil
}
