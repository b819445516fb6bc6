package harm

import (
	"fmt"
	"strings"

	"github.com/breachdesk/breachdesk/internal/facts"
)

// special are the kinds of information whose disclosure harms by itself:
// the GDPR's special categories and what the NZ Commissioner calls
// inherently sensitive, and information about children.
var special = []string{"health", "genetic", "biometric", "racial_ethnic", "political", "religious", "trade_union", "sexual", "criminal", "family_violence", "children"}

// private is information whose disclosure embarrasses or exposes
// without being a special category.
var private = []string{"financial_account", "payment_card", "income", "legal", "communications", "photos", "location", "employment", "education"}

// fraudEnabling is information that lets someone impersonate the people
// or take their money (GDPR recital 85; NZ Commissioner: identity theft,
// financial fraud).
var fraudEnabling = []string{"payment_card", "financial_account", "credentials", "government_id", "passport", "driver_licence", "tax_file_number", "ird_number", "biometric"}

// articles9and10 are the GDPR's special categories (art 9) and criminal
// data (art 10): disclosed to someone not entitled, damage is to be
// considered likely.
var articles9and10 = []string{"health", "genetic", "biometric", "racial_ethnic", "political", "religious", "trade_union", "sexual", "criminal"}

// whereabouts say where someone can be found.
var whereabouts = []string{"address", "location"}

type rater struct {
	quiet     bool // only the ratings are wanted, not the reasons
	f         *facts.Facts
	cats      []string
	holder    holder
	n         int64 // recipients
	accessed  string
	contained string
	hostile   bool
}

func newRater(f *facts.Facts) *rater {
	r := &rater{f: f, cats: categories(f)}
	r.holder, _ = holderOf(f)
	r.n = recipients(f, r.holder)
	if f.Recipient != nil {
		r.accessed = f.Recipient.Accessed
	}
	r.hostile = r.holder.hostile()
	r.contained = r.containment()
	return r
}

// containment says how the data was brought back under control before
// harm, in words, or "".
func (r *rater) containment() string {
	f := r.f
	if m := f.Remediation; m != nil && isTrue(m.PreventsSeriousHarm) {
		return "the action taken means serious harm is no longer likely"
	}
	if r.hostile || r.accessed == "yes" {
		return ""
	}
	if m := f.Remediation; m != nil && isTrue(m.Recovered) && (r.accessed == "no" || r.holder != hThief) {
		// Recovered from a thief, with nobody able to say whether it
		// was read meanwhile, is not "before anyone looked at it".
		return "the information was recovered before anyone looked at it"
	}
	if assurance(f) == "assured" {
		return "the recipient returned or deleted the information, with assurance, before looking at it"
	}
	return ""
}

func assurance(f *facts.Facts) string {
	r := f.Recipient
	if r == nil {
		return ""
	}
	if isTrue(r.ConfirmedDeleted) {
		return "assured"
	}
	return r.DeletionAssurance
}

// open says whether anyone could reach the information: published, or
// left where no authentication stood in the way and no particular
// recipients were counted.
func (r *rater) open() bool {
	f := r.f
	if r.holder == hPublic {
		return true
	}
	if f.Method != "system_misconfiguration" && f.Method != "unintended_publication" {
		return false
	}
	return (r.holder == hStranger || r.holder == hUnknown) && (f.Recipient == nil || f.Recipient.Count == nil)
}

func (r *rater) confidentialityLost() bool {
	if r.holder == hNone {
		return false
	}
	e := r.f.Effects
	return e == nil || e.Confidentiality != "no" || e.Exfiltrated == "yes"
}

func (r *rater) channels() []Channel {
	var out []Channel
	if r.confidentialityLost() {
		out = append(out, r.exposure(), r.misuse())
	}
	if c, ok := r.integrity(); ok {
		out = append(out, c)
	}
	if c, ok := r.availability(); ok {
		out = append(out, c)
	}
	r.danger(out)
	out = r.assessedHarms(out)
	for i := range out {
		out[i].Level = LevelOf(out[i].Likelihood, out[i].Severity)
		out[i].Trivial = out[i].Trivial && out[i].Severity == Low
	}
	return out
}

type step struct {
	c     *Channel
	quiet bool
}

