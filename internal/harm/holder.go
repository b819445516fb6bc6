package harm

import (
	"strings"

	"github.com/breachdesk/breachdesk/internal/facts"
)

// holder is who has, or may have, the data: what they are to the people
// and whether they mean harm decide how likely harm is (seed 001: "the
// recipient and their relationship with the affected individual can have
// a bearing on the risk of harm").
type holder int

const (
	hNone         holder = iota // nobody outside obtained it
	hColleague                  // someone inside the organisation, by mistake
	hTrusted                    // a professional under confidence, or an organisation bound by an agreement
	hOrganisation               // another organisation, with its own duties of care
	hStranger                   // an uninvolved member of the public
	hUnknown                    // not known who
	hFinder                     // whoever finds something lost
	hFamily                     // someone who knows the person: family, partner, neighbour, employer
	hThief                      // a thief, who may be after the device or the papers
	hPublic                     // published: anyone
	hMalicious                  // an attacker, fraudster or malicious insider
	hPerpetrator                // an alleged perpetrator of harm against the person
)

var holderWords = []string{
	hNone:         "nobody outside the organisation",
	hColleague:    "a colleague inside the organisation",
	hTrusted:      "a trusted recipient under a duty of confidence or an agreement",
	hOrganisation: "another organisation",
	hStranger:     "an uninvolved member of the public, not malicious",
	hUnknown:      "someone not known",
	hFinder:       "whoever finds what was lost",
	hFamily:       "someone who knows the person (a family member, partner, neighbour or employer)",
	hThief:        "a thief",
	hPublic:       "anyone: the information was public",
	hMalicious:    "someone who means harm",
	hPerpetrator:  "an alleged perpetrator of harm against the person",
}

func (h holder) words() string { return holderWords[h] }

// hostile holders mean harm: their word that the data was deleted is
// worth nothing.
func (h holder) hostile() bool { return h == hMalicious || h == hPerpetrator }

var relationHolder = map[string]holder{
	"colleague": hColleague, "professional_confidence": hTrusted, "contractor_under_agreement": hTrusted,
	"family_or_partner": hFamily, "alleged_perpetrator": hPerpetrator, "stranger": hStranger,
	"malicious_actor": hMalicious, "public": hPublic,
}

var kindHolder = map[string]holder{
	"malicious_actor": hMalicious, "public": hPublic, "employee": hColleague, "trusted_recipient": hTrusted,
	"other_organisation": hOrganisation, "individual": hStranger, "none": hNone,
}

var methodHolder = map[string]holder{
	"misdirected_email": hStranger, "misdirected_mail": hStranger, "failure_to_redact": hStranger, "exposed_email_recipients": hStranger,
	"unintended_publication": hPublic, "hacking": hMalicious, "malware": hMalicious, "phishing": hMalicious,
	"credential_stuffing": hMalicious, "ransomware": hMalicious, "social_engineering": hMalicious,
	"unauthorised_staff_access": hMalicious, "former_staff_access": hMalicious, "stolen_device": hThief,
	"stolen_paper": hThief, "lost_device": hFinder, "lost_paper": hFinder, "improper_disposal": hFinder,
}

