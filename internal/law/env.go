package law

import (
	"reflect"
	"strings"
	"unsafe"

	"github.com/breachdesk/breachdesk/internal/facts"
	"github.com/breachdesk/breachdesk/internal/harm"
)

// Env is what a rule's conditions can read: each regime's own test of the
// harm, and the facts that the laws name, as plain values. Rule packs are
// compiled against it, so a misspelt name fails when the pack loads, not
// when a breach happens.
type Env struct {
	Level      string // none, low, medium, high, very_high: the worst kind of harm
	Likelihood string // remote, possible, likely, almost_certain
	Severity   string // low, medium, high, very_high
	// RiskToRights: not "unlikely to result in a risk" (GDPR art 33(1)):
	// some kind of harm is at least a medium risk.
	RiskToRights bool
	// SignificantRisk: a real risk of significant harm (PIPEDA s 10.1,
	// Alberta s 34.1, Quebec's "risk of serious injury" as the CAI reads
	// it): some kind of harm is at least a medium risk and at least
	// possible.
	SignificantRisk bool
	// HighRisk: "likely to result in a high risk" (GDPR art 34(1)): some
	// kind of harm is a high risk.
	HighRisk bool
	// SeriousHarm: "likely to cause serious harm" as New Zealand reads
	// "likely", a real and substantial chance (Privacy Act 2020 s 112):
	// some harm is a high risk, or serious harm is a real possibility.
	SeriousHarm bool
	// LikelySeriousHarm: serious harm is more probable than not, as the
	// OAIC reads "likely" (Privacy Act 1988 (Cth) s 26WE).
	LikelySeriousHarm bool
	// ForeseeableRisk: a risk of harm that is not too remote (OVIC).
	ForeseeableRisk bool
	// Unintelligible: encrypted with a key that was not compromised, or
	// only strongly hashed passwords.
	Unintelligible bool
	// Contained: recovered, or deleted with assurance, before anyone
	// looked, or remedial action prevents serious harm (s 26WF).
	Contained bool
	// RemediationPrevents: the organisation judged that action taken means
	// serious harm is no longer likely.
	RemediationPrevents bool
	// Nothing: nothing is known about what happened; no default exists.
	Nothing             bool
	Loss                bool // the information was lost (not only accessed or disclosed)
	Malicious           bool
	Vulnerable          bool
	Danger              bool
	LawEnforcementDelay bool
	WouldCauseMoreHarm  bool
	// OtherDelay is national_security or regulator_instruction, or "".
	OtherDelay string
	// ContactDetails: the people can be contacted directly (assumed unless
	// the facts say they cannot).
	ContactDetails bool
	AlreadyAware   bool
	Processor      bool
	TFN            bool // tax file number information is involved
	// OtherEntityNotifies: another entity holding the information agreed
	// to notify, and has not yet confirmed it did.
	OtherEntityNotifies bool
	// OtherEntityNotified: another entity confirmed it notified (or its
	// relationship says, in words, that it has).
	OtherEntityNotified bool
	// OtherEntity names the entity that notified or agreed to.
	OtherEntity string
	// VicPublicSector: Part 4 of the PDP Act 2014 (Vic) applies.
	VicPublicSector bool
	// BIL is the VPDSS business impact level, 0 when not known.
	BIL    int
	People int64
	// PeopleKnown: people.count is given (People is 0 otherwise).
	PeopleKnown bool
	Categories  []string
	// Acquired: the data was, or is reasonably believed to have been,
	// acquired by someone not authorised: it was copied out, a recipient
	// received it or looked at it, or a device or papers were stolen (the
	// factors of N.Y. Gen. Bus. Law s 899-aa(1)(c), which most acquisition
	// statutes leave unstated).
	Acquired bool
	// Inadvertent: the breach was a mistake by the organisation's own
	// people (cause human_error), not an attack or a theft.
	Inadvertent bool
	// GoodFaithInsider: the data reached someone inside the organisation
	// by mistake (not snooping, not a former employee), the good-faith
	// acquisition most US statutes exclude.
	GoodFaithInsider bool
	// NotAcquired: acquisition was ruled out on evidence (nothing left,
	// nobody looked); neither flag set means it is not known.
	NotAcquired bool
	// Accessed: someone not authorised could see the data (acquired, or
	// confidentiality was lost, or it was public).
	Accessed bool
	// Paper: the records were on paper (lost or stolen papers, a letter,
	// disposal); many US statutes cover computerised data only.
	Paper bool
	// PasswordsProtected: credentials were stored with a slow salted hash,
	// so the passwords themselves were not obtained.
	PasswordsProtected bool
	// Groups are people.groups: who the affected people are.
	Groups []string
	// Sensitive: a special category of data is involved (health, genetic,
	// biometric, racial or ethnic origin, political, religious, trade
	// union, sex life, criminal, family violence, children), or the facts
	// say the data is sensitive in its context (data.sensitive).
	Sensitive bool
	// SubjectTo is organisation.subject_to, for exemptions that turn on
	// another law (a HIPAA covered entity, a GLBA financial institution).
	SubjectTo []string
	// Places is people.by_jurisdiction with upper-case codes; nil when not
	// given.
	Places map[string]int64
	// Residents is how many affected people live in the places of the
	// regime being decided; ResidentsMax the most there could be there,
	// counting people whose state or country is not known (-1: no bound).
	Residents    int64
	ResidentsMax int64
}

