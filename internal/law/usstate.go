package law

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// The breach laws of the US states, DC and the territories share one
// shape: a definition of personal information (a name with one of listed
// elements, some elements alone), an encryption safe harbour, a trigger
// (acquisition or access), often a risk-of-harm exception, a deadline for
// telling residents, a notice to the attorney general above a number of
// residents, a notice to the consumer reporting agencies above another,
// and exemptions for HIPAA and GLBA entities. Each is written once, as a
// typed profile (statutes/us_*.yaml) with the section and wording behind
// every value, and compiled here into a pack of rules. One compiler keeps
// the 54 laws decided the same way, so a difference in the answer is a
// difference in the statute, and a reviewer checks values against the
// statute instead of re-reading the logic 54 times.

//go:embed statutes/*.yaml
var statutes embed.FS

// stateLaw is the profile of one US breach-notification law.
type stateLaw struct {
	Regime      string   `yaml:"regime"`
	Name        string   `yaml:"name"`
	Places      []string `yaml:"places"`
	Law         string   `yaml:"law"`
	LastChecked string   `yaml:"last_checked"`
	Quality     string   `yaml:"quality"`
	Sources     []Source `yaml:"sources"`
	Unsettled   []string `yaml:"unsettled"`
	NotCovered  []string `yaml:"not_covered"`
	// Paper: the law covers records on paper too, not only computerised
	// data.
	Paper       bool        `yaml:"paper"`
	PI          piDef       `yaml:"personal_information"`
	Breach      breachDef   `yaml:"breach"`
	Harm        *harmDef    `yaml:"risk_of_harm"`
	Individuals noticeDef   `yaml:"individuals"`
	Regulators  []noticeDef `yaml:"regulators"`
	Agencies    *noticeDef  `yaml:"agencies"`
	Delay       provision   `yaml:"law_enforcement_delay"`
	Exemptions  []exemption `yaml:"exemptions"`
	Letter      *letterDef  `yaml:"letter"`
	// why are the reasons that depend on nothing but the law, written
	// once when it is compiled.
	why stateWhy
}

// stateWhy are a state law's reasons that depend on nothing but the law,
// and the function that writes the one that depends on the facts, made
// once: a decision then costs a probe no formatting and no allocation.
type stateWhy struct {
	noResidents, paper, noPI, encrypted, goodFaith                      string
	accessRuledOut, accessUnknown, acquisitionRuledOut, acquiredUnknown string
	whereUnknown, withoutName, numberOnly                               string
	exempt                                                              []string // by exemption
	required                                                            func(*texts, whyArgs) string
}

// The facts whose absence leaves a decision open, shared by every
// decision that waits for them (they are only ever copied).
var (
	missingAccess      = []string{"effects.confidentiality", "recipient.accessed"}
	missingAcquisition = []string{"effects.exfiltrated", "recipient.accessed"}
	missingWhere       = []string{"people.by_jurisdiction"}
)

