package notice

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/breachdesk/breachdesk/internal/facts"
	"github.com/breachdesk/breachdesk/internal/incident"
	"github.com/breachdesk/breachdesk/internal/law"
)

// Kind is what is being written.
type Kind string

// The kinds of notice.
const (
	NotifyUs       Kind = "notifyus"        // NZ Privacy Commissioner report (answers in NotifyUs's order)
	NotifyUsUpdate Kind = "notifyus-update" // what changed since the last NotifyUs report
	OAIC           Kind = "oaic"            // s 26WK statement to the Australian Information Commissioner
	OVIC           Kind = "ovic"            // report to the Victorian Information Commissioner
	GDPR           Kind = "gdpr"            // art 33 notification to a supervisory authority (EU or UK)
	Individual     Kind = "individual"      // notice to an affected person
	Public         Kind = "public"          // public notice (s 115(2), s 26WL(2)(c), art 34(3)(c))
	FAQ            Kind = "faq"             // questions and answers for the call centre
)

// Kinds lists every kind, for help texts and validation.
var Kinds = []Kind{NotifyUs, NotifyUsUpdate, OAIC, OVIC, GDPR, Individual, Public, FAQ}

// Org is who sends the notice: the organisation and its privacy officer
// (Contact, with their job Title). Industry is the ANZSIC 2006 division
// in words.
type Org struct {
	Name, Contact, Title, Email, Phone, NZBN, ABN, Sector, Industry string
}

// Person is one affected person, for a personalised notice.
type Person struct {
	Name    string
	Email   string
	Phone   string
	Address []string
	// Elements are the kinds of their information exposed (facts data
	// categories), when known per person; otherwise the breach's apply.
	Elements []string
	// Prefers is the person's usual way of hearing from the organisation
	// (email, sms, letter or phone), when the list says so: s 26WL(4)
	// asks for notice by the usual method.
	Prefers string
	// Reference is the person's own reference, printed on their notice
	// for the lookup page and for returned mail.
	Reference string
}

// Breach is what happened, in words ready for a notice.
type Breach struct {
	Title        string
	WhatHappened string
	OccurredAt   *time.Time
	DiscoveredAt time.Time
	ContainedAt  *time.Time
	Ongoing      string // yes, no or empty when not known
	Cause        string
	Method       string
	CategoryIDs  []string
	Categories   []string
	People       *int64
	Records      *int64
	WhereWent    string
	Recipient    string
	Accessed     string
	Steps        []string
	Harms        []Harm
	Encrypted    string
	Control      string
	Groups       []string
	Vulnerable   string
	Danger       map[string]string // physical, psychological, financial: yes, no or ""
	Culture      string
	Entities     []string
	Jurisdiction []string
}

// Harm is one kind of harm with its assessed likelihood and impact.
type Harm struct{ Type, Likelihood, Impact string }

// DeliverySummary is what was sent to people, from the delivery records.
type DeliverySummary struct {
	// Option is the s 26WL option chosen (1, 2, or 3 when the public
	// notice stands in for telling people directly), Practicable why
	// notifying directly was practicable, and NotDirect why it was not.
	Option      int
	Practicable string
	NotDirect   string
	// Told counts the people reached; ByMethod says how ("812 by email,
	// 40 by letter"); Unreachable those no channel could reach.
	Told        int
	ByMethod    string
	Unreachable int
}

// Regulator is who oversees the law a notice is given under.
type Regulator struct {
	Regime, Name, Short, Website string
}