// HasAny says whether any of these kinds of data is involved, for
// conditions such as HasAny("health", "genetic").
func (e Env) HasAny(categories ...string) bool {
	for _, c := range categories {
		if e.Has(c) {
			return true
		}
	}
	return false
}

// InGroup says whether the affected people include a group (patients,
// customers, children...).
func (e Env) InGroup(group string) bool {
	for _, g := range e.Groups {
		if g == group {
			return true
		}
	}
	return false
}

// Under says whether the organisation declared it is subject to a regime.
func (e Env) Under(regime string) bool {
	for _, r := range e.SubjectTo {
		if r == regime {
			return true
		}
	}
	return false
}

// In is the number of affected people counted in a place (an ISO 3166
// code as in people.by_jurisdiction).
func (e Env) In(code string) int64 { return e.Places[code] }

// MostInOne is the largest number of affected people counted in one
// subdivision of a country (e.g. the state with most residents, for
// HIPAA's media notice to a state with more than 500).
func (e Env) MostInOne(country string) int64 {
	var most int64
	for code, n := range e.Places {
		if c, sub, ok := strings.Cut(code, "-"); ok && c == country && sub != "" && n > most {
			most = n
		}
	}
	return most
}

// Has says whether a kind of data is involved, for conditions such as
// Has("health").
func (e Env) Has(category string) bool {
	for _, c := range e.Categories {
		if c == category {
			return true
		}
	}
	return false
}