// say adds a reason, unless only the decision is wanted.
func (r *rater) say(c *Channel, reason string) {
	if !r.quiet {
		c.Reasons = append(c.Reasons, reason)
	}
}

func (r *rater) sayf(c *Channel, format string, args ...any) {
	if !r.quiet {
		c.Reasons = append(c.Reasons, fmt.Sprintf(format, args...))
	}
}

func (s step) raiseS(to Severity, because string) {
	if to > s.c.Severity {
		s.c.Severity = to
		if !s.quiet {
			s.c.Reasons = append(s.c.Reasons, fmt.Sprintf("%s severity raised to %s: %s.", title(s.c.Kind), words(to.String()), because))
		}
	}
}

func (s step) capS(to Severity, because string) {
	if s.c.Severity > to {
		s.c.Severity = to
		if !s.quiet {
			s.c.Reasons = append(s.c.Reasons, fmt.Sprintf("%s severity lowered to %s: %s.", title(s.c.Kind), words(to.String()), because))
		}
	}
}

func (s step) raiseL(to Likelihood, because string) {
	if to > s.c.Likelihood {
		s.c.Likelihood = to
		if !s.quiet {
			s.c.Reasons = append(s.c.Reasons, fmt.Sprintf("%s likelihood raised to %s: %s.", title(s.c.Kind), words(to.String()), because))
		}
	}
}

func (s step) capL(to Likelihood, because string) {
	if s.c.Likelihood > to {
		s.c.Likelihood = to
		if !s.quiet {
			s.c.Reasons = append(s.c.Reasons, fmt.Sprintf("%s likelihood lowered to %s: %s.", title(s.c.Kind), words(to.String()), because))
		}
	}
}

func title(kind string) string {
	switch kind {
	case Exposure:
		return "Exposure"
	case Misuse:
		return "Misuse"
	case Integrity:
		return "Integrity"
	}
	return "Availability"
}

func catWords(cats []string) string {
	out := make([]string, len(cats))
	for i, c := range cats {
		out[i] = words(c)
	}
	return strings.Join(out, ", ")
}

func pick(cats, from []string) []string {
	var out []string
	for _, c := range cats {
		if has(from, c) {
			out = append(out, c)
		}
	}
	return out
}