// words writes the reasons of s that depend on nothing but the law.
func (s *stateLaw) words() stateWhy {
	n := s.Name
	w := stateWhy{
		noResidents:         fmt.Sprintf("No affected %s residents are counted (people.by_jurisdiction), and the law protects its residents.", n),
		paper:               fmt.Sprintf("The records were on paper; %s's law covers computerised data only (%s).", n, s.PI.Citation),
		noPI:                fmt.Sprintf("None of the information %s's law defines as personal information was involved (%s): %s.", n, s.PI.Citation, s.piWords()),
		encrypted:           fmt.Sprintf("The data was encrypted and the key was not compromised: %s's safe harbour (%s).", n, s.Breach.Encryption.Citation),
		goodFaith:           fmt.Sprintf("Good-faith acquisition by an employee or agent, not used or disclosed further, is not a breach under %s (%s).", s.Law, s.Breach.Citation),
		accessRuledOut:      fmt.Sprintf("%s's law is triggered by unauthorised access (%s), and access by anyone not authorised was ruled out.", n, s.Breach.Citation),
		accessUnknown:       fmt.Sprintf("%s's law is triggered by unauthorised access (%s); whether anyone not authorised could see the data is not known.", n, s.Breach.Citation),
		acquisitionRuledOut: fmt.Sprintf("%s's law is triggered by acquisition (%s), and acquisition was ruled out: nothing was copied out and nobody outside obtained or viewed the data.", n, s.Breach.Citation),
		acquiredUnknown:     fmt.Sprintf("%s's law is triggered when personal information \"was, or is reasonably believed to have been, acquired\" (%s). Whether it was is not known: establish whether data was copied out or seen.", n, s.Breach.Citation),
		whereUnknown:        fmt.Sprintf("Whether any affected people live in %s is not known (people.by_jurisdiction).", n),
		withoutName:         fmt.Sprintf("Elements %s's law lists were involved without names. Its definition (%s) covers them without a name when they would be enough to commit or attempt identity theft, which turns on what else was taken; notifying is the cautious course, or record why they would not be enough.", n, s.PI.Citation),
		numberOnly:          fmt.Sprintf("A name with a card or account number was involved, but not the security code, access code or password. %s's definition (%s) counts the number \"in combination with any required security code, access code, or password\"; whether a number usable without one (many card-not-present payments need none) is covered is not settled. Notifying is the cautious course; if the numbers cannot be used without a code that was not taken, record why you decide otherwise.", n, s.PI.Citation),
	}
	for i := range s.Exemptions {
		x := &s.Exemptions[i]
		why := fmt.Sprintf("%s (%s)", x.Text, x.Citation)
		if x.Unsettled != "" {
			why += " Unsettled: " + x.Unsettled
		}
		w.exempt = append(w.exempt, "The organisation is subject to "+x.Law+": "+why)
	}
	lead, as := " "+n+" residents, as "+s.Law+" defines it ("+s.PI.Citation+": ", "), was "+triggerWords(s.Breach.Trigger)+" by someone not authorised ("+s.Breach.Citation+")."
	w.required = func(t *texts, a whyArgs) string {
		t.room(512)
		start := len(t.buf)
		t.buf = append(t.buf, "Personal information of "...)
		t.int(a.n)
		t.buf = append(t.buf, lead...)
		first := true
		s.piFound(&Env{Categories: a.cats, PasswordsProtected: a.pw}, func(phrase string) {
			if !first {
				t.buf = append(t.buf, ", "...)
			}
			first = false
			t.buf = append(t.buf, phrase...)
		})
		t.buf = append(t.buf, as...)
		return t.since(start)
	}
	return w
}

// provision is a section of the law with its words.
type provision struct {
	Citation  string `yaml:"citation"`
	Quote     string `yaml:"quote"`
	Effective string `yaml:"effective"`
	Text      string `yaml:"text"`
}

type piDef struct {
	provision `yaml:",inline"`
	// WithName are the elements that are personal information with a
	// person's first name or initial and last name; Alone those that are
	// without a name.
	WithName []string `yaml:"with_name"`
	Alone    []string `yaml:"alone"`
	// AloneIfIdentityTheft: an element without a name is personal
	// information when it would be enough for identity theft (GA, ME...).
	AloneIfIdentityTheft bool `yaml:"alone_if_identity_theft"`
	// Identifiers are the data categories that stand for the name part
	// (default: name; DC also counts a phone number or address).
	Identifiers []string `yaml:"identifiers"`
	// Note is what the definition adds in words (exclusions, elements the
	// facts cannot express).
	Note string `yaml:"note"`
}

type breachDef struct {
	provision `yaml:",inline"`
	// Trigger is acquisition or access.
	Trigger string `yaml:"trigger"`
	// GoodFaith: good-faith acquisition by an employee or agent, not used
	// or further disclosed, is not a breach.
	GoodFaith bool `yaml:"good_faith"`
	// Encryption is the safe harbour for encrypted data whose key was not
	// also taken.
	Encryption provision `yaml:"encryption"`
}

type harmDef struct {
	provision `yaml:",inline"`
	// Test is what the investigation must rule out, in the statute's
	// words ("identity theft or fraud").
	Test string `yaml:"test"`
	// OnlyInadvertent: the exception covers only an inadvertent disclosure
	// by people authorised to see the information (New York), a mistake,
	// not an attack.
	OnlyInadvertent bool `yaml:"only_inadvertent"`
	// Record is what must be documented, and for how long, when relying
	// on the exception; Notify who must be told of the determination.
	Record *noticeDef `yaml:"record"`
	Notify *noticeDef `yaml:"notify"`
}