// Data is everything a template can use.
type Data struct {
	Kind       Kind
	Org        Org
	Breach     Breach
	Assessment law.Assessment
	Regulators []Regulator // for complaints: the regimes whose notice this is
	Advice     []string
	// Consequences are what the breach could mean for the people.
	Consequences []string
	Support      []string
	Emergency    string
	Person       *Person
	NoticeURL    string
	// LookupURL is the page where a person finds their own notice by
	// their reference, when the incident offers it.
	LookupURL   string
	Stage       int    // 1 for a first notice, 2+ for updates
	PreviousRef string // what an update refers back to
	Phase       string // GDPR: initial or follow-up
	DelayReason string
	Late        bool // a GDPR notification after 72 hours
	Changes     []string
	// Notified says what was done about telling people, for NotifyUs.
	Notified string
	// Delivery is what the incident's campaigns did, when it sent any.
	Delivery *DeliverySummary
	// Authorities and SupportContacted name the third parties told, for
	// NotifyUs's questions about other authorities and support.
	Authorities      string
	SupportContacted string
	// RegulatorsTold holds the regimes whose regulator has been told, from
	// the incident's obligations; nil when not tracked (a facts file), in
	// which case a notice assumes the regulators the assessment says to
	// tell are told first.
	RegulatorsTold map[string]bool
	// ExceptionsRelied and DelayReason record a person's decisions, for
	// regulator reports; the facts' constraints fill them when empty.
	ExceptionsRelied    string
	LawEnforcementDelay bool
	WouldCauseMoreHarm  bool
	Now                 time.Time
	TZ                  *time.Location
	// Prevention is what will be done to stop a similar breach: the
	// review's actions (OVIC asks), or its lessons while it has none.
	Prevention []string
	// ownAdvice marks advice the team wrote (WithText), which Narrow keeps.
	ownAdvice bool
	// confirm are contact details in the notice that were not checked
	// against the office's own page (Narrow, from law.LetterFor).
	confirm []string
}

var regulators = map[string]Regulator{
	"nz_privacy_act": {"nz_privacy_act", "the Office of the Privacy Commissioner", "the Privacy Commissioner", "privacy.org.nz"},
	"au_ndb":         {"au_ndb", "the Office of the Australian Information Commissioner (OAIC)", "the Australian Information Commissioner", "oaic.gov.au"},
	"vic_pdp":        {"vic_pdp", "the Office of the Victorian Information Commissioner (OVIC)", "the Victorian Information Commissioner", "ovic.vic.gov.au"},
	"eu_gdpr":        {"eu_gdpr", "your national data protection authority", "your data protection authority", "edpb.europa.eu (lists every authority)"},
	"uk_gdpr":        {"uk_gdpr", "the Information Commissioner's Office (ICO)", "the ICO", "ico.org.uk"},
}

func yesNo(b *bool) string {
	switch {
	case b == nil:
		return ""
	case *b:
		return "yes"
	}
	return "no"
}

