package incident

import (
	"strings"
	"time"

	"github.com/breachdesk/breachdesk/internal/fault"
)

// Report is what a staff member tells the privacy officer, in the order and
// words of the guidance: what happened, when, when it was found, whether it
// is still going on, what information, roughly how many people, how it
// happened, where the information went and what has been done.
type Report struct {
	NearMiss       bool       // reported as a near miss rather than a suspected breach
	WhatHappened   string     // in the reporter's words
	OccurredAt     *time.Time // when it happened, if known
	DiscoveredAt   time.Time  // when it was found: every clock runs from here
	Ongoing        string     // yes, no or unknown
	DataCategories []string   // kinds of information, ids from the facts schema
	PeopleCount    *int       // roughly how many people, if known
	Cause          string     // how it happened, an id from the facts schema
	HowItHappened  string     // how it happened, in words
	WhereItWent    string     // where the information went, if known
	Recipient      string     // who has it now, an id from the facts schema
	ActionsTaken   string     // what has been done so far
}

// Ongoing answers.
var OngoingAnswers = []string{"yes", "no", "unknown"}

// DataCategories are the kinds of personal information, with the ids of the
// facts schema (spec/facts.schema.json) so reports feed the law engine as is.
var DataCategories = []Choice{
	{"name", "Names"}, {"contact", "Contact details (email, phone)"}, {"address", "Home addresses"},
	{"date_of_birth", "Dates of birth"}, {"government_id", "Government identifiers"},
	{"tax_file_number", "Tax file numbers (AU)"}, {"ird_number", "IRD numbers (NZ)"},
	{"passport", "Passport details"}, {"driver_licence", "Driver licence details"},
	{"financial_account", "Bank or financial account details"}, {"payment_card", "Payment card details"},
	{"security_code", "Card security codes, PINs or account passwords"}, {"health_insurance", "Health insurance details"},
	{"credentials", "Usernames and passwords"}, {"income", "Income or benefits"},
	{"employment", "Employment records"}, {"education", "Education records"}, {"location", "Location"},
	{"communications", "Messages or correspondence"}, {"photos", "Photos or video"},
	{"health", "Health information"}, {"genetic", "Genetic information"}, {"biometric", "Biometric information"},
	{"racial_ethnic", "Racial or ethnic origin"}, {"political", "Political opinions"},
	{"religious", "Religious beliefs"}, {"trade_union", "Trade union membership"},
	{"sexual", "Sex life or sexual orientation"}, {"criminal", "Criminal records"},
	{"family_violence", "Family violence information"}, {"children", "Information about children"},
	{"legal", "Legal matters"}, {"other", "Other"},
}

// Causes are the ways a breach happens, with the ids of the facts schema.
var Causes = []Choice{
	{"human_error", "Human error (e.g. sent to the wrong person)"},
	{"malicious_external", "Malicious act from outside (hacking, phishing, theft)"},
	{"malicious_internal", "Malicious act by someone inside"},
	{"theft_or_loss", "Theft or loss of a device or papers"},
	{"system_fault", "System fault"},
	{"unknown", "Not known yet"},
}

// Recipients are who has, or may have, the information now.
var Recipients = []Choice{
	{"unknown", "Not known"}, {"none", "Nobody: it was only lost or made unavailable"},
	{"trusted_recipient", "A trusted person who will return or delete it"},
	{"employee", "Another employee"}, {"other_organisation", "Another organisation"},
	{"individual", "A member of the public"}, {"public", "Anyone: it was published"},
	{"malicious_actor", "Someone who means harm"},
}

// Choice is one option of a fixed list: the stable id and its label.
type Choice struct{ ID, Label string }

// LabelOf returns the label of id in choices, or id itself.
func LabelOf(choices []Choice, id string) string {
	for _, c := range choices {
		if c.ID == id {
			return c.Label
		}
	}
	return id
}

func validID(choices []Choice, id string) bool {
	for _, c := range choices {
		if c.ID == id {
			return true
		}
	}
	return false
}

// Limits on free text, so one report cannot fill the disk.
const (
	maxTitle = 200
	maxText  = 20000
)

// Validate checks a report and the title given with it as of now, naming
// each field that needs correcting. Nothing is stored unless this passes.
func (r *Report) Validate(title string, now time.Time) error {
	f := fault.Fields{}
	switch t := strings.TrimSpace(title); {
	case t == "":
		f.Add("title", "Give the report a short title, e.g. \"Client list emailed to the wrong person\".")
	case len(t) > maxTitle:
		f.Add("title", "Keep the title under 200 characters.")
	}
	if strings.TrimSpace(r.WhatHappened) == "" {
		f.Add("what_happened", "Say what happened, in your own words.")
	}
	for name, s := range map[string]string{"what_happened": r.WhatHappened, "how_it_happened": r.HowItHappened, "where_it_went": r.WhereItWent, "actions_taken": r.ActionsTaken} {
		if len(s) > maxText {
			f.Add(name, "This answer is too long; keep it under 20,000 characters and attach documents as evidence.")
		}
	}
	soon := now.Add(5 * time.Minute) // allow for clocks that differ a little
	switch {
	case r.DiscoveredAt.IsZero():
		f.Add("discovered_at", "Say when the problem was found; every deadline runs from then.")
	case r.DiscoveredAt.After(soon):
		f.Add("discovered_at", "The time it was found cannot be in the future.")
	}
	if r.OccurredAt != nil {
		if r.OccurredAt.After(soon) {
			f.Add("occurred_at", "The time it happened cannot be in the future.")
		} else if !r.DiscoveredAt.IsZero() && r.OccurredAt.After(r.DiscoveredAt) {
			f.Add("occurred_at", "It cannot have happened after it was found; check both times.")
		}
	}
	if r.Ongoing == "" {
		r.Ongoing = "unknown"
	}
	if !contains(OngoingAnswers, r.Ongoing) {
		f.Add("ongoing", "Answer yes, no or unknown.")
	}
	for _, c := range r.DataCategories {
		if !validID(DataCategories, c) {
			f.Add("data_categories", "Unknown kind of information: "+c+".")
		}
	}
	if r.PeopleCount != nil && *r.PeopleCount < 0 {
		f.Add("people_count", "The number of people cannot be negative.")
	}
	if r.Cause != "" && !validID(Causes, r.Cause) {
		f.Add("cause", "Choose how it happened from the list.")
	}
	if r.Recipient != "" && !validID(Recipients, r.Recipient) {
		f.Add("recipient", "Choose who has the information from the list.")
	}
	return f.Err()
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