func newEnv(f *facts.Facts, h harm.Assessment) Env {
	e := Env{Level: h.Level.String(), Likelihood: h.Likelihood.String(), Severity: h.Severity.String(),
		Unintelligible: h.Unintelligible, Contained: h.Contained != "", Nothing: h.Nothing, ContactDetails: true}
	gv := gdprReading(f, h)
	for _, c := range h.Channels {
		g := gv.view(c)
		e.RiskToRights = e.RiskToRights || gdprRisk(g)
		e.HighRisk = e.HighRisk || g.Level >= harm.LevelHigh
		e.SeriousHarm = e.SeriousHarm || nzSerious(c, h.Hostile)
		e.LikelySeriousHarm = e.LikelySeriousHarm || auSerious(c)
		e.ForeseeableRisk = e.ForeseeableRisk || (c.Likelihood >= harm.Possible && c.Level >= harm.LevelLow)
		e.SignificantRisk = e.SignificantRisk || (c.Likelihood >= harm.Possible && c.Level >= harm.LevelMedium)
	}
	if f.Remediation != nil && f.Remediation.PreventsSeriousHarm != nil {
		e.RemediationPrevents = *f.Remediation.PreventsSeriousHarm
	}
	switch f.Method {
	case "lost_device", "lost_paper", "improper_disposal":
		e.Loss = true
	}
	e.Malicious = f.Cause == "malicious_external" || f.Cause == "malicious_internal"
	e.Inadvertent = f.Cause == "human_error"
	if p := f.People; p != nil {
		e.Vulnerable = isTrue(p.Vulnerable) || (p.AtHigherRisk != nil && (p.AtHigherRisk.Count == nil || *p.AtHigherRisk.Count > 0))
		e.AlreadyAware = isTrue(p.AlreadyAware)
		if p.Count != nil {
			e.People, e.PeopleKnown = *p.Count, true
		}
		e.Groups = p.Groups
		if len(p.ByJurisdiction) > 0 {
			e.Places = upperPlaces(p.ByJurisdiction)
		}
	}
	e.Residents, e.ResidentsMax = e.People, -1
	if e.PeopleKnown {
		e.ResidentsMax = e.People
	}
	if d := f.Danger; d != nil {
		e.Danger = isTrue(d.Physical) || isTrue(d.Psychological) || isTrue(d.Financial)
	}
	if c := f.NotificationConstraints; c != nil {
		e.LawEnforcementDelay = isTrue(c.LawEnforcementDelay)
		e.WouldCauseMoreHarm = isTrue(c.WouldCauseMoreHarm)
		e.ContactDetails = !(c.ContactDetailsAvailable != nil && !*c.ContactDetailsAvailable)
		e.OtherDelay = c.OtherDelay
	}
	if o := f.Organisation; o != nil {
		e.Processor = o.GDPRRole == "processor"
		e.VicPublicSector = isTrue(o.VicPublicSector)
		e.SubjectTo = o.SubjectTo
	}
	e.Acquired, e.Accessed, e.NotAcquired = acquisition(f)
	switch f.Method {
	case "lost_paper", "stolen_paper", "misdirected_mail", "improper_disposal":
		e.Paper = true
	}
	if r := f.Recipient; r != nil && (r.Kind == "employee" || r.Relation == "colleague") && !h.Hostile {
		e.GoodFaithInsider = (f.Cause == "human_error" || f.Cause == "system_fault") && f.Method != "unauthorised_staff_access" && f.Method != "former_staff_access"
	}
	e.PasswordsProtected = f.Protection != nil && f.Protection.PasswordsHashed == "strong_salted"
	if f.Effects != nil && f.Effects.BusinessImpactLevel != nil {
		e.BIL = *f.Effects.BusinessImpactLevel
	}
	if f.Data != nil {
		e.Categories = f.Data.Categories
	}
	e.TFN = e.Has("tax_file_number")
	e.Sensitive = e.HasAny(sensitiveCategories...) || (f.Data != nil && isTrue(f.Data.Sensitive))
	if en := notifyingEntity(f); en != nil {
		e.OtherEntity = entityWords(en)
		if hasNotified(en) {
			e.OtherEntityNotified = true
		} else {
			e.OtherEntityNotifies = true
		}
	}
	return e
}

// nzSerious is New Zealand's test of a kind of harm: serious harm is a
// real and substantial chance (s 112 "likely"): a high risk, serious harm
// that is a real possibility, or information in the hands of someone who
// means harm, which the Commissioner treats as serious (ransomware with
// information accessed or stolen; a former employee using customers'
// information).
func nzSerious(c harm.Channel, hostile bool) bool {
	return c.Level >= harm.LevelHigh || (c.Severity >= harm.High && c.Likelihood >= harm.Possible) ||
		(hostile && (c.Kind == harm.Exposure || c.Kind == harm.Misuse) && c.Likelihood == harm.AlmostCertain)
}

// auSerious is Australia's test: an eligible data breach is unauthorised
// access to, disclosure or loss of information (s 26WE), so only those
// kinds of harm count, not alteration or unavailability; and serious
// harm must be more probable than not.
func auSerious(c harm.Channel) bool {
	return (c.Kind == harm.Exposure || c.Kind == harm.Misuse) && c.Severity >= harm.High && c.Likelihood >= harm.Likely
}