// relationKeywords reads the free-text recipient.relationship of version
// 1 documents: phrases first, in order of how much they weigh.
var relationKeywords = []struct {
	h     holder
	words []string
}{
	{hPerpetrator, []string{"perpetrator", "abuser", "abusive", "violent", "offender", "stalker", "ex-partner", "ex partner", "former partner", "estranged", "protection order", "restraining order"}},
	{hThief, []string{"thief", "burglar", "broke into", "break-in", "stole"}},
	{hMalicious, []string{"hacker", "attacker", "criminal", "fraudster", "scammer", "malicious", "ransomware", "extort", "disgruntled", "rogue", "snoop", "snooping", "identity thief"}},
	{hFamily, []string{"spouse", "husband", "wife", "family", "relative", "sibling", "their partner", "his partner", "her partner", "neighbour", "neighbor", "birth parent", "employer", "landlord"}},
	{hTrusted, []string{"doctor", "lawyer", "solicitor", "accountant", "gp", "clinician", "counsellor", "professional", "contractor", "supplier", "processor", "service provider", "vendor", "under contract", "agreement"}},
	{hColleague, staffWords},
	{hFinder, []string{"finder", "found it", "found them", "found the", "picked it up", "picked up", "handed it in", "handed in"}},
	{hOrganisation, []string{"agency", "department", "organisation", "organization", "company", "council", "insurer", "bank", "business", "ministry", "school", "hospital"}},
	{hPublic, []string{"published", "public website", "internet", "online", "anyone", "media", "journalist", "newspaper", "press"}},
	{hStranger, []string{"stranger", "member of the public", "wrong person", "wrong address", "customer", "client", "student", "patient", "another"}},
}

// staffWords name someone who works, or worked, for the organisation.
var staffWords = []string{"colleague", "staff", "employee", "team", "coworker", "co-worker", "internal", "in-house"}

// formerStaffWords name someone who worked for the organisation, in the
// words used with "former".
var formerStaffWords = []string{"colleague", "staff", "employee", "coworker", "co-worker", "worker", "volunteer", "officer", "nurse", "teacher",
	"contractor", "caseworker", "clinician", "manager", "consultant", "agent", "intern", "carer", "director", "administrator", "clerk"}

// formerWords say that someone no longer works for the organisation, or
// looked on purpose: someone who reaches the information after leaving,
// or with intent, is not a colleague bound by their duties but someone
// who means harm (OVIC: a former employee's access is at least likely to
// harm; the NZ Commissioner: a former employee using customers'
// information).
var formerWords = []string{"former", "formerly", "ex", "previous", "previously", "one-time", "departed", "dismissed", "sacked", "fired", "resigned",
	"had left", "has left", "after leaving", "since leaving", "after they left", "after she left", "after he left", "no longer",
	"deliberately", "intentionally", "on purpose", "with intent"}

// onwardWords say the recipient passed the information on: once it went
// further than the recipient, nobody knows who has it, and the
// recipient's duties or agreement do not bind whoever it reached.
var onwardWords = []string{"forwarded", "forwarded it", "passed it on", "passed on", "sent it on", "shared it", "shared it further", "circulated", "reposted", "re-posted", "uploaded it"}

// passedOn says whether recipient.relationship says the recipient passed
// the information on to others.
func passedOn(text string) bool {
	return anyWord(strings.ToLower(text), onwardWords)
}

// stolen says whether the carrier was stolen: whoever found or returned
// it later, a thief had it first.
func stolen(method string) bool { return method == "stolen_device" || method == "stolen_paper" }

// negations, just before a word, turn it around ("not malicious", "no
// relation", "not a colleague").
var negations = []string{"not", "no", "never", "nor", "without", "non"}

// manyKeywords say the recipients were many.
var manyKeywords = []string{"everyone", "all", "group", "list", "mailing", "recipients", "members", "parents", "students", "customers", "clients",
	"employees", "patients", "users", "participants", "seekers", "residents", "subscribers", "applicants", "colleagues", "people", "persons", "individuals", "families", "others"}

func containsWord(text, w string) bool {
	i := strings.Index(text, w)
	for i >= 0 {
		before := i == 0 || !isLetter(text[i-1])
		after := i+len(w) >= len(text) || !isLetter(text[i+len(w)]) || text[i+len(w)] == 's'
		if before && after {
			return true
		}
		next := strings.Index(text[i+1:], w)
		if next < 0 {
			break
		}
		i += next + 1
	}
	return false
}

func isLetter(b byte) bool { return b >= 'a' && b <= 'z' }

// hostileMethod says whether the method is an attack.
func hostileMethod(m string) bool {
	switch m {
	case "hacking", "malware", "phishing", "credential_stuffing", "ransomware", "social_engineering":
		return true
	}
	return false
}