// exposure rates the harm of the information being known to the wrong
// people: distress, embarrassment, discrimination, loss of standing.
func (r *rater) exposure() Channel {
	f := r.f
	c := Channel{Kind: Exposure}
	s := step{&c, r.quiet}
	switch sp, pr := pick(r.cats, special), pick(r.cats, private); {
	case len(sp) > 0:
		c.Severity = High
		r.sayf(&c, "Exposure severity starts at high: %s is sensitive in itself.", catWords(sp))
	case f.Data != nil && isTrue(f.Data.Sensitive):
		c.Severity = High
		r.say(&c, "Exposure severity starts at high: the information is sensitive in its context (data.sensitive).")
	case len(pr) > 0:
		c.Severity = Medium
		r.sayf(&c, "Exposure severity starts at medium: %s is private, though not a special category.", catWords(pr))
	case has(r.cats, "other"):
		c.Severity = Medium
		r.say(&c, "Exposure severity starts at medium: information of a kind no category names (other) says something about the people beyond who they are and how to reach them, and nothing says it is harmless.")
	default:
		c.Severity = Low
		r.say(&c, "Exposure severity starts at low: "+dataWords(r.cats)+" reveals little by itself.")
	}
	if f.Data != nil && isFalse(f.Data.Sensitive) {
		s.capS(Low, "the organisation judged the information not sensitive in its context (data.sensitive: false)")
	} else if minimalOnly(f.Harms) {
		s.capS(Low, "every harm assessed was judged of minimal impact by whoever knows the content")
	}
	r.common(s)
	if r.hostile && (f.Method == "ransomware" || (f.Effects != nil && f.Effects.Exfiltrated == "yes")) && f.Method != "unauthorised_staff_access" && f.Method != "former_staff_access" {
		s.raiseS(min(c.Severity+1, VeryHigh), "information taken by criminals is often published or used for extortion")
	}

	l, why := Possible, ""
	switch r.holder {
	case hColleague:
		staff := f.People != nil && has(f.People.Groups, "employees")
		switch {
		case staff && r.n > 10:
			l, why = AlmostCertain, "colleagues of the people, who know them, saw it"
		case staff:
			l, why = Likely, "a colleague of the people, who knows them, saw it"
		case r.n > 10:
			l, why = Possible, "many colleagues without a need to know saw it, though they are bound by their duties to the organisation"
		default:
			l, why = Remote, "it reached a colleague, who is bound by their duties to the organisation"
		}
	case hTrusted:
		l, why = Remote, "it reached a trusted recipient under a duty of confidence or an agreement"
	case hOrganisation:
		l, why = Possible, "it reached another organisation, whose staff may see it"
	case hStranger:
		switch {
		case r.accessed != "yes" && r.n > 1:
			l, why = Likely, "other people could see it, though whether they looked is not known"
		case r.accessed != "yes":
			l, why = Possible, "one uninvolved member of the public may have seen it"
		case r.n > 10 && (f.Recipient == nil || f.Recipient.Count == nil):
			l, why = AlmostCertain, "many recipients saw it"
		case r.n > 10:
			l, why = AlmostCertain, fmt.Sprintf("%d recipients saw it", r.n)
		case r.n > 1:
			l, why = Likely, fmt.Sprintf("%d recipients saw it", r.n)
		default:
			l, why = Possible, "one uninvolved member of the public, who does not know the people, saw it"
		}
	case hUnknown:
		l, why = Possible, "someone not known may have it"
		if f.Effects != nil && f.Effects.Confidentiality == "yes" {
			l, why = Likely, "it was disclosed, and who saw it is not known"
		}
	case hFinder:
		l, why = Possible, "whoever finds it may look at it"
		if f.Method == "lost_paper" {
			l, why = Likely, "papers lost in the open are readable by whoever finds them"
		}
	case hFamily:
		l, why = Likely, "someone who knows the person has it"
	case hThief:
		l, why = Likely, "a thief has it"
	case hPublic:
		l, why = Likely, "it was publicly available"
		if x := f.Exposure; x != nil && x.Hours != nil {
			switch {
			case *x.Hours < 1:
				l, why = Possible, "it was public for less than an hour"
			case *x.Hours > 24:
				l, why = AlmostCertain, fmt.Sprintf("it was public for %s hours", num(*x.Hours))
			}
		}
	case hMalicious:
		l, why = AlmostCertain, "someone who means harm has it"
	case hPerpetrator:
		l, why = AlmostCertain, "an alleged perpetrator of harm against the person has it"
	}
	c.Likelihood = l
	r.sayf(&c, "Exposure likelihood starts at %s: %s.", words(l.String()), why)
	if r.accessed == "yes" && (r.holder == hFinder || r.holder == hThief || r.holder == hUnknown) {
		s.raiseL(Likely, "someone looked at it")
	}
	if sp := pick(r.cats, articles9and10); len(sp) > 0 && r.accessed == "yes" && (r.holder == hStranger || r.holder == hFinder || r.holder == hThief || r.holder == hUnknown) {
		s.raiseL(Likely, catWords(sp)+" was seen by someone not entitled to it: such damage should be considered likely (WP250 rev.01; the NZ Commissioner: inherently more sensitive)")
	}
	if f.Recipient != nil && isTrue(f.Recipient.Repeated) {
		s.raiseL(min(c.Likelihood+1, AlmostCertain), "the same recipient kept receiving the information")
	}
	if r.accessed == "no" {
		s.capL(Remote, "nobody looked at the information")
	}
	if r.holder == hOrganisation && r.accessed != "yes" && (assurance(f) != "" && assurance(f) != "unknown" && assurance(f) != "refused" || (f.Remediation != nil && isTrue(f.Remediation.Recovered))) {
		s.capL(Remote, "the other organisation returned or deleted it")
	}
	r.caps(s)
	r.trivial(&c)
	return c
}