// noticeDef is one notice the law requires: to residents, a regulator,
// the consumer reporting agencies, or a record kept.
type noticeDef struct {
	provision `yaml:",inline"`
	// ID is the rule's suffix (attorney_general, state_police...).
	ID  string `yaml:"id"`
	Who string `yaml:"who"`
	// MoreThan or AtLeast residents start the duty; neither: any number.
	MoreThan int `yaml:"more_than"`
	AtLeast  int `yaml:"at_least"`
	// Days or BusinessDays is the period; After: it runs from the notice
	// to residents; Rule says the deadline in the statute's terms.
	Hours        int      `yaml:"hours"`
	Days         int      `yaml:"days"`
	BusinessDays int      `yaml:"business_days"`
	After        bool     `yaml:"after_individuals"`
	Rule         string   `yaml:"rule"`
	Form         string   `yaml:"form"`
	Content      []string `yaml:"content"`
	Substitute   string   `yaml:"substitute"`
	// Unsettled is said in the reasons of this rule.
	Unsettled string `yaml:"unsettled"`
	// Years a record is kept.
	Years int `yaml:"years"`
	// OnlyUnder: the notice is owed only by an organisation subject to
	// this regime (a HIPAA covered entity's copy to the attorney general),
	// whatever exemption that regime gives from the rest.
	OnlyUnder string `yaml:"only_under"`
}

// exemption is a regulated-entity exemption: a HIPAA covered entity or a
// GLBA financial institution that notifies under its federal rules.
type exemption struct {
	provision `yaml:",inline"`
	// Law is the regime the organisation must be subject to.
	Law string `yaml:"law"`
	// Effect: deemed (the notice to residents under the federal rules
	// satisfies this law), exempt (the law does not apply at all),
	// content (only the content rules are satisfied) or partial (only the
	// notices in Drops are removed).
	Effect string `yaml:"effect"`
	// Keeps lists the notices still owed (a regulator's id); Drops the
	// notices this exemption alone removes (agencies), the rest staying.
	Keeps     []string `yaml:"keeps"`
	Drops     []string `yaml:"drops"`
	Unsettled string   `yaml:"unsettled"`
}

// letterDef is what a letter to this state's residents must carry beyond
// the content list: its title and headings (California), the smallest
// type, and the contact blocks required (cra, ftc, attorney_general),
// some only when certain elements were involved.
type letterDef struct {
	Title     string              `yaml:"title"`
	Headings  []string            `yaml:"headings"`
	MinPoints int                 `yaml:"min_points"`
	Contacts  []string            `yaml:"contacts"`
	When      map[string][]string `yaml:"when"`
	Citation  string              `yaml:"citation"`
	// AttorneyGeneral is the contact the letter gives for the state's
	// attorney general, when it must give one.
	AttorneyGeneral *Contact `yaml:"attorney_general"`
	// Paragraphs are required statements, in the law's order.
	Paragraphs []string `yaml:"paragraphs"`
}

// elements maps a statute's elements to the facts' data categories that
// show them. An element needing a code (account_with_code) needs the
// number and a code or password.
var elements = map[string]string{
	"ssn":               "a Social Security number",
	"id_card":           "a driver's licence or state identification card number",
	"passport":          "a passport number",
	"tax_id":            "a taxpayer identification number",
	"military_id":       "a military identification number",
	"other_id":          "another government identification number",
	"account":           "a financial account number",
	"account_with_code": "a financial account number with a code or password that permits access",
	"card":              "a credit or debit card number",
	"card_with_code":    "a credit or debit card number with its security code, access code or password",
	"medical":           "medical information",
	"health_insurance":  "health insurance information",
	"biometric":         "biometric data",
	"genetic":           "genetic data",
	"credentials":       "a user name or email address with a password or security answer permitting access to an online account",
	"dob":               "a date of birth",
	"access_code":       "a password, PIN or other access code for a financial account",
}

// present says which of the statute's elements the facts show, and
// whether an account or card number was taken without its code.
func present(e Env, el string) bool {
	code := e.Has("security_code") || e.Has("credentials")
	switch el {
	case "ssn", "tax_id", "military_id", "other_id":
		return e.Has("government_id")
	case "id_card":
		return e.Has("driver_licence")
	case "passport":
		return e.Has("passport")
	case "account":
		return e.Has("financial_account")
	case "account_with_code":
		return e.Has("financial_account") && code
	case "card":
		return e.Has("payment_card")
	case "card_with_code":
		return e.Has("payment_card") && code
	case "medical":
		return e.Has("health")
	case "health_insurance":
		return e.Has("health_insurance")
	case "biometric":
		return e.Has("biometric")
	case "genetic":
		return e.Has("genetic")
	case "credentials":
		return e.Has("credentials") && !e.PasswordsProtected
	case "dob":
		return e.Has("date_of_birth")
	case "access_code":
		return e.Has("security_code")
	}
	return false
}

