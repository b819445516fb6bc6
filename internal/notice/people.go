package notice

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"strings"
)

// Affected is one person on an incident's list of people to notify, with
// whether they are at risk (the OAIC's option 2 notifies only those) and
// where the entry came from.
type Affected struct {
	ID int64
	Person
	Jurisdiction string
	AtRisk       bool
	Source       string
}

// PeopleStore keeps each incident's affected people, encrypted at rest.
type PeopleStore interface {
	AddAffected(ctx context.Context, byID int64, byName string, incidentID int64, people []Affected) error
	AffectedPeople(ctx context.Context, incidentID int64) ([]Affected, error)
	// AffectedPage reads the list a page at a time: up to limit people
	// after the person with id after, in the order added.
	AffectedPage(ctx context.Context, incidentID, after int64, limit int) ([]Affected, error)
	// AffectedPerson returns one person (fault.NotFound if not listed).
	AffectedPerson(ctx context.Context, incidentID, personID int64) (Affected, error)
	// AffectedPeopleByID returns the listed people among ids, by id.
	AffectedPeopleByID(ctx context.Context, incidentID int64, ids []int64) (map[int64]Affected, error)
	// SetAtRisk records who is at risk, by person id.
	SetAtRisk(ctx context.Context, byID int64, byName string, incidentID int64, atRisk map[int64]bool) error
}

// Option is how individuals are told (s 26WL; seed 003).
type Option int

// The options.
const (
	OptionAll    Option = 1 // notify everyone whose information was involved
	OptionAtRisk Option = 2 // notify only those at risk of serious harm
)

// Select returns the people the option notifies.
func Select(ps []Affected, o Option) []Affected {
	if o != OptionAtRisk {
		return ps
	}
	var out []Affected
	for _, p := range ps {
		if p.AtRisk {
			out = append(out, p)
		}
	}
	return out
}

// RiskCategories are the kinds of information that put a person at risk
// by default: what a fraudster or an abuser can use (seed 001's harms).
var RiskCategories = []string{"payment_card", "financial_account", "government_id", "tax_file_number", "ird_number",
	"passport", "driver_licence", "credentials", "security_code", "health_insurance", "health", "family_violence", "criminal", "sexual", "genetic", "biometric"}

// AtRiskBy says whether any of p's exposed kinds of information is in cats.
func AtRiskBy(p Person, cats []string) bool {
	for _, e := range p.Elements {
		for _, c := range cats {
			if e == c {
				return true
			}
		}
	}
	return false
}

// maxPeopleRows bounds one import.
const maxPeopleRows = 1_000_000

// columnNames maps the headers of a contact list to fields.
var columnNames = map[string]string{
	"name": "name", "full name": "name", "fullname": "name", "customer": "name", "client": "name",
	"first name": "first", "firstname": "first", "given name": "first", "last name": "last", "lastname": "last", "surname": "last", "family name": "last",
	"email": "email", "e-mail": "email", "email address": "email", "e-mail address": "email",
	"phone": "phone", "mobile": "phone", "telephone": "phone", "phone number": "phone",
	"address": "address", "street": "address", "address line 1": "address", "address 1": "address", "address line 2": "address2", "address 2": "address2",
	"city": "city", "town": "city", "suburb": "city", "postcode": "postcode", "post code": "postcode", "zip": "postcode", "state": "state", "region": "state",
	"country": "country", "at risk": "at_risk", "at_risk": "at_risk", "segment": "at_risk",
	"jurisdiction": "country",
	"preferred":    "prefers", "preferred contact": "prefers", "usual method": "prefers", "contact method": "prefers", "preferred channel": "prefers",
}