// misuse rates the harm of the information being used against the
// people: fraud, identity theft, account takeover, phishing, or finding
// someone who is at risk.
func (r *rater) misuse() Channel {
	f := r.f
	c := Channel{Kind: Misuse}
	s := step{&c, r.quiet}
	fraud := pick(r.cats, fraudEnabling)
	if f.Protection != nil && f.Protection.PasswordsHashed == "strong_salted" && has(fraud, "credentials") {
		fraud = without(fraud, "credentials")
		r.say(&c, "The passwords were stored with a strong salted hash, so they do not open the accounts.")
	}
	switch {
	case len(fraud) > 0:
		c.Severity = High
		r.sayf(&c, "Misuse severity starts at high: %s enables fraud or identity theft.", catWords(fraud))
	case has(r.cats, "date_of_birth") || has(r.cats, "location"):
		c.Severity = Medium
		r.say(&c, "Misuse severity starts at medium: "+catWords(pick(r.cats, []string{"date_of_birth", "location"}))+" helps impersonate or find someone.")
	default:
		c.Severity = Low
		r.say(&c, "Misuse severity starts at low: nothing in "+dataWords(r.cats)+" enables fraud or identity theft by itself; at most unwanted contact or phishing.")
	}
	atRisk := (f.People != nil && (isTrue(f.People.Vulnerable) || (f.People.AtHigherRisk != nil && (f.People.AtHigherRisk.Count == nil || *f.People.AtHigherRisk.Count > 0)))) || has(r.cats, "family_violence")
	if atRisk && hasAny(r.cats, whereabouts) {
		s.raiseS(VeryHigh, "it says where people at risk can be found")
	}
	if r.holder == hPerpetrator && hasAny(r.cats, whereabouts) {
		s.raiseS(VeryHigh, "it tells someone who may harm the person where to find them")
	}
	r.common(s)

	l, why := Possible, ""
	switch r.holder {
	case hColleague, hTrusted, hOrganisation:
		l, why = Remote, "the recipient has no reason to misuse it and is bound not to"
		if r.holder == hColleague && r.n > 10 {
			l, why = Possible, "many colleagues without a need to know could see it, and one of them may misuse it"
		}
	case hStranger:
		l, why = Possible, "nothing suggests the recipient means harm"
		if r.n > 100 {
			l, why = Likely, fmt.Sprintf("among %d recipients, some may misuse it", r.n)
		}
	case hUnknown, hFinder:
		l, why = Possible, "whoever has it may or may not misuse it"
	case hFamily:
		l, why = Possible, "someone close to the person has it"
	case hThief:
		l, why = Likely, "a thief is malicious"
	case hPublic:
		l, why = Likely, "anyone, fraudsters included, could take it"
		if x := f.Exposure; x != nil && x.Hours != nil && *x.Hours > 24 {
			l, why = AlmostCertain, fmt.Sprintf("anyone, fraudsters included, could take it for %s hours", num(*x.Hours))
		}
	case hMalicious:
		l, why = AlmostCertain, "someone who means harm has it"
	case hPerpetrator:
		l, why = AlmostCertain, "an alleged perpetrator of harm against the person has it"
	}
	c.Likelihood = l
	r.sayf(&c, "Misuse likelihood starts at %s: %s.", words(l.String()), why)
	if f.Recipient != nil && isTrue(f.Recipient.Repeated) {
		s.raiseL(min(c.Likelihood+1, AlmostCertain), "the same recipient kept receiving the information")
	}
	// Knowledge cannot be recovered: once someone outside the
	// organisation's duties has seen the information, getting it back or
	// deleted does not make its misuse remote (identity numbers, accounts
	// and cards least of all); a colleague or a recipient under a duty of
	// confidence who deletes it can be trusted not to use what they saw.
	floor, seen := Remote, ""
	if r.accessed == "yes" && r.holder != hColleague && r.holder != hTrusted {
		floor, seen = Possible, ", but they had seen it, and what they saw cannot be taken back"
	}
	switch a := assurance(f); {
	case r.hostile:
		if a == "assured" || a == "their_word" {
			r.say(&c, "The recipient's word that it was deleted does not count: they mean harm.")
		}
	case a == "assured" && floor == Remote:
		s.capL(Remote, "the recipient returned or deleted it, with assurance")
	case a == "assured":
		r.lower(s, max(c.Likelihood-1, floor), "the recipient returned or deleted it, with assurance"+seen)
	case a == "their_word":
		r.lower(s, max(c.Likelihood-1, floor), "the recipient says they deleted it (their word, not verified)"+seen)
	case a == "refused":
		s.raiseL(min(c.Likelihood+1, AlmostCertain), "the recipient refused to return or delete it")
	}
	if m := f.Remediation; m != nil && isTrue(m.Recovered) {
		if r.accessed == "yes" {
			why := "the information was recovered, though someone looked at it"
			if seen != "" {
				why = "the information was recovered" + seen
			}
			r.lower(s, max(c.Likelihood-1, floor), why)
		} else if r.holder == hThief && r.accessed != "no" {
			r.lower(s, max(c.Likelihood-1, Possible), "the information was recovered, but a thief had it, and whether it was read or copied meanwhile is not known")
		} else {
			s.capL(Remote, "the information was recovered before it could be misused")
		}
	}
	switch {
	case r.accessed == "no" && r.holder == hPublic:
		s.capL(Remote, "nobody accessed it while it was public")
	case r.accessed == "no" && !r.hostile:
		s.capL(max(c.Likelihood-1, Remote), "nobody looked at it")
	}
	if n := PeopleCount(f); n >= 1000 && c.Likelihood == Possible {
		s.raiseL(Likely, fmt.Sprintf("with %d people affected, harm to at least one of them is likely", n))
	}
	r.caps(s)
	r.trivial(&c)
	return c
}