// notBoundWords say a recipient owes no duty of confidence.
var notBoundWords = []string{"not bound", "no duty of confidence", "no duty of confidentiality", "no confidentiality", "without a confidentiality",
	"not under a duty", "no agreement", "not under contract", "no contract"}

func notBound(text string) bool {
	t := strings.ToLower(text)
	for _, w := range notBoundWords {
		if strings.Contains(t, w) {
			return true
		}
	}
	return false
}

// readRelationship reads recipient.relationship words into a holder.
// Words negated just before them ("not malicious", "not a colleague")
// do not count; someone who worked for the organisation and had left, or
// looked on purpose, is not a colleague but someone who means harm.
func readRelationship(text string) (holder, bool) {
	t := strings.ToLower(text)
	former := false
	for _, k := range relationKeywords {
		if k.h != hPerpetrator && !former {
			former = true
			if anyWord(t, formerWords) && anyWord(t, formerStaffWords) {
				return hMalicious, true
			}
		}
		if (k.h == hTrusted || k.h == hColleague) && notBound(t) {
			continue // "an external consultant, not bound by confidentiality"
		}
		for _, w := range k.words {
			if affirmed(t, w) {
				return k.h, true
			}
		}
	}
	if notBound(t) {
		return hStranger, true
	}
	return hUnknown, false
}

func anyWord(t string, ws []string) bool {
	for _, w := range ws {
		if affirmed(t, w) {
			return true
		}
	}
	return false
}

// affirmed says whether the word occurs in the text as a word (a plural
// counts), other than negated: "not", "no", "never", "without" within
// the two words before it, or "non-" joined to it.
func affirmed(t, w string) bool {
	for i := 0; ; {
		j := strings.Index(t[i:], w)
		if j < 0 {
			return false
		}
		j += i
		i = j + 1
		end := j + len(w)
		if (j > 0 && isLetter(t[j-1])) || (end < len(t) && isLetter(t[end]) && t[end] != 's') {
			continue
		}
		if !negated(t[:j]) {
			return true
		}
	}
}

// negated says whether the text before a word ends with a negation,
// alone or before an article ("not", "not a", "no", "non-").
func negated(before string) bool {
	f := strings.FieldsFunc(before, func(r rune) bool { return r == ' ' || r == ',' || r == ';' || r == '(' || r == '-' })
	if n := len(f); n > 1 && (f[n-1] == "a" || f[n-1] == "an" || f[n-1] == "the" || f[n-1] == "any") {
		f = f[:n-1]
	}
	if len(f) == 0 {
		return false
	}
	for _, n := range negations {
		if f[len(f)-1] == n {
			return true
		}
	}
	return false
}

// manyRecipients says whether recipient.relationship speaks of many.
func manyRecipients(text string) bool {
	t := strings.ToLower(text)
	for _, w := range manyKeywords {
		if containsWord(t, w) {
			return true
		}
	}
	return false
}