// articles9and10 are the special categories of personal data (GDPR art 9)
// and data on criminal convictions and offences (art 10).
var articles9and10 = []string{"health", "genetic", "biometric", "racial_ethnic", "political", "religious", "trade_union", "sexual", "criminal"}

// identityData lets whoever holds it impersonate the people or reach
// their money: identity document and tax numbers, accounts, cards and
// their codes, biometrics, and passwords not protected by a slow salted
// hash (GDPR recital 85: identity theft or fraud, financial loss).
var identityData = []string{"government_id", "passport", "driver_licence", "tax_file_number", "ird_number", "financial_account", "payment_card", "security_code", "biometric"}

// gdprFacts is what the GDPR's reading of a kind of harm depends on.
type gdprFacts struct {
	cats     []string
	many     bool // 1,000 people or more
	bound    bool // the holder is a colleague or under a duty of confidence or an agreement
	reached  bool // the information is known to have reached someone outside
	lost     bool // it is on a lost, stolen or discarded carrier, readable by whoever has it
	open     bool // anyone could reach it (published, or reachable without authentication)
	identity bool // identity or financial data, or passwords not strongly hashed
}

func gdprReading(f *facts.Facts, h harm.Assessment) gdprFacts {
	cats := categoriesOf(f)
	pw := f.Protection != nil && f.Protection.PasswordsHashed == "strong_salted"
	return gdprFacts{cats: cats, many: harm.PeopleCount(f) >= 1000, bound: h.Bound, reached: h.Reached, lost: h.Lost && !h.Unintelligible,
		open: h.Open, identity: hasAnyOf(cats, identityData) || (contains(cats, "credentials") && !pw)}
}

// view reads a kind of harm as the GDPR guidance does.
//
// Where special categories or criminal data reached someone not entitled
// to them, "such damage should be considered likely to occur" (WP250
// rev.01, EDPB Guidelines 9/2022), so a possible exposure counts as
// likely. The same holds for identity and financial data in the hands of
// someone not bound to the organisation or the people: the EDPB's own
// examples (Guidelines 01/2021 cases 4, 7, 14) tell the people whenever
// identity numbers, accounts or cards reached someone unauthorised.
//
// So does identity data on a carrier that left the organisation's
// control unprotected (a lost or stolen device or file, papers thrown
// away): nobody knows whether it was read, but identity theft is a high
// severity and an unprotected carrier in unknown hands makes it
// reasonably likely (WP250 rev.01 Annex B: a lost or stolen device with
// unencrypted data, notify the people).
//
// A breach of many people's information (1,000 or more) is not "unlikely
// to result in a risk" once harm is a real possibility: the number of
// individuals affected is one of the factors the EDPB lists. Information
// of many people left open to anyone (published, or reachable without
// authentication, by changing an ID in a URL) is a high risk once it is
// likely to have been seen, even names and addresses: at that scale it
// reaches people who collect it for scams, phishing and worse, and the
// people cannot know who has it (EDPB 9/2022: the number of people, the
// ease of identification, who can reach it).
func (v gdprFacts) view(c harm.Channel) harm.Channel {
	switch {
	case c.Kind == harm.Exposure && c.Likelihood == harm.Possible && hasAnyOf(v.cats, articles9and10):
		c.Likelihood = harm.Likely
		c.Level = harm.LevelOf(c.Likelihood, c.Severity)
	case c.Kind == harm.Misuse && c.Likelihood == harm.Possible && v.identity && (v.reached || v.lost) && !v.bound && c.Severity >= harm.High:
		c.Likelihood = harm.Likely
		c.Level = harm.LevelOf(c.Likelihood, c.Severity)
	}
	if v.many && c.Level == harm.LevelLow && c.Likelihood >= harm.Possible && (c.Kind == harm.Exposure || c.Kind == harm.Misuse) && !c.Trivial {
		c.Level = harm.LevelMedium
	}
	if v.open && v.many && c.Likelihood >= harm.Likely && c.Level < harm.LevelHigh && (c.Kind == harm.Exposure || c.Kind == harm.Misuse) && !c.Trivial {
		c.Level = harm.LevelHigh
	}
	return c
}