// lower caps a likelihood, and says so when what was done could not
// lower it (knowledge that cannot be recovered), so the reasons show why
// getting the information back did not help.
func (r *rater) lower(s step, to Likelihood, because string) {
	if s.c.Likelihood > to {
		s.capL(to, because)
		return
	}
	r.sayf(s.c, "%s likelihood stays %s: %s.", title(s.c.Kind), words(s.c.Likelihood.String()), because)
}

// minimalOnly says whether harms were assessed and every one was judged
// of minimal impact.
func minimalOnly(hs []facts.Harm) bool {
	for _, h := range hs {
		if h.Impact != "minimal" {
			return false
		}
	}
	return len(hs) > 0
}

// basicOnly says whether the information is only names, contact details
// and addresses, as stated (not assumed).
func basicOnly(cats []string) bool {
	for _, c := range cats {
		if c != "name" && c != "contact" && c != "address" {
			return false
		}
	}
	return len(cats) > 0
}

// staffDirectory says whether the information is a staff list: names and
// work contact details of employees only, which staff give out in the
// course of their work (the ICO: no need, normally, to report the loss or
// alteration of a staff telephone list).
func staffDirectory(f *facts.Facts, cats []string) bool {
	if f.People == nil || len(f.People.Groups) != 1 || f.People.Groups[0] != "employees" || (f.Data != nil && isTrue(f.Data.Sensitive)) {
		return false
	}
	for _, c := range cats {
		if c != "name" && c != "contact" {
			return false
		}
	}
	return len(cats) > 0
}

// trivial marks a disclosure whose impact is trivial: information the
// organisation judged not sensitive in its context (data.sensitive:
// false), of a few people, seen by a few recipients who mean no harm
// (WP250 rev.01 Annex B: notification "may not be necessary if no
// sensitive data is revealed and if only a minor number of email
// addresses are revealed"; EDPB 01/2021 case 13). Anything more, or any
// doubt, is a risk.
func (r *rater) trivial(c *Channel) {
	f := r.f
	if c.Severity != Low || c.Likelihood == Remote || r.hostile || r.holder == hThief || r.holder == hPublic {
		return
	}
	if p := f.People; p != nil && (isTrue(p.Vulnerable) || (p.AtHigherRisk != nil && (p.AtHigherRisk.Count == nil || *p.AtHigherRisk.Count > 0))) {
		return
	}
	if f.Recipient != nil && isTrue(f.Recipient.Repeated) {
		return
	}
	if staffDirectory(f, r.cats) {
		c.Trivial = true
		r.sayf(c, "%s impact trivial: only staff names and work contact details, which staff give out in the course of their work.", title(c.Kind))
		return
	}
	if r.smallCC() {
		c.Trivial = true
		r.sayf(c, "%s impact trivial: only the email addresses of a small group were revealed to one another (To or CC instead of BCC), and nothing else about them (WP250 rev.01 Annex B: a minor number of addresses, no sensitive data).", title(c.Kind))
		return
	}
	if f.Data == nil || !isFalse(f.Data.Sensitive) || r.n > 10 || PeopleCount(f) > 10 {
		return
	}
	switch r.holder {
	case hColleague, hTrusted, hOrganisation, hStranger, hFamily:
	default:
		return
	}
	c.Trivial = true
	r.sayf(c, "%s impact trivial: information judged not sensitive in its context, of at most a few people, seen by at most a few recipients who mean no harm.", title(c.Kind))
}