// Build gathers what the templates need from the facts, the assessment
// and the organisation.
func Build(kind Kind, f *facts.Facts, a law.Assessment, org Org, now time.Time, tz *time.Location) Data {
	if tz == nil {
		tz = time.UTC
	}
	d := Data{Kind: kind, Org: org, Assessment: a, Now: now, TZ: tz, Stage: 1, Phase: "initial"}
	if f.Organisation != nil {
		if d.Org.Name == "" {
			d.Org.Name = f.Organisation.Name
		}
		if d.Org.Contact == "" {
			d.Org.Contact = f.Organisation.Contact
		}
	}
	b := Breach{Title: f.Title, WhatHappened: strings.TrimSpace(f.Summary), OccurredAt: f.Timeline.OccurredAt, DiscoveredAt: f.Timeline.DiscoveredAt,
		ContainedAt: f.Timeline.ContainedAt, Ongoing: yesNo(f.Timeline.Ongoing), Cause: incident.LabelOf(incident.Causes, f.Cause), Method: words(f.Method)}
	if f.Cause == "" {
		b.Cause = ""
	}
	if f.Data != nil {
		b.CategoryIDs = f.Data.Categories
		for _, c := range f.Data.Categories {
			b.Categories = append(b.Categories, lowerFirst(incident.LabelOf(incident.DataCategories, c)))
		}
		b.Records = f.Data.Records
	}
	if p := f.People; p != nil {
		b.People = p.Count
		b.Groups = p.Groups
		b.Vulnerable = yesNo(p.Vulnerable)
		for j := range p.ByJurisdiction {
			b.Jurisdiction = append(b.Jurisdiction, j)
		}
		sort.Strings(b.Jurisdiction)
	}
	if r := f.Recipient; r != nil {
		b.WhereWent = r.Relationship
		if r.Kind != "" {
			b.Recipient = lowerFirst(incident.LabelOf(incident.Recipients, r.Kind))
		}
		b.Accessed = r.Accessed
		switch {
		case r.ConfirmedDeleted != nil && *r.ConfirmedDeleted:
			b.Control = "Yes: the recipient returned or deleted it, and we have assurance of that."
		case f.Remediation != nil && f.Remediation.Recovered != nil && *f.Remediation.Recovered:
			b.Control = "Yes: it was recovered."
		case r.ConfirmedDeleted != nil:
			b.Control = "No."
		}
	}
	if m := f.Remediation; m != nil {
		b.Steps = m.Steps
	}
	if p := f.Protection; p != nil && p.Encrypted != nil {
		b.Encrypted = "No strong encryption protected it."
		if *p.Encrypted {
			b.Encrypted = "It was protected by strong encryption"
			if p.KeyCompromised != nil && *p.KeyCompromised {
				b.Encrypted += ", but the key was also exposed."
			} else {
				b.Encrypted += "; the key was not exposed."
			}
		}
	}
	b.Danger = map[string]string{}
	if dg := f.Danger; dg != nil {
		b.Danger["physical"], b.Danger["psychological"], b.Danger["financial"] = yesNo(dg.Physical), yesNo(dg.Psychological), yesNo(dg.Financial)
		b.Culture = dg.CulturalConsiderations
	}
	for _, h := range f.Harms {
		b.Harms = append(b.Harms, Harm{Type: words(h.Type), Likelihood: words(h.Likelihood), Impact: h.Impact})
	}
	for _, e := range f.Entities {
		s := e.Name
		if e.Relationship != "" {
			s += " (" + e.Relationship + ")"
		}
		b.Entities = append(b.Entities, s)
	}
	d.Breach = b
	for _, g := range a.Regimes {
		if r, ok := regulators[g.Regime]; ok {
			d.Regulators = append(d.Regulators, r)
		}
	}
	if c := f.NotificationConstraints; c != nil {
		d.LawEnforcementDelay = c.LawEnforcementDelay != nil && *c.LawEnforcementDelay
		d.WouldCauseMoreHarm = c.WouldCauseMoreHarm != nil && *c.WouldCauseMoreHarm
	}
	switch kind {
	case NotifyUs, NotifyUsUpdate:
		d.ForRegime("nz_privacy_act")
	case OAIC:
		d.ForRegime("au_ndb")
	case OVIC:
		d.ForRegime("vic_pdp")
	case GDPR:
		d.ForRegime("eu_gdpr")
		for _, g := range a.Regimes {
			if g.Regime == "uk_gdpr" {
				d.ForRegime("uk_gdpr")
			}
		}
	}
	d.Advice, d.Support, d.Emergency = advice(b.CategoryIDs, regimesOf(a))
	d.Consequences = consequences(b)
	if kind == GDPR && now.Sub(f.Timeline.DiscoveredAt) > 72*time.Hour {
		d.Late = true
	}
	return d
}

func regimesOf(a law.Assessment) map[string]bool {
	m := map[string]bool{}
	for _, g := range a.Regimes {
		m[g.Regime] = true
	}
	return m
}

// ForRegime narrows the regulators to one regime, for a notice given
// under that law.
func (d *Data) ForRegime(regime string) {
	if r, ok := regulators[regime]; ok {
		d.Regulators = []Regulator{r}
	}
}

func words(s string) string { return strings.ReplaceAll(s, "_", " ") }

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// Date formats a time for a notice, in the organisation's zone.
func (d Data) Date(t time.Time) string { return t.In(d.TZ).Format("2 January 2006") }

// DateTime formats a time with the hour, for regulator reports.
func (d Data) DateTime(t time.Time) string { return t.In(d.TZ).Format("2 January 2006, 15:04 MST") }

// Count writes a number of people for people.
func (d Data) Count(n *int64) string {
	if n == nil {
		return ""
	}
	return fmt.Sprintf("%d", *n)
}

// Obligation returns the assessment's obligation for one rule id.
func (d Data) Obligation(rule string) *law.Obligation {
	for i := range d.Assessment.Obligations {
		if d.Assessment.Obligations[i].Rule == rule {
			return &d.Assessment.Obligations[i]
		}
	}
	return nil
}