// categoryWords says what each data category counts as under the
// statutes' elements.
var categoryWords = map[string]string{
	"government_id":     "a government identification number (read as a Social Security number, which every state lists)",
	"driver_licence":    "a driver's licence or state ID number",
	"passport":          "a passport number",
	"financial_account": "a financial account number",
	"payment_card":      "a credit or debit card number",
	"health":            "medical information",
	"health_insurance":  "health insurance information",
	"biometric":         "biometric data",
	"genetic":           "genetic data",
	"credentials":       "online account credentials",
	"date_of_birth":     "a date of birth",
}

// elementCategory is the data category that shows an element.
// elementPhrase is how an element found is said, alone and with a name,
// worked out once.
var elementPhrase = func() map[string][2]string {
	out := map[string][2]string{}
	for el, c := range elementCategory {
		w := categoryWords[c]
		if el == "account_with_code" || el == "card_with_code" {
			w += " with its code or password"
		}
		out[el] = [2]string{w, "a name with " + w}
	}
	return out
}()

var elementCategory = map[string]string{
	"ssn": "government_id", "tax_id": "government_id", "military_id": "government_id", "other_id": "government_id",
	"id_card": "driver_licence", "passport": "passport", "account": "financial_account", "account_with_code": "financial_account",
	"card": "payment_card", "card_with_code": "payment_card", "medical": "health", "health_insurance": "health_insurance",
	"biometric": "biometric", "genetic": "genetic", "credentials": "credentials", "dob": "date_of_birth", "access_code": "security_code",
}

// piFound calls each with how each kind of information involved that
// the statute lists is said, once per data category: the elements
// personal information alone first, then those with a name.
func (s *stateLaw) piFound(e *Env, each func(phrase string)) {
	name := false
	for _, id := range s.PI.Identifiers {
		name = name || e.Has(id)
	}
	var seenBuf [16]string // a handful at most: on the stack, not a map
	seen := seenBuf[:0]
	check := func(list []string, needName bool) {
		for _, el := range list {
			if (needName && !name) || !present(*e, el) {
				continue
			}
			if c := elementCategory[el]; !slices.Contains(seen, c) {
				seen = append(seen, c)
				k := 0
				if needName {
					k = 1
				}
				each(elementPhrase[el][k])
			}
		}
	}
	check(s.PI.Alone, false)
	check(s.PI.WithName, true)
}

// piFlags is what piFound finds, without the words, for deciding: whether any listed
// element is involved, whether only a number without its code is, and
// whether only elements without a name are.
func (s *stateLaw) piFlags(e Env) (anyPI, numberWithoutCode, withoutName bool) {
	name := false
	for _, id := range s.PI.Identifiers {
		name = name || e.Has(id)
	}
	for _, el := range s.PI.Alone {
		if present(e, el) {
			return true, false, false
		}
	}
	for _, el := range s.PI.WithName {
		if present(e, el) {
			if name {
				return true, false, false
			}
			withoutName = withoutName || s.PI.AloneIfIdentityTheft
		}
		if name && ((el == "account_with_code" && e.Has("financial_account")) || (el == "card_with_code" && e.Has("payment_card"))) {
			numberWithoutCode = true
		}
	}
	return false, numberWithoutCode, withoutName
}

// threshold says whether the residents meet a notice's number: yes, no,
// or not known (people.by_jurisdiction is missing or incomplete).
func (n *noticeDef) threshold(e Env) (met, known bool) {
	limit, strict := n.AtLeast, false
	if n.MoreThan > 0 {
		limit, strict = n.MoreThan, true
	}
	if limit == 0 {
		return true, true
	}
	over := func(x int64) bool {
		if strict {
			return x > int64(limit)
		}
		return x >= int64(limit)
	}
	if over(e.Residents) {
		return true, true
	}
	if e.ResidentsMax >= 0 && !over(e.ResidentsMax) {
		return false, true
	}
	return false, false
}