// smallGroup is the most people whose addresses, revealed to one
// another, are "a minor number" (WP250 rev.01 Annex B).
const smallGroup = 100

// smallCC says whether only names and email addresses of a small group
// were revealed to one another by To or CC instead of BCC, with nothing
// about them that being on the list reveals: the information is not
// said to be sensitive, the people are not patients or vulnerable.
func (r *rater) smallCC() bool {
	f := r.f
	if !mutual(f) || f.Data == nil || isTrue(f.Data.Sensitive) {
		return false
	}
	for _, c := range r.cats {
		if c != "name" && c != "contact" {
			return false
		}
	}
	if p := f.People; p != nil && has(p.Groups, "patients") {
		return false
	}
	n := PeopleCount(f)
	return len(r.cats) > 0 && n > 0 && n <= smallGroup && r.n <= smallGroup
}

// mutual says whether the people's email addresses were revealed to one
// another: method exposed_email_recipients, or, in a version 1 document,
// an email whose recipients or summary say so ("the other recipients",
// "CC instead of BCC").
func mutual(f *facts.Facts) bool {
	if f.Method == "exposed_email_recipients" {
		return true
	}
	if f.Method != "misdirected_email" && f.Method != "other" {
		return false
	}
	text := strings.ToLower(f.Summary + " " + f.Title)
	if f.Recipient != nil {
		text += " " + strings.ToLower(f.Recipient.Relationship)
	}
	for _, w := range []string{"bcc", "each other", "one another", "other recipients", "carbon copy", "cc field", "in cc", "in the cc", "to field"} {
		if containsWord(text, w) {
			return true
		}
	}
	return false
}

// common applies what raises the severity of both exposure and misuse.
func (r *rater) common(s step) {
	f := r.f
	if p := f.People; p != nil {
		if isTrue(p.Vulnerable) {
			s.raiseS(min(s.c.Severity+1, VeryHigh), "the people affected are vulnerable, so harm to them weighs more")
		} else if h := p.AtHigherRisk; h != nil && (h.Count == nil || *h.Count > 0) {
			who := "some of the people"
			if h.Count != nil {
				who = fmt.Sprintf("%d of the people", *h.Count)
			}
			if h.Why != "" {
				who += " (" + h.Why + ")"
			}
			s.raiseS(min(s.c.Severity+1, VeryHigh), who+" are at higher risk, and harm to any one of them counts")
		}
	}
	if n := PeopleCount(f); n >= 1000 && s.c.Severity == Medium {
		s.raiseS(High, fmt.Sprintf("%d people are affected: the more people, the greater the risk (seed 001)", n))
	}
}

// caps apply what makes harm remote whatever else is true: data that is
// unintelligible, was public already, or was contained in time.
func (r *rater) caps(s step) {
	f := r.f
	if unintelligible(f) {
		if f.Protection != nil && isTrue(f.Protection.Encrypted) {
			s.capL(Remote, "the data was strongly encrypted and the key was not compromised, so it is unintelligible to whoever has it")
		} else {
			s.capL(Remote, "the passwords were stored with a strong salted hash and nothing else was taken")
		}
	}
	if f.Data != nil && isTrue(f.Data.AlreadyPublic) {
		s.capL(Remote, "the information was already public before the breach, so nothing new became known")
	}
	if r.contained != "" {
		s.capL(Remote, r.contained)
	}
}