// gdprRisk is art 33(1)'s test of a kind of harm, read through view: the
// breach is "unlikely to result in a risk" only when harm is remote
// (a trusted recipient who deleted it unread, data unintelligible or
// already public, nobody able to reach it) or its impact trivial. A low
// risk that is not remote is still a risk: notify. Loss of availability
// or integrity counts from a medium risk, so an outage of minutes, or of
// hours for data nobody depends on, is no risk (WP250).
func gdprRisk(c harm.Channel) bool {
	if c.Trivial && (c.Kind == harm.Exposure || c.Kind == harm.Misuse) {
		return false
	}
	if c.Level >= harm.LevelMedium {
		return true
	}
	return (c.Kind == harm.Exposure || c.Kind == harm.Misuse) && c.Likelihood >= harm.Possible && !c.Trivial
}

func categoriesOf(f *facts.Facts) []string {
	if f.Data == nil {
		return nil
	}
	return f.Data.Categories
}

func hasAnyOf(list, want []string) bool {
	for _, w := range want {
		if contains(list, w) {
			return true
		}
	}
	return false
}

// notifyingEntity is the other entity that notified, or failing that the
// one that agreed to.
func notifyingEntity(f *facts.Facts) *facts.Entity {
	var agreed *facts.Entity
	for i := range f.Entities {
		en := &f.Entities[i]
		if hasNotified(en) {
			return en
		}
		if isTrue(en.Notifies) && agreed == nil {
			agreed = en
		}
	}
	return agreed
}

// hasNotified says whether another entity has given the notifications:
// entities[].notified, or, in a version 1 document that has only
// notifies, its relationship saying so in words ("notified the
// Commissioner for its client practices"), not as a plan ("will
// notify", "agreed to notify", "has not yet notified").
func hasNotified(en *facts.Entity) bool {
	if en.Notified != nil {
		return *en.Notified
	}
	if !isTrue(en.Notifies) {
		return false
	}
	t := strings.ToLower(en.Relationship)
	done := false
	for _, w := range []string{"notified", "has reported", "have reported", "reported the breach", "reported it"} {
		if i := strings.Index(t, w); i >= 0 && !planned(t[:i]) {
			done = true
		}
	}
	return done
}

// planned says whether words before a verb make it a plan or a
// negation rather than something done.
func planned(before string) bool {
	f := strings.Fields(before)
	for k := len(f) - 1; k >= 0 && k >= len(f)-3; k-- {
		switch strings.Trim(f[k], ",.;:()") {
		case "will", "would", "to", "not", "yet", "be", "being", "shall", "intends", "plans", "agreed", "never", "no":
			return true
		}
	}
	return false
}

func entityWords(en *facts.Entity) string {
	name := strings.TrimSpace(en.Name)
	if name == "" {
		name = "the other entity"
	}
	return name
}

func isTrue(b *bool) bool { return b != nil && *b }

// envKey is Env as a comparable value, so that decisions on an Env that
// was already decided are not decided again (a test keeps it in step).
type envKey struct {
	Level, Likelihood, Severity                                                            string
	RiskToRights, HighRisk, SeriousHarm, LikelySeriousHarm, ForeseeableRisk                bool
	Unintelligible, Contained, RemediationPrevents, Nothing, Loss, Malicious               bool
	Vulnerable, Danger, LawEnforcementDelay, WouldCauseMoreHarm                            bool
	OtherDelay                                                                             string
	ContactDetails, AlreadyAware, Processor, TFN, OtherEntityNotifies, OtherEntityNotified bool
	OtherEntity                                                                            string
	VicPublicSector                                                                        bool
	BIL                                                                                    int
	People                                                                                 int64
	PeopleKnown                                                                            bool
	Categories                                                                             string
	Acquired, GoodFaithInsider, NotAcquired, Accessed, Paper, PasswordsProtected           bool
	Inadvertent, Sensitive, SignificantRisk                                                bool
	Groups, SubjectTo                                                                      string
	Places                                                                                 unsafe.Pointer
	Residents, ResidentsMax                                                                int64
}