// holderOf says who has, or may have, the data, and from which fact
// that was read.
func holderOf(f *facts.Facts) (holder, string) {
	if e := f.Effects; e != nil && e.Confidentiality == "no" && e.Exfiltrated != "yes" {
		return hNone, "effects.confidentiality"
	}
	// Unauthorised staff access is malicious unless it was a mistake
	// (cause human_error or system_fault: a record opened in error).
	staffMalice := f.Cause == "malicious_internal" || f.Method == "former_staff_access" ||
		(f.Method == "unauthorised_staff_access" && f.Cause != "human_error" && f.Cause != "system_fault")
	// An attack: whoever has the data is the attacker, whatever the
	// version 1 kind calls them ("an individual").
	attack := f.Cause == "malicious_external" || hostileMethod(f.Method)
	public := f.Exposure != nil && isTrue(f.Exposure.PubliclyAvailable)
	pick := func(h holder, from string) (holder, string) {
		if h == hColleague && staffMalice {
			return hMalicious, from
		}
		if (h == hColleague || h == hTrusted || h == hOrganisation) && f.Recipient != nil && passedOn(f.Recipient.Relationship) {
			// A recipient bound by duties, who passed it on: it is
			// now with people nobody knows.
			return hUnknown, "recipient.relationship"
		}
		if stolen(f.Method) && (h == hStranger || h == hFinder || h == hOrganisation || h == hUnknown) {
			// Found or handed back by someone honest, but a thief had
			// it first.
			return hThief, "method"
		}
		if attack && from != "recipient.relation" && (h == hStranger || h == hUnknown || h == hOrganisation) {
			return hMalicious, "cause"
		}
		if public && h != hMalicious && h != hPerpetrator {
			return hPublic, "exposure.publicly_available"
		}
		return h, from
	}
	if r := f.Recipient; r != nil {
		if h, ok := relationHolder[r.Relation]; ok {
			return pick(h, "recipient.relation")
		}
		if r.Relationship != "" {
			if h, ok := readRelationship(r.Relationship); ok {
				if h == hOrganisation && r.Kind == "individual" {
					// "an unintended recipient, who alerted the
					// agency": the organisation named is the one that
					// had the breach, not who has the information.
					h = hStranger
				}
				return pick(h, "recipient.relationship")
			}
		}
		if h, ok := kindHolder[r.Kind]; ok {
			e := f.Effects
			switch {
			case h == hNone && e != nil && e.Confidentiality == "unknown":
				// Nobody is known to have it, but access is not ruled
				// out: unknown is not no.
				return pick(hUnknown, "effects.confidentiality")
			case h == hNone && e != nil && (e.Confidentiality == "yes" || e.Exfiltrated == "yes"):
				// Confidentiality was lost, so someone has it: who is
				// read from the method and the cause below.
			case h == hTrusted && r.Relationship != "" && notBound(r.Relationship):
				// "a trusted recipient, not bound by confidentiality"
				return pick(hOrganisation, "recipient.relationship")
			default:
				return pick(h, "recipient.kind")
			}
		}
	}
	if h, ok := methodHolder[f.Method]; ok {
		return pick(h, "method")
	}
	if public {
		return hPublic, "exposure.publicly_available"
	}
	if f.Method == "system_misconfiguration" {
		return hStranger, "method"
	}
	switch f.Cause {
	case "malicious_external", "malicious_internal":
		return hMalicious, "cause"
	case "theft_or_loss":
		return hFinder, "cause"
	}
	return hUnknown, ""
}

// manyUncounted stands for "many recipients" when the words or the
// method say so but no count is given.
const manyUncounted = 20

// recipients is how many had or could see the data: recipient.count, or
// what the method and the words say.
func recipients(f *facts.Facts, h holder) int64 {
	if r := f.Recipient; r != nil && r.Count != nil {
		return *r.Count
	}
	if f.Method == "exposed_email_recipients" {
		if f.People != nil && f.People.Count != nil && *f.People.Count > 1 {
			return *f.People.Count
		}
		return manyUncounted
	}
	if r := f.Recipient; r != nil && r.Relationship != "" && manyRecipients(r.Relationship) && (h == hStranger || h == hColleague || h == hUnknown) {
		return manyUncounted
	}
	if (f.Method == "system_misconfiguration" || f.Method == "unintended_publication") && (h == hStranger || h == hColleague) {
		return manyUncounted
	}
	if h == hColleague && f.Effects != nil && f.Effects.Confidentiality == "unknown" && !delivered(f.Method) {
		// Held where colleagues without a need to know could read it:
		// not one colleague who received it by mistake.
		return manyUncounted
	}
	return 1
}

// delivered says whether the method hands the information to particular
// recipients (a letter, an email, a released document), rather than
// leaving it where others could reach it.
func delivered(method string) bool {
	switch method {
	case "misdirected_email", "misdirected_mail", "exposed_email_recipients", "failure_to_redact":
		return true
	}
	return false
}