func (n *noticeDef) thresholdWords(name string) string {
	switch {
	case n.MoreThan > 0:
		return fmt.Sprintf("more than %s %s residents", thousands(n.MoreThan), name)
	case n.AtLeast > 0:
		return fmt.Sprintf("%s or more %s residents", thousands(n.AtLeast), name)
	}
	return "any number of residents"
}

func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// residentsDecision decides the notice to residents. ignoreExemption
// decides it as if no regulated-entity exemption applied, for the notices
// an exemption keeps.
func (s *stateLaw) residentsDecision(e Env, ignoreExemption bool) decided {
	w := &s.why
	if e.ResidentsMax == 0 {
		return decided{decision: "not_required", reason: w.noResidents}
	}
	if e.Paper && !s.Paper {
		return decided{decision: "not_required", reason: w.paper}
	}
	anyPI, numberOnly, withoutName := s.piFlags(e)
	if !anyPI && !numberOnly && !withoutName {
		return decided{decision: "not_required", reason: w.noPI}
	}
	if e.Unintelligible && s.Breach.Encryption.Citation != "" {
		return decided{decision: "not_required", reason: w.encrypted}
	}
	if s.Breach.GoodFaith && e.GoodFaithInsider {
		return decided{decision: "not_required", reason: w.goodFaith}
	}
	switch {
	case s.Breach.Trigger == "access" && !e.Accessed && e.NotAcquired:
		return decided{decision: "not_required", reason: w.accessRuledOut}
	case s.Breach.Trigger == "access" && !e.Accessed:
		return decided{decision: "undetermined", reason: w.accessUnknown, missing: missingAccess}
	case s.Breach.Trigger == "acquisition" && e.NotAcquired:
		return decided{decision: "not_required", reason: w.acquisitionRuledOut}
	case s.Breach.Trigger == "acquisition" && !e.Acquired:
		return decided{decision: "undetermined", reason: w.acquiredUnknown, missing: missingAcquisition}
	}
	level, likelihood := e.Level, e.Likelihood
	if s.Harm != nil && harmUnlikely(e) && (!s.Harm.OnlyInadvertent || e.Inadvertent) {
		n := s.Name
		return lazy("not_required", nil, func() string {
			return fmt.Sprintf("%s's risk-of-harm exception (%s): notice is not required when, after an appropriate investigation, %s is not reasonably likely, and the risk of harm here is %s (likelihood %s). Relying on it has conditions: see the record rule.", n, s.Harm.Citation, s.Harm.Test, words(level), words(likelihood))
		})
	}
	if !ignoreExemption {
		for i := range s.Exemptions {
			x := &s.Exemptions[i]
			if e.Under(x.Law) && (x.Effect == "deemed" || x.Effect == "exempt") {
				return decided{decision: "not_required", reason: w.exempt[i]}
			}
		}
	}
	if e.Residents == 0 {
		return decided{decision: "undetermined", reason: w.whereUnknown, missing: missingWhere}
	}
	if !anyPI && withoutName {
		return decided{decision: "recommended", reason: w.withoutName}
	}
	if !anyPI {
		return decided{decision: "recommended", reason: w.numberOnly}
	}
	return decided{decision: "required", write: w.required, args: whyArgs{n: e.Residents, cats: e.Categories, pw: e.PasswordsProtected}}
}

func triggerWords(trigger string) string {
	if trigger == "access" {
		return "accessed"
	}
	return "acquired, or is reasonably believed to have been,"
}

func harmUnlikely(e Env) bool { return e.Level == "none" || e.Likelihood == "remote" }

func (s *stateLaw) piWords() string {
	var ws []string
	for _, el := range s.PI.WithName {
		ws = append(ws, elements[el])
	}
	out := "a name with " + strings.Join(ws, "; ")
	if len(s.PI.Alone) > 0 {
		var as []string
		for _, el := range s.PI.Alone {
			as = append(as, elements[el])
		}
		out += "; or, without a name, " + strings.Join(as, "; ")
	}
	return out
}