// ParsePeopleCSV reads a contact list: a header row naming the columns
// (name or first and last name, email, phone, address lines, city, state,
// postcode, country, at risk) and one person per row. Rows without a name,
// an email, a phone or an address are refused with their line numbers, so
// nothing is half-imported.
func ParsePeopleCSV(r io.Reader) ([]Affected, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	head, err := cr.Read()
	if err != nil {
		return nil, errors.New("the file is empty or not CSV: the first row must name the columns (name, email, phone, address...)")
	}
	cols := map[string][]int{}
	for k, h := range head {
		key := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if f, ok := columnNames[key]; ok {
			cols[f] = append(cols[f], k)
		}
	}
	if len(cols["name"])+len(cols["first"])+len(cols["last"])+len(cols["email"])+len(cols["phone"])+len(cols["address"]) == 0 {
		return nil, fmt.Errorf("no column is named name, email, phone or address (found: %s)", strings.Join(head, ", "))
	}
	var out []Affected
	var problems []string
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("line %d: %v", line, err)
		}
		if len(out) >= maxPeopleRows {
			return nil, fmt.Errorf("more than %d people in one file: split it", maxPeopleRows)
		}
		get := func(f string) string {
			var parts []string
			for _, k := range cols[f] {
				if k < len(rec) && strings.TrimSpace(rec[k]) != "" {
					parts = append(parts, strings.TrimSpace(rec[k]))
				}
			}
			return strings.Join(parts, " ")
		}
		p := Affected{Source: "imported list"}
		p.Name = get("name")
		if p.Name == "" {
			p.Name = strings.TrimSpace(get("first") + " " + get("last"))
		}
		p.Email, p.Phone = get("email"), get("phone")
		for _, f := range []string{"address", "address2"} {
			if v := get(f); v != "" {
				p.Address = append(p.Address, v)
			}
		}
		if city := strings.TrimSpace(strings.Join(strings.Fields(get("city")+" "+get("state")+" "+get("postcode")), " ")); city != "" {
			p.Address = append(p.Address, city)
		}
		if c := get("country"); c != "" {
			p.Address = append(p.Address, c)
			p.Jurisdiction = c
		}
		if v := strings.ToLower(get("prefers")); v != "" {
			p.Prefers = preferredChannel(v)
		}
		switch strings.ToLower(get("at_risk")) {
		case "yes", "y", "true", "1", "at risk", "at_risk":
			p.AtRisk = true
		}
		if strings.Join(rec, "") == "" {
			continue // a blank line
		}
		if err := p.Validate(); err != nil {
			problems = append(problems, fmt.Sprintf("line %d: %v", line, err))
			if len(problems) == 10 {
				break
			}
			continue
		}
		out = append(out, p)
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("nothing was imported; correct these rows: %s", strings.Join(problems, "; "))
	}
	return out, nil
}

// preferredChannel reads a "usual method" column: email, text/SMS/mobile,
// post/letter/mail, phone/call; anything else is no preference.
func preferredChannel(v string) string {
	switch {
	case strings.Contains(v, "email") || strings.Contains(v, "e-mail"):
		return "email"
	case strings.Contains(v, "sms") || strings.Contains(v, "text") || strings.Contains(v, "mobile"):
		return "sms"
	case strings.Contains(v, "letter") || strings.Contains(v, "post") || strings.Contains(v, "mail"):
		return "letter"
	case strings.Contains(v, "phone") || strings.Contains(v, "call"):
		return "phone"
	}
	return ""
}

// Validate checks a person can be told something: a name with a way to
// reach them, and well-formed details.
func (p *Affected) Validate() error {
	switch {
	case p.Email == "" && p.Phone == "" && len(p.Address) == 0:
		return errors.New("no email, phone or address to reach them by")
	case len(p.Name) > 200 || len(p.Email) > 254 || len(p.Phone) > 40:
		return errors.New("a value is too long")
	}
	if p.Email != "" {
		a, err := mail.ParseAddress(p.Email)
		if err != nil || a.Address != p.Email {
			return fmt.Errorf("%q is not an email address", p.Email)
		}
	}
	return nil
}