// advice is what a person can do, tailored to the kinds of information
// (seed 000: be specific), with the support services where they live.
func advice(cats []string, regimes map[string]bool) (steps, support []string, emergency string) {
	has := func(ids ...string) bool {
		for _, c := range cats {
			for _, id := range ids {
				if c == id {
					return true
				}
			}
		}
		return false
	}
	if has("payment_card", "financial_account") {
		steps = append(steps, "Contact your bank or card provider. Ask them to watch your account for payments you did not make, or to replace your card.")
	}
	if has("credentials") {
		steps = append(steps, "Change your password for our service, and anywhere else you use the same password. Turn on two-step sign-in where you can.")
	}
	if has("passport") {
		steps = append(steps, "Contact the passport office that issued your passport if you think someone may use it.")
	}
	if has("driver_licence") {
		steps = append(steps, "Contact the agency that issued your driver licence; you may be able to get a new licence number.")
	}
	if has("tax_file_number") {
		steps = append(steps, "Contact the Australian Taxation Office if you see tax activity you do not recognise.")
	}
	if has("ird_number") {
		steps = append(steps, "Contact Inland Revenue if you see tax activity you do not recognise.")
	}
	if has("government_id") {
		steps = append(steps, "Contact the agency that issued your identity document if you think someone may use it.")
	}
	if has("name", "address", "date_of_birth", "government_id", "passport", "driver_licence", "tax_file_number", "ird_number") {
		steps = append(steps, "Watch for signs that someone is using your identity, such as letters about accounts or loans you did not open.")
	}
	if has("contact", "name", "address") || len(cats) == 0 {
		steps = append(steps, "Be careful with emails, texts or calls that mention this incident or ask for your details. We will never ask you for your password or card number.")
	}
	if has("health", "family_violence", "sexual", "criminal", "children") {
		steps = append(steps, "If this news worries or upsets you, talk to someone you trust or to your doctor or support worker.")
	}
	if regimes["au_ndb"] || regimes["nz_privacy_act"] || regimes["vic_pdp"] {
		if has("name", "address", "date_of_birth", "government_id", "passport", "driver_licence", "tax_file_number", "ird_number", "payment_card", "financial_account", "credentials") {
			support = append(support, "IDCARE, the identity and cyber support service for Australia and New Zealand (idcare.org), can help you protect your identity.")
		}
	}
	if regimes["nz_privacy_act"] {
		support = append(support, "Netsafe (netsafe.org.nz) helps with online harm, and CERT NZ (cert.govt.nz) with scams and cyber security.")
	}
	if has("family_violence") || has("children") {
		var lines []string
		for _, e := range []struct{ regime, line string }{{"nz_privacy_act", "111 in New Zealand"}, {"au_ndb", "000 in Australia"}, {"vic_pdp", "000 in Australia"}, {"uk_gdpr", "999 in the UK"}, {"eu_gdpr", "112 in Europe"}} {
			if regimes[e.regime] && !containsString(lines, e.line) {
				lines = append(lines, e.line)
			}
		}
		if len(lines) > 0 {
			emergency = "If you feel unsafe, call " + strings.Join(lines, " or ") + " now."
		}
	}
	return steps, support, emergency
}

// consequences says what could happen to people, from the harms assessed
// or, failing those, from the kinds of information.
func consequences(b Breach) []string {
	var out []string
	for _, h := range b.Harms {
		out = append(out, "There is a "+orWord(h.Likelihood, "possible")+" risk of "+h.Type+".")
	}
	if len(out) > 0 {
		return out
	}
	has := func(id string) bool {
		for _, c := range b.CategoryIDs {
			if c == id {
				return true
			}
		}
		return false
	}
	if has("payment_card") || has("financial_account") {
		out = append(out, "Someone could try to use your card or account details to take money.")
	}
	if has("credentials") {
		out = append(out, "Someone could try to sign in to your accounts.")
	}
	if has("name") && (has("date_of_birth") || has("address") || has("government_id") || has("passport") || has("driver_licence")) {
		out = append(out, "Someone could try to pretend to be you.")
	}
	if has("health") || has("family_violence") || has("sexual") || has("criminal") {
		out = append(out, "Private details about you could be seen by people who should not see them. This can be upsetting.")
	}
	if has("contact") {
		out = append(out, "You could get scam emails, texts or calls.")
	}
	if len(out) == 0 {
		out = append(out, "We do not think this is likely to cause you harm, but we want you to know.")
	}
	return out
}

func orWord(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