// upperPlaces is people.by_jurisdiction with upper-case codes. Codes
// are usually upper case already, and then the facts' own map is used,
// which the readings of one assessment share, so an Env's places are
// compared by identity (the map is never written). The key holds the
// map's pointer, which keeps the map alive while a memo holds the key, so
// an address is never reused for other places.
func upperPlaces(m map[string]int64) map[string]int64 {
	for code := range m {
		if code != strings.ToUpper(code) {
			out := make(map[string]int64, len(m))
			for c, n := range m {
				out[strings.ToUpper(c)] += n
			}
			return out
		}
	}
	return m
}

func (e Env) key() envKey {
	return envKey{e.Level, e.Likelihood, e.Severity, e.RiskToRights, e.HighRisk, e.SeriousHarm, e.LikelySeriousHarm, e.ForeseeableRisk,
		e.Unintelligible, e.Contained, e.RemediationPrevents, e.Nothing, e.Loss, e.Malicious, e.Vulnerable, e.Danger, e.LawEnforcementDelay,
		e.WouldCauseMoreHarm, e.OtherDelay, e.ContactDetails, e.AlreadyAware, e.Processor, e.TFN, e.OtherEntityNotifies, e.OtherEntityNotified,
		e.OtherEntity, e.VicPublicSector, e.BIL, e.People, e.PeopleKnown, strings.Join(e.Categories, ","), e.Acquired, e.GoodFaithInsider, e.NotAcquired,
		e.Accessed, e.Paper, e.PasswordsProtected, e.Inadvertent, e.Sensitive, e.SignificantRisk, strings.Join(e.Groups, ","), strings.Join(e.SubjectTo, ","), reflect.ValueOf(e.Places).UnsafePointer(), e.Residents, e.ResidentsMax}
}

// acquisition reads whether the data was acquired, or only accessed, by
// someone not authorised, or whether acquisition was ruled out. It
// follows the factors N.Y. Gen. Bus. Law s 899-aa(1)(c) gives for
// "acquisition": the information is in the physical possession and
// control of an unauthorised person ("such as a lost or stolen computer",
// a letter or email received); it was downloaded or copied; or it was
// used (fraud already seen). Someone outside looking at it counts too.
func acquisition(f *facts.Facts) (acquired, accessed, ruledOut bool) {
	r := f.Recipient
	if r == nil {
		r = &facts.Recipient{}
	}
	e := f.Effects
	if e == nil {
		e = &facts.Effects{}
	}
	recovered := f.Remediation != nil && isTrue(f.Remediation.Recovered)
	public := f.Exposure != nil && isTrue(f.Exposure.PubliclyAvailable)
	acquired = e.Exfiltrated == "yes" || (r.Accessed == "yes" && r.Kind != "none" && r.Kind != "employee" && r.Kind != "trusted_recipient")
	switch f.Method {
	case "stolen_device", "stolen_paper", "lost_device", "lost_paper", "misdirected_email", "misdirected_mail", "exposed_email_recipients", "failure_to_redact":
		// In someone else's hands: taken, lost, or delivered to them;
		// unless it came back unread.
		if r.Kind != "none" && !(recovered && r.Accessed == "no") {
			acquired = true
		}
	}
	for _, h := range f.Harms {
		if (h.Type == "fraud" || h.Type == "identity_theft") && h.Likelihood == "almost_certain" {
			acquired = true
		}
	}
	accessed = acquired || e.Confidentiality == "yes" || (r.Accessed == "yes" && r.Kind != "none") || public
	if acquired {
		return true, true, false
	}
	switch {
	case e.Confidentiality == "no", r.Kind == "none":
		ruledOut = true
	case r.Accessed == "no" && e.Exfiltrated != "unknown":
		ruledOut = true // nobody looked, and nothing was copied out
	case e.Exfiltrated == "no" && r.Accessed == "" && !public:
		ruledOut = true // forensics rule out copying; nothing says anyone looked
	}
	return false, accessed, ruledOut
}

// sensitiveCategories are the special categories most laws name.
var sensitiveCategories = []string{"health", "genetic", "biometric", "racial_ethnic", "political", "religious", "trade_union", "sexual", "criminal", "family_violence", "children"}
