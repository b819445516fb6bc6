package law

import (
	"strings"

	"github.com/breachdesk/breachdesk/internal/facts"
	"github.com/breachdesk/breachdesk/internal/harm"
)

// Env is what a rule's conditions can read: the risk of harm and the facts
// that the laws name, as plain values. Rule packs are compiled against it,
// so a misspelt name fails when the pack loads, not when a breach happens.
type Env struct {
	Level      string // none, low, medium, high, very_high
	Likelihood string // remote, possible, likely, almost_certain
	Severity   string // low, medium, high, very_high
	// SeriousHarm: a breach likely to cause serious harm (NZ s 112, AU s 26WE):
	// the risk of harm is high or very high.
	SeriousHarm bool
	// RiskToRights: not "unlikely to result in a risk" (GDPR art 33(1)):
	// harm is more than remote and the risk is at least low.
	RiskToRights bool
	// HighRisk: "likely to result in a high risk" (GDPR art 34(1)).
	HighRisk bool
	// ForeseeableRisk: a risk of harm that is not too remote (OVIC).
	ForeseeableRisk bool
	// Unintelligible: encrypted with a key that was not compromised.
	Unintelligible bool
	// RemediationPrevents: action taken means serious harm is no longer likely.
	RemediationPrevents bool
	Loss                bool // the information was lost (not only accessed or disclosed)
	Malicious           bool
	Vulnerable          bool
	Danger              bool
	LawEnforcementDelay bool
	WouldCauseMoreHarm  bool
	// ContactDetails: the people can be contacted directly (assumed unless
	// the facts say they cannot).
	ContactDetails      bool
	Processor           bool
	TFN                 bool // tax file number information is involved
	OtherEntityNotifies bool
	People              int64
	// PeopleKnown: people.count is given (People is 0 otherwise).
	PeopleKnown bool
	Categories  []string
	// Acquired: the data was, or is reasonably believed to have been,
	// acquired by someone not authorised: it was copied out, a recipient
	// received it or looked at it, or a device or papers were stolen (the
	// factors of N.Y. Gen. Bus. Law s 899-aa(1)(c), which most acquisition
	// statutes leave unstated).
	Acquired bool
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
		SeriousHarm: h.Level >= harm.LevelHigh, HighRisk: h.Level >= harm.LevelHigh,
		RiskToRights:    h.Level >= harm.LevelLow && h.Likelihood > harm.Remote,
		ForeseeableRisk: h.Level >= harm.LevelLow && h.Likelihood > harm.Remote,
		Unintelligible:  h.Unintelligible, ContactDetails: true}
	if f.Remediation != nil && f.Remediation.PreventsSeriousHarm != nil {
		e.RemediationPrevents = *f.Remediation.PreventsSeriousHarm
	}
	switch f.Method {
	case "lost_device", "lost_paper", "improper_disposal":
		e.Loss = true
	}
	e.Malicious = f.Cause == "malicious_external" || f.Cause == "malicious_internal"
	if p := f.People; p != nil {
		e.Vulnerable = p.Vulnerable != nil && *p.Vulnerable
		if p.Count != nil {
			e.People, e.PeopleKnown = *p.Count, true
		}
		if len(p.ByJurisdiction) > 0 {
			e.Places = make(map[string]int64, len(p.ByJurisdiction))
			for code, n := range p.ByJurisdiction {
				e.Places[strings.ToUpper(code)] += n
			}
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
	}
	if o := f.Organisation; o != nil {
		e.Processor = o.GDPRRole == "processor"
		e.SubjectTo = o.SubjectTo
	}
	e.Acquired, e.Accessed, e.NotAcquired = acquisition(f)
	switch f.Method {
	case "lost_paper", "stolen_paper", "misdirected_mail", "improper_disposal":
		e.Paper = true
	}
	if r := f.Recipient; r != nil && (r.Kind == "employee" || r.Relation == "colleague") {
		e.GoodFaithInsider = (f.Cause == "human_error" || f.Cause == "system_fault") && f.Method != "unauthorised_staff_access" && f.Method != "former_staff_access"
	}
	e.PasswordsProtected = f.Protection != nil && f.Protection.PasswordsHashed == "strong_salted"
	if f.Data != nil {
		e.Categories = f.Data.Categories
	}
	e.TFN = e.Has("tax_file_number")
	for _, en := range f.Entities {
		if isTrue(en.Notifies) {
			e.OtherEntityNotifies = true
		}
	}
	return e
}

func isTrue(b *bool) bool { return b != nil && *b }

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