// compile turns the profile into a pack of rules.
func (s *stateLaw) compile() (*Pack, error) {
	p := &Pack{Regime: s.Regime, Title: s.Name + ": " + s.Law, Places: s.Places, ResidentsOnly: true, Family: "us_state",
		LastChecked: s.LastChecked, Quality: s.Quality, Sources: s.Sources, Unsettled: s.Unsettled, NotCovered: s.NotCovered,
		Source: "statutes/" + s.Regime + ".yaml"}
	s.why = s.words()
	if len(s.Regulators) > 0 {
		var who []string
		for _, r := range s.Regulators {
			who = append(who, r.Who)
		}
		p.Regulator = strings.Join(who, "; ")
	}
	unsettled := func(extra string) []string {
		out := append([]string{}, s.Unsettled...)
		if extra != "" {
			out = append(out, extra)
		}
		return out
	}
	delay := []Clause{}
	if s.Delay.Citation != "" {
		delay = append(delay, Clause{If: "LawEnforcementDelay", test: func(e Env) bool { return e.LawEnforcementDelay }, Text: s.Delay.Text + " (" + s.Delay.Citation + ")"})
	}
	var exemptions []Clause
	for _, x := range s.Exemptions {
		x := x
		text := fmt.Sprintf("%s (%s).", x.Text, x.Citation)
		if x.Unsettled != "" {
			text += " Unsettled: " + x.Unsettled
		}
		exemptions = append(exemptions, Clause{If: "Under(" + x.Law + ")", test: func(e Env) bool { return e.Under(x.Law) }, Text: text})
	}
	ind := s.Individuals
	indID := s.Regime + ".individuals"
	content := append([]string{}, ind.Content...)
	p.Rules = append(p.Rules, Rule{ID: indID, Audience: "individuals", Citation: ind.Citation, Quote: ind.Quote, Effective: ind.Effective,
		Deadline: deadlineOf(ind, false), Except: append(append([]Clause{}, delay...), exemptions...), Content: content, Substitute: ind.Substitute,
		Threshold: "Any affected resident", SafeHarbour: harbour(s),
		reads: stateReads, fn: withUnsettled(func(e Env) decided { return s.residentsDecision(e, false) }, unsettled(ind.Unsettled))})
	ruleOnly := func(u string) []string {
		if u == "" {
			return nil
		}
		return []string{u}
	}
	notice := func(n noticeDef, audience, id string, afterInd bool) {
		keeps := func(e Env) bool {
			for _, x := range s.Exemptions {
				if e.Under(x.Law) && contains(x.Keeps, n.ID) {
					return true
				}
			}
			return false
		}
		// The reasons that depend only on the law, written once.
		who, tw := upperFirst(n.Who), n.thresholdWords(s.Name)
		onlyUnder := fmt.Sprintf("Owed only by an organisation subject to %s (%s), which organisation.subject_to does not name.", n.OnlyUnder, n.Citation)
		noneToResidents := "No notice to " + s.Name + " residents is required, so none to " + n.Who + ": "
		notKnown := fmt.Sprintf("%s must be told when %s are notified (%s); how many affected people live in %s is not known.", who, tw, n.Citation, s.Name)
		notMet := fmt.Sprintf("%s must be told only when %s are notified (%s); ", who, tw, n.Citation)
		notMetWhy := func(t *texts, a whyArgs) string {
			t.room(len(notMet) + 32)
			start := len(t.buf)
			t.buf = append(t.buf, notMet...)
			t.int(a.n)
			t.buf = append(t.buf, " are counted."...)
			return t.since(start)
		}
		ifResidents := "Whether " + s.Name + " residents must be told is not yet determined, and " + n.Who + " must be told if they are: "
		told := fmt.Sprintf("%s must be told: %s are notified (%s).", who, tw, n.Citation)
		if n.MoreThan == 0 && n.AtLeast == 0 {
			told = fmt.Sprintf("%s must be told whenever %s residents are notified (%s).", who, s.Name, n.Citation)
		}
		fn := func(e Env) decided {
			if n.OnlyUnder != "" && !e.Under(n.OnlyUnder) {
				return decided{decision: "not_required", reason: onlyUnder}
			}
			for i := range s.Exemptions {
				x := &s.Exemptions[i]
				if e.Under(x.Law) && contains(x.Drops, n.ID) {
					return lazy("not_required", nil, func() string {
						return fmt.Sprintf("The organisation is subject to %s: %s (%s).", x.Law, x.Text, x.Citation)
					})
				}
			}
			d := s.residentsDecision(e, keeps(e) || n.OnlyUnder != "")
			if d.decision == "not_required" {
				return d.prefixed("not_required", noneToResidents, nil)
			}
			met, known := n.threshold(e)
			switch {
			case !known && len(d.missing) == 0:
				return decided{decision: "undetermined", reason: notKnown, missing: missingWhere}
			case !known:
				return decided{decision: "undetermined", reason: notKnown, missing: append(d.missing[:len(d.missing):len(d.missing)], "people.by_jurisdiction")}
			case !met:
				return decided{decision: "not_required", write: notMetWhy, args: whyArgs{n: e.Residents}}
			case d.decision == "undetermined":
				return d.prefixed("undetermined", ifResidents, d.missing)
			}
			return decided{decision: d.decision, reason: told}
		}
		threshold := upperFirst(n.thresholdWords(s.Name))
		dl := deadlineOf(n, afterInd)
		if afterInd {
			dl.After = indID
		}
		p.Rules = append(p.Rules, Rule{ID: s.Regime + "." + id, Audience: audience, Recipient: n.Who, Citation: n.Citation, Quote: n.Quote,
			Effective: n.Effective, Deadline: dl, Except: delay, Content: n.Content, Form: n.Form, Threshold: threshold,
			SafeHarbour: harbour(s), reads: stateReads, fn: withUnsettled(fn, ruleOnly(n.Unsettled))})
	}
	for _, r := range s.Regulators {
		if r.ID == "" {
			return nil, fmt.Errorf("%s: a regulator needs an id", s.Regime)
		}
		notice(r, "regulator", r.ID, r.After)
	}
	if s.Agencies != nil {
		a := *s.Agencies
		a.ID, a.Who = "agencies", "the nationwide consumer reporting agencies"
		notice(a, "organisations", "agencies", a.After)
	}
	if h := s.Harm; h != nil && h.Record != nil {
		rec := *h.Record
		p.Rules = append(p.Rules, Rule{ID: s.Regime + ".harm_record", Audience: "record", Citation: rec.Citation, Quote: rec.Quote, Effective: rec.Effective,
			Deadline: deadlineOf(rec, false), Content: rec.Content, Threshold: "When relying on the risk-of-harm exception", SafeHarbour: harbour(s),
			reads: stateReads, fn: withUnsettled(s.harmRecord(rec, "Document the determination"), ruleOnly(rec.Unsettled))})
	}
	if h := s.Harm; h != nil && h.Notify != nil {
		n := *h.Notify
		p.Rules = append(p.Rules, Rule{ID: s.Regime + ".harm_notice", Audience: "regulator", Recipient: n.Who, Citation: n.Citation, Quote: n.Quote, Effective: n.Effective,
			Deadline: deadlineOf(n, false), Content: n.Content, Form: n.Form, Threshold: "When relying on the risk-of-harm exception" + map[bool]string{true: ", " + n.thresholdWords(s.Name), false: ""}[n.MoreThan > 0 || n.AtLeast > 0],
			SafeHarbour: harbour(s), reads: stateReads, fn: withUnsettled(s.harmRecord(n, "Tell "+n.Who+" of the determination"), ruleOnly(n.Unsettled))})
	}
	for i := range p.Rules {
		if err := checkRule(&p.Rules[i], i); err != nil {
			return nil, fmt.Errorf("%s: %w", s.Regime, err)
		}
	}
	if err := checkPack(p); err != nil {
		return nil, fmt.Errorf("%s: %w", s.Regime, err)
	}
	return p, nil
}