func (r *rater) integrity() (Channel, bool) {
	f := r.f
	if f.Effects == nil || f.Effects.Integrity != "yes" {
		return Channel{}, false
	}
	c := Channel{Kind: Integrity, Severity: Medium}
	if basicOnly(r.cats) {
		c.Severity = Low
		r.say(&c, "Integrity severity low: altered names and contact details are an inconvenience, corrected from the people themselves.")
	} else if hasAny(r.cats, special) {
		c.Severity = High
		r.say(&c, "Integrity severity starts at high: altered "+catWords(pick(r.cats, special))+" records can harm the people they are about.")
	} else {
		r.say(&c, "Integrity severity starts at medium: decisions about people may rest on altered records.")
	}
	p := f.Protection
	acted := r.actedOn()
	if acted && hasAny(r.cats, standing) {
		step{&c, r.quiet}.raiseS(High, "wrong "+catWords(pick(r.cats, standing))+" information reached others who act on it (a credit register, a lender, another organisation): it can cost the people credit, money or their good name")
	}
	switch {
	case acted:
		c.Likelihood = Likely
		r.say(&c, "Integrity likelihood likely: the altered information was put before others who act on it, and correcting the organisation's own copy does not undo what they did with it.")
	case p != nil && (isTrue(p.Restored) || isTrue(p.BackupAvailable) || p.RestoredFrom != ""):
		c.Likelihood = Remote
		r.say(&c, "Integrity likelihood remote: the records were restored, or can be, from a good copy.")
	case malicious(f):
		c.Likelihood = Likely
		r.say(&c, "Integrity likelihood likely: the records were altered deliberately and no good copy is reported.")
	default:
		c.Likelihood = Possible
		r.say(&c, "Integrity likelihood possible: no good copy of the records is reported.")
	}
	return c, true
}

// standing is information whose being wrong, in others' hands, costs
// people credit, money or their good name.
var standing = []string{"financial_account", "payment_card", "income", "legal", "criminal", "employment"}

// actedOn says whether altered information was put before someone
// outside the organisation who acts on it: a recipient is named (another
// organisation, a register, an individual), not only colleagues.
func (r *rater) actedOn() bool {
	rc := r.f.Recipient
	if rc == nil {
		return false
	}
	switch rc.Kind {
	case "other_organisation", "individual", "public", "trusted_recipient":
		return rc.Relation != "colleague"
	case "", "unknown":
		if rc.Relation != "" {
			return rc.Relation != "colleague"
		}
		if rc.Relationship != "" {
			h, ok := readRelationship(rc.Relationship)
			return ok && h != hColleague
		}
	}
	return false
}

// availability rates the loss of access to the data by how critical it
// is to the people and for how long (WP250: a few minutes without a call
// centre is no risk; hospital records unavailable for 30 hours are a
// high one).
func (r *rater) availability() (Channel, bool) {
	e := r.f.Effects
	if e == nil || (e.Availability != "temporary" && e.Availability != "permanent" && e.Availability != "unknown") {
		return Channel{}, false
	}
	c := Channel{Kind: Availability}
	switch e.AvailabilityCriticality {
	case "critical":
		c.Severity = High
		r.say(&c, "Availability severity high: the people depend on the data for care or essential services.")
	case "moderate":
		c.Severity = Medium
		r.say(&c, "Availability severity medium: services to the people are delayed without it.")
	default:
		c.Severity = Low
		r.say(&c, "Availability severity low: its absence is an inconvenience.")
	}
	hours := -1.0
	if e.AvailabilityHours != nil {
		hours = *e.AvailabilityHours
	}
	switch {
	case e.Availability == "permanent":
		c.Likelihood = AlmostCertain
		r.say(&c, "Availability likelihood almost certain: the data was lost for good.")
	case hours < 0:
		c.Likelihood = Likely
		r.say(&c, "Availability likelihood likely: how long the data was unavailable is not known.")
	case hours < 1:
		c.Likelihood = Remote
		r.say(&c, "Availability likelihood remote: the data was unavailable for less than an hour.")
	case hours <= 24:
		c.Likelihood = Possible
		r.sayf(&c, "Availability likelihood possible: the data was unavailable for %s hours, within a day.", num(hours))
	case hours <= 72:
		c.Likelihood = Likely
		r.sayf(&c, "Availability likelihood likely: the data was unavailable for %s hours.", num(hours))
	default:
		c.Likelihood = AlmostCertain
		r.sayf(&c, "Availability likelihood almost certain: the data was unavailable for %s hours.", num(hours))
	}
	if hours > 72 && c.Severity == High {
		step{&c, r.quiet}.raiseS(VeryHigh, "critical data was unavailable for more than three days")
	}
	return c, true
}

