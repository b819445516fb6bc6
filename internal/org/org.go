// Package org holds the organisation breachdesk works for: who it is, how
// to contact its privacy officer, and the laws it is subject to, which
// decide the clocks and obligations of every incident.
package org

import (
	"context"
	"net/mail"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/breachdesk/breachdesk/internal/fault"
)

// Organisation is set up on first run.
type Organisation struct {
	Name         string
	ContactName  string // the privacy officer staff and regulators contact
	ContactEmail string
	ContactPhone string
	NZBN         string
	ABN          string
	Sector       string
	Laws         []string // regime ids of the facts schema
	TimeZone     string   // IANA name; forms are read in this zone
	// PlanReviewMonths is how often the response plan must be reviewed or
	// tested before every page reminds the privacy officer (default 12).
	PlanReviewMonths int
	CreatedAt        time.Time
}

// Laws the organisation can declare, with their ids from the facts schema.
var Laws = []struct{ ID, Label string }{
	{"nz_privacy_act", "New Zealand Privacy Act 2020"},
	{"au_ndb", "Australia Privacy Act 1988: Notifiable Data Breaches scheme"},
	{"vic_pdp", "Victoria Privacy and Data Protection Act 2014"},
	{"eu_gdpr", "EU General Data Protection Regulation"},
	{"uk_gdpr", "UK GDPR and Data Protection Act 2018"},
}

// Sectors offered at setup (NotifyUs asks for the sector).
var Sectors = []string{"Private sector", "Public sector", "Health", "Education", "Not-for-profit", "Financial services", "Other"}

var digits = regexp.MustCompile(`^[0-9 ]+$`)

// Location returns the organisation's time zone, UTC when unknown.
func (o Organisation) Location() *time.Location {
	if o.TimeZone == "" {
		return time.UTC
	}
	// Pages format every time they show in the organisation's zone:
	// reading the zone database each time cost more than the page's
	// queries.
	if loc, ok := zones.Load(o.TimeZone); ok {
		return loc.(*time.Location)
	}
	loc, err := time.LoadLocation(o.TimeZone)
	if err != nil {
		return time.UTC
	}
	zones.Store(o.TimeZone, loc)
	return loc
}

// zones caches the time zones loaded, by name.
var zones sync.Map

// Validate checks the setup answers and normalises them.
func (o *Organisation) Validate() error {
	f := fault.Fields{}
	o.Name = strings.TrimSpace(o.Name)
	if o.Name == "" || len(o.Name) > 200 {
		f.Add("name", "Give the organisation's name (up to 200 characters).")
	}
	if strings.TrimSpace(o.ContactName) == "" {
		f.Add("contact_name", "Name the privacy officer or contact person.")
	}
	if _, err := mail.ParseAddress(o.ContactEmail); err != nil {
		f.Add("contact_email", "Give an email address such as privacy@example.org.")
	}
	if o.NZBN != "" && (!digits.MatchString(o.NZBN) || len(strings.ReplaceAll(o.NZBN, " ", "")) != 13) {
		f.Add("nzbn", "An NZBN has 13 digits.")
	}
	if o.ABN != "" && (!digits.MatchString(o.ABN) || len(strings.ReplaceAll(o.ABN, " ", "")) != 11) {
		f.Add("abn", "An ABN has 11 digits.")
	}
	for _, l := range o.Laws {
		known := false
		for _, k := range Laws {
			known = known || k.ID == l
		}
		if !known {
			f.Add("laws", "Unknown law: "+l+".")
		}
	}
	if o.TimeZone == "" {
		o.TimeZone = "UTC"
	}
	if _, err := time.LoadLocation(o.TimeZone); err != nil {
		f.Add("time_zone", "Give a time zone such as Pacific/Auckland or Australia/Melbourne.")
	}
	return f.Err()
}

// Store keeps the one organisation.
type Store interface {
	// Organisation returns the organisation, or a NotFound error before setup.
	Organisation(ctx context.Context) (Organisation, error)
	SaveOrganisation(ctx context.Context, by int64, o Organisation) error
}