// harmRecord decides a duty that arises only when the risk-of-harm
// exception is relied on: every other condition of a notice holds, and
// harm is not reasonably likely.
func (s *stateLaw) harmRecord(n noticeDef, what string) func(Env) decided {
	tw := n.thresholdWords(s.Name)
	notKnown := fmt.Sprintf("%s when %s are affected (%s); how many is not known.", what, tw, n.Citation)
	notMet := fmt.Sprintf("Only when %s are affected (%s).", tw, n.Citation)
	relied := fmt.Sprintf("Relying on the risk-of-harm exception (%s): %s. %s", s.Harm.Citation, strings.ToLower(what[:1])+what[1:], n.Text)
	return func(e Env) decided {
		if !harmUnlikely(e) || (s.Harm.OnlyInadvertent && !e.Inadvertent) {
			return decided{decision: "not_required", reason: "The risk-of-harm exception is not relied on here."}
		}
		probe := e
		probe.Level, probe.Likelihood = "high", "likely" // as if harm were likely
		d := s.residentsDecision(probe, false)
		switch d.decision {
		case "not_required":
			return d.prefixed("not_required", "The exception is not needed: ", nil)
		case "undetermined":
			return d.prefixed("undetermined", "Needed only if the notice would otherwise be due: ", d.missing)
		}
		if met, known := n.threshold(e); !known {
			return decided{decision: "undetermined", reason: notKnown, missing: missingWhere}
		} else if !met {
			return decided{decision: "not_required", reason: notMet}
		}
		return decided{decision: "required", reason: relied}
	}
}