// danger: someone is in immediate danger (NotifyUs asks this).
func (r *rater) danger(cs []Channel) {
	d := r.f.Danger
	if d == nil || !(isTrue(d.Physical) || isTrue(d.Psychological) || isTrue(d.Financial)) {
		return
	}
	for i := range cs {
		if cs[i].Kind == Exposure || cs[i].Kind == Misuse || len(cs) == 1 {
			s := step{&cs[i], r.quiet}
			s.raiseS(VeryHigh, "someone is in immediate danger (physical, psychological or financial); tell the police first if harm is imminent")
			s.raiseL(Likely, "someone is in immediate danger")
		}
	}
}

var harmChannel = map[string]string{
	"identity_theft": Misuse, "fraud": Misuse, "financial_loss": Misuse, "physical_harm": Misuse, "intimidation": Misuse,
	"family_violence": Misuse, "spam": Misuse, "service_disruption": Availability,
}

var impactSeverity = map[string]Severity{"minimal": Low, "significant": Medium, "serious": High, "severe": VeryHigh}

// natureSeverity is how severe a kind of harm is by its nature, for a
// harm assessed without its impact: identity theft, fraud, financial
// loss, violence and intimidation are serious harms (GDPR recital 85;
// the NZ Commissioner's examples of serious harm); discrimination, lost
// opportunities, distress and damage to reputation are significant.
var natureSeverity = map[string]Severity{"identity_theft": High, "fraud": High, "financial_loss": High, "physical_harm": High,
	"family_violence": High, "intimidation": High, "discrimination": Medium, "loss_of_opportunity": Medium,
	"emotional_distress": Medium, "reputational": Medium}
var likelihoodOf = map[string]Likelihood{"remote": Remote, "possible": Possible, "likely": Likely, "almost_certain": AlmostCertain}

// assessedHarms applies what a person assessed: they know the content,
// so their impact and likelihood raise the rating of that kind of harm.
func (r *rater) assessedHarms(cs []Channel) []Channel {
	for _, h := range r.f.Harms {
		kind := harmChannel[h.Type]
		if kind == "" {
			kind = Exposure
		}
		i := -1
		for k := range cs {
			if cs[k].Kind == kind {
				i = k
			}
		}
		if i < 0 {
			if kind == Availability || len(cs) == 0 {
				cs = append(cs, Channel{Kind: kind})
				i = len(cs) - 1
				r.sayf(&cs[i], "%s: rated from the harm assessed (%s).", title(kind), words(h.Type))
			} else {
				i = 0
			}
		}
		s := step{&cs[i], r.quiet}
		if v, ok := impactSeverity[h.Impact]; ok {
			s.raiseS(v, fmt.Sprintf("the impact of %s was assessed as %s", words(h.Type), h.Impact))
		} else if v, ok := natureSeverity[h.Type]; ok && h.Impact == "" {
			s.raiseS(v, fmt.Sprintf("%s is a harm of that severity by its nature (no impact was assessed)", words(h.Type)))
		}
		if v, ok := likelihoodOf[h.Likelihood]; ok {
			s.raiseL(v, fmt.Sprintf("%s was assessed as %s", words(h.Type), words(h.Likelihood)))
		}
	}
	return cs
}

// PeopleCount is how many people are affected: people.count, or the sum
// of people.by_jurisdiction, or data.records.
func PeopleCount(f *facts.Facts) int64 {
	var n int64
	if p := f.People; p != nil {
		if p.Count != nil {
			n = *p.Count
		}
		if n == 0 {
			for _, v := range p.ByJurisdiction {
				n += v
			}
		}
	}
	if n == 0 && f.Data != nil && f.Data.Records != nil {
		n = *f.Data.Records
	}
	return n
}

func dataWords(cats []string) string {
	if len(cats) == 0 {
		return "the information"
	}
	return catWords(cats)
}

func without(list []string, v string) []string {
	var out []string
	for _, x := range list {
		if x != v {
			out = append(out, x)
		}
	}
	return out
}

func num(h float64) string {
	if h == float64(int64(h)) {
		return fmt.Sprintf("%d", int64(h))
	}
	return fmt.Sprintf("%.1f", h)
}