// withUnsettled adds what is unsettled to the reasons of a decision that
// imposes or may impose a duty.
func withUnsettled(fn func(Env) decided, notes []string) func(Env) decided {
	if len(notes) == 0 {
		return fn
	}
	extra := "Unsettled or unverified: " + strings.Join(notes, " ")
	return func(e Env) decided {
		d := fn(e)
		if d.decision != "not_required" {
			d.suffix = extra
		}
		return d
	}
}

func harbour(s *stateLaw) string {
	if s.Breach.Encryption.Citation != "" {
		return "encryption"
	}
	return ""
}

// deadlineOf is a notice's deadline: a period from awareness or from the
// notice to residents, or the organisation's target when the law says
// only "without unreasonable delay".
func deadlineOf(n noticeDef, afterInd bool) Deadline {
	d := Deadline{Rule: n.Rule, Hours: n.Hours, Days: n.Days, BusinessDays: n.BusinessDays}
	if afterInd {
		d.After = n.ID // set to the rule id by the caller
	}
	if n.Hours == 0 && n.Days == 0 && n.BusinessDays == 0 && !afterInd {
		d.TargetHours = 30 * 24
		d.Rule += " No fixed period; the target is 30 days, the shortest period any state sets."
	}
	return d
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// loadStatutes reads and compiles every state profile.
func loadStatutes() ([]*Pack, []*stateLaw, error) {
	names, err := fs.Glob(statutes, "statutes/*.yaml")
	if err != nil {
		return nil, nil, err
	}
	sort.Strings(names)
	var packs []*Pack
	var laws []*stateLaw
	for _, n := range names {
		b, err := fs.ReadFile(statutes, n)
		if err != nil {
			return nil, nil, err
		}
		s, err := parseStateLaw(b)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", n, err)
		}
		p, err := s.compile()
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", n, err)
		}
		packs, laws = append(packs, p), append(laws, s)
	}
	return packs, laws, nil
}

// parseStateLaw reads one profile. Profiles are built into the program
// (an organisation adds law as a pack), so they are not checked against
// the YAML bounds that an organisation's packs are.
func parseStateLaw(b []byte) (*stateLaw, error) {
	var s stateLaw
	dec := yaml.NewDecoder(strings.NewReader(string(b)))
	dec.KnownFields(true)
	if err := dec.Decode(&s); err != nil {
		return nil, err
	}
	switch {
	case s.Regime == "" || s.Name == "" || s.Law == "" || len(s.Places) == 0:
		return nil, errors.New("regime, name, law and places are required")
	case s.LastChecked == "":
		return nil, errors.New("last_checked is required")
	case s.Breach.Trigger != "acquisition" && s.Breach.Trigger != "access":
		return nil, errors.New("breach.trigger must be acquisition or access")
	case len(s.PI.WithName)+len(s.PI.Alone) == 0 || s.PI.Citation == "":
		return nil, errors.New("personal_information needs its citation and elements")
	}
	if len(s.PI.Identifiers) == 0 {
		s.PI.Identifiers = []string{"name"}
	}
	for _, el := range append(append([]string{}, s.PI.WithName...), s.PI.Alone...) {
		if _, ok := elements[el]; !ok {
			return nil, fmt.Errorf("personal_information: unknown element %q", el)
		}
	}
	for _, x := range s.Exemptions {
		if x.Effect != "deemed" && x.Effect != "exempt" && x.Effect != "content" && x.Effect != "partial" {
			return nil, fmt.Errorf("exemption for %s: effect must be deemed, exempt, content or partial", x.Law)
		}
	}
	for _, n := range append(append([]noticeDef{}, s.Regulators...), s.Individuals) {
		if n.MoreThan > 0 && n.AtLeast > 0 {
			return nil, fmt.Errorf("%s: give more_than or at_least, not both", n.ID)
		}
	}
	return &s, nil
}
