package harm

import (
	"fmt"
	"strings"

	"github.com/breachdesk/breachdesk/internal/facts"
)

// Assumption is an unknown fact decided by its most likely value given
// the rest of the facts, as a privacy officer would decide it: a
// misdirected letter to one member of the public was probably read, and
// the reader probably means no harm; a thief is malicious but may never
// look at the data.
type Assumption struct {
	// Fact is the facts path that was not known, e.g. recipient.accessed.
	Fact string `json:"fact"`
	// Assumed is the value assumed, in words.
	Assumed string `json:"assumed"`
	// Why it is the most likely value.
	Why string `json:"why"`
	// Alternatives are the other values the fact could reasonably have.
	Alternatives []Alternative `json:"alternatives,omitempty"`
}

// Alternative is another value an assumed fact could have.
type Alternative struct {
	// Value is the alternative in words, e.g. "the recipient did not open it".
	Value string `json:"value"`
	// Set is how to state it in the facts, e.g. "recipient.accessed: no".
	Set string `json:"set"`
	// Worse is true when it makes harm more likely or more severe.
	Worse bool `json:"worse"`
	// Cautious marks the value a rule that errs on the side of caution
	// takes instead of the most likely one (GDPR art 33; OVIC).
	Cautious bool `json:"cautious"`
	apply    func(*facts.Facts)
}

// Apply returns a copy of f with the alternative stated as a fact.
func (a Alternative) Apply(f *facts.Facts) *facts.Facts {
	g := Clone(f)
	a.apply(g)
	return g
}

// Clone copies the facts deeply enough that setting any field of the copy
// leaves the original alone.
func Clone(f *facts.Facts) *facts.Facts {
	g := *f
	if f.Organisation != nil {
		o := *f.Organisation
		g.Organisation = &o
	}
	if f.Effects != nil {
		e := *f.Effects
		g.Effects = &e
	}
	if f.Data != nil {
		d := *f.Data
		g.Data = &d
	}
	if f.People != nil {
		p := *f.People
		g.People = &p
	}
	if f.Protection != nil {
		p := *f.Protection
		g.Protection = &p
	}
	if f.Recipient != nil {
		r := *f.Recipient
		g.Recipient = &r
	}
	if f.Exposure != nil {
		x := *f.Exposure
		g.Exposure = &x
	}
	if f.Remediation != nil {
		m := *f.Remediation
		g.Remediation = &m
	}
	if f.Danger != nil {
		d := *f.Danger
		g.Danger = &d
	}
	if f.NotificationConstraints != nil {
		n := *f.NotificationConstraints
		g.NotificationConstraints = &n
	}
	return &g
}

func effectsOf(g *facts.Facts) *facts.Effects {
	if g.Effects == nil {
		g.Effects = &facts.Effects{}
	}
	return g.Effects
}

func recipientOf(g *facts.Facts) *facts.Recipient {
	if g.Recipient == nil {
		g.Recipient = &facts.Recipient{}
	}
	return g.Recipient
}

func dataOf(g *facts.Facts) *facts.Data {
	if g.Data == nil {
		g.Data = &facts.Data{}
	}
	return g.Data
}

func peopleOf(g *facts.Facts) *facts.People {
	if g.People == nil {
		g.People = &facts.People{}
	}
	return g.People
}

func protectionOf(g *facts.Facts) *facts.Protection {
	if g.Protection == nil {
		g.Protection = &facts.Protection{}
	}
	return g.Protection
}

var yes = true

func ptr[T any](v T) *T { return &v }

func unknownValue(v string) bool { return v == "" || v == "unknown" }

// Resolve returns a copy of the facts with each unknown fact that matters
// set to its most likely value, and the assumptions made. Facts that stay
// unknown because no value is more likely than another (whether a thief
// looked at the files) are listed too, with the values they could take.
func Resolve(f *facts.Facts) (*facts.Facts, []Assumption) {
	g := Clone(f)
	if nothingKnown(f) {
		return g, nil
	}
	var as []Assumption
	add := func(a Assumption) { as = append(as, a) }
	worse := func(value, set string, cautious bool, apply func(*facts.Facts)) Alternative {
		return Alternative{Value: value, Set: set, Worse: true, Cautious: cautious, apply: apply}
	}
	better := func(value, set string, apply func(*facts.Facts)) Alternative {
		return Alternative{Value: value, Set: set, apply: apply}
	}

	// What information: basic identifying and contact details, unless the
	// organisation said more; a cautious reading cannot rule out worse.
	if len(categories(f)) == 0 {
		dataOf(g).Categories = []string{"name", "contact"}
		a := Assumption{Fact: "data.categories", Assumed: "names and contact details only",
			Why: "what information was involved is not recorded; most breaches involve at least who the people are and how to reach them"}
		if !(f.Data != nil && isTrue(f.Data.Sensitive)) {
			// The cautious reading changes what could become known, not
			// how much the people depend on the data while it is
			// unavailable, which is assumed on its own.
			crit := ""
			if e := g.Effects; e != nil && e.AvailabilityCriticality == "" && (e.Availability == "temporary" || e.Availability == "permanent" || e.Availability == "unknown") {
				crit = defaultCriticality(g, e.Availability == "permanent")
			}
			a.Alternatives = append(a.Alternatives, worse("sensitive information such as health details was involved", "data.categories: [name, health]", true,
				func(h *facts.Facts) {
					dataOf(h).Categories = []string{"name", "health"}
					if crit != "" {
						effectsOf(h).AvailabilityCriticality = crit
					}
				}))
		}
		add(a)
	} else if sp := pick(categories(f), special); len(sp) > 0 && (f.Data == nil || f.Data.Sensitive == nil) && !minimalOnly(f.Harms) {
		// A special category is sensitive by nature, unless the detail
		// is trivial; say so, since it can decide the answer.
		add(Assumption{Fact: "data.sensitive", Assumed: "the " + catWords(sp) + " information is sensitive",
			Why: "these kinds of information are sensitive by nature; only the organisation knows whether this detail is trivial (a child's dietary need shown to other parents is not serious harm)",
			Alternatives: []Alternative{better("the detail is trivial, not sensitive in its context", "data.sensitive: false",
				func(h *facts.Facts) { dataOf(h).Sensitive = ptr(false) })}})
	} else if has(categories(f), "other") && !hasAny(categories(f), special) && (f.Data == nil || f.Data.Sensitive == nil) {
		// Information no category names: most likely ordinary, but a
		// cautious reading cannot take it to be harmless.
		add(Assumption{Fact: "data.sensitive", Assumed: "the information no category names is private, though not especially sensitive",
			Why: "data.categories includes other: information about people beyond who they are and how to reach them (what they bought, what they own, what is on their phone) says something about their lives, and nothing says what it is",
			Alternatives: []Alternative{
				worse("the other information is sensitive (case notes, debts, a service the person uses)", "data.sensitive: true", true,
					func(h *facts.Facts) { dataOf(h).Sensitive = &yes }),
				better("the other information is ordinary and reveals nothing about the people", "data.sensitive: false",
					func(h *facts.Facts) { dataOf(h).Sensitive = ptr(false) })}})
	}

	// Ransomware: has anyone seen the data? Not unless exfiltration was
	// ruled out: criminal groups usually copy data before encrypting it.
	if f.Method == "ransomware" && (f.Effects == nil || unknownValue(f.Effects.Confidentiality)) {
		e := effectsOf(g)
		if e.Exfiltrated == "no" {
			e.Confidentiality = "no"
		} else {
			e.Confidentiality = "yes"
			if e.Exfiltrated == "" {
				e.Exfiltrated = "unknown"
			}
			add(Assumption{Fact: "effects.exfiltrated", Assumed: "the attackers may have copied the data: exfiltration has not been ruled out",
				Why: "ransomware groups usually copy data before encrypting it, to extort its owner; only evidence (logs, forensics) rules that out",
				Alternatives: []Alternative{better("logs or forensics show no data left the systems", "effects.exfiltrated: \"no\"",
					func(h *facts.Facts) { x := effectsOf(h); x.Exfiltrated, x.Confidentiality = "no", "no" })}})
		}
	}
	// Ransomware or any outage with no more said: unavailable for now.
	if e := g.Effects; f.Method == "ransomware" && (e == nil || e.Availability == "" || e.Availability == "unknown") && !(f.Protection != nil && isTrue(f.Protection.Restored)) {
		effectsOf(g).Availability = "temporary"
		add(Assumption{Fact: "effects.availability", Assumed: "the data is unavailable for now, not lost for good",
			Why: "ransomware encrypts the data it reaches; whether it can be restored is not yet known",
			Alternatives: []Alternative{worse("the data cannot be restored", "effects.availability: permanent", false,
				func(h *facts.Facts) { effectsOf(h).Availability = "permanent" })}})
	}

	h, from := holderOf(g)
	n := recipients(g, h)
	// Who has it, when the facts do not name them as a relation.
	direct := from == "recipient.kind" && g.Recipient != nil && g.Recipient.Kind != "individual"
	if from != "recipient.relation" && h != hNone && !direct {
		a := Assumption{Fact: "recipient.relation", Assumed: h.words(), Why: holderWhy(g, h, from, n)}
		switch h {
		case hStranger, hFinder, hUnknown, hOrganisation, hFamily:
			a.Alternatives = append(a.Alternatives, worse("the recipient means harm", "recipient.relation: malicious_actor", false,
				func(h *facts.Facts) { recipientOf(h).Relation = "malicious_actor" }))
		}
		if h == hStranger || h == hUnknown || h == hFinder {
			a.Alternatives = append(a.Alternatives, better("the recipient is a colleague inside the organisation", "recipient.relation: colleague",
				func(h *facts.Facts) { recipientOf(h).Relation = "colleague" }))
		}
		add(a)
	}

	if t := g.Timeline; h == hPublic && (g.Exposure == nil || g.Exposure.Hours == nil) && t.OccurredAt != nil && t.OccurredUntil != nil && t.OccurredUntil.After(*t.OccurredAt) {
		// The timeline says how long: from when it happened until it
		// stopped.
		x := facts.Exposure{}
		if g.Exposure != nil {
			x = *g.Exposure
		}
		hours := t.OccurredUntil.Sub(*t.OccurredAt).Hours()
		x.Hours = &hours
		g.Exposure = &x
		add(Assumption{Fact: "exposure.hours", Assumed: num(hours) + " hours",
			Why: "read from the timeline: public from timeline.occurred_at until timeline.occurred_until"})
	}
	// Did anyone look at it?
	accessed := ""
	if g.Recipient != nil {
		accessed = g.Recipient.Accessed
	}
	if h != hNone && unknownValue(accessed) {
		no := better("nobody looked at the information", "recipient.accessed: \"no\"", func(h *facts.Facts) { recipientOf(h).Accessed = "no" })
		seen := worse("someone looked at the information", "recipient.accessed: \"yes\"", true, func(h *facts.Facts) { recipientOf(h).Accessed = "yes" })
		switch {
		case h == hMalicious || h == hPerpetrator:
			recipientOf(g).Accessed = "yes"
			add(Assumption{Fact: "recipient.accessed", Assumed: "they looked at it", Why: "someone who means harm and has the information is taken to use it", Alternatives: []Alternative{no}})
		case h == hPublic:
			hours := -1.0
			if g.Exposure != nil && g.Exposure.Hours != nil {
				hours = *g.Exposure.Hours
			}
			if hours >= 0 && hours < 1 {
				add(Assumption{Fact: "recipient.accessed", Assumed: "not known whether anyone saw it in that time: a real possibility",
					Why: "it was public for less than an hour", Alternatives: []Alternative{seen, no}})
			} else {
				recipientOf(g).Accessed = "yes"
				add(Assumption{Fact: "recipient.accessed", Assumed: "someone saw it",
					Why: "information left public for hours is taken to have come into the hands of a third party (seed 001: when in doubt, act on that premise)", Alternatives: []Alternative{no}})
			}
		case h == hThief || h == hFinder || h == hUnknown || f.Method == "system_misconfiguration":
			add(Assumption{Fact: "recipient.accessed", Assumed: "not known whether anyone looked at it: a real possibility",
				Why: "whoever has it may never look at the information, but nothing shows they did not", Alternatives: []Alternative{seen, no}})
		default:
			recipientOf(g).Accessed = "yes"
			why := "a misdirected letter or email is usually opened and read"
			switch f.Method {
			case "exposed_email_recipients":
				why = "everyone who received the email could see the other addresses"
			case "failure_to_redact":
				why = "the document went to someone who would read it"
			}
			add(Assumption{Fact: "recipient.accessed", Assumed: "the recipient read it", Why: why, Alternatives: []Alternative{no}})
		}
	}

	// Public for how long: when no one knows, longer than a day, since
	// publication is usually found late.
	if h == hPublic && (g.Exposure == nil || g.Exposure.Hours == nil) {
		x := facts.Exposure{}
		if g.Exposure != nil {
			x = *g.Exposure
		}
		x.Hours = ptr(48.0)
		g.Exposure = &x
		add(Assumption{Fact: "exposure.hours", Assumed: "more than a day",
			Why: "information published by mistake is usually found late, and how long it was public is not reported",
			Alternatives: []Alternative{better("it was taken down within an hour", "exposure.hours: 0.5",
				func(h *facts.Facts) {
					x := facts.Exposure{}
					if h.Exposure != nil {
						x = *h.Exposure
					}
					x.Hours = ptr(0.5)
					h.Exposure = &x
				})}})
	}

	// Devices: not encrypted unless the organisation says so.
	if (f.Method == "lost_device" || f.Method == "stolen_device" || f.Method == "improper_disposal") && (f.Protection == nil || f.Protection.Encrypted == nil) {
		add(Assumption{Fact: "protection.encrypted", Assumed: "not encrypted",
			Why: "strong encryption is what would protect the data, and it is not reported",
			Alternatives: []Alternative{better("the device was strongly encrypted and the key is safe", "protection.encrypted: true",
				func(h *facts.Facts) { p := protectionOf(h); p.Encrypted = &yes; p.KeyCompromised = ptr(false) })}})
	}
	if p := f.Protection; p != nil && isTrue(p.Encrypted) && p.KeyCompromised == nil {
		add(Assumption{Fact: "protection.key_compromised", Assumed: "the key was not compromised",
			Why: "keys are kept apart from the data they protect, and nothing suggests otherwise",
			Alternatives: []Alternative{worse("the key or password was exposed too", "protection.key_compromised: true", false,
				func(h *facts.Facts) { protectionOf(h).KeyCompromised = &yes })}})
	}

	resolveAvailability(f, g, add, worse, better)

	// Vulnerability: rated as not, unless said, or the information is
	// about family violence, whose victims are at risk.
	if p := f.People; (p == nil || p.Vulnerable == nil) && has(categories(g), "family_violence") {
		peopleOf(g).Vulnerable = &yes
		add(Assumption{Fact: "people.vulnerable", Assumed: "vulnerable", Why: "the information is about family violence, and its victims are at greater risk"})
	} else if (p == nil || p.Vulnerable == nil) && !(p != nil && p.AtHigherRisk != nil) && h != hNone {
		add(Assumption{Fact: "people.vulnerable", Assumed: "not known to be vulnerable",
			Why: "nothing reported says the people are at greater risk than others",
			Alternatives: []Alternative{worse("some of the people are vulnerable (children, victims of violence, people in care)", "people.vulnerable: true", false,
				func(h *facts.Facts) { peopleOf(h).Vulnerable = &yes })}})
	}
	return g, as
}

func holderWhy(f *facts.Facts, h holder, from string, n int64) string {
	switch from {
	case "recipient.relationship":
		if h == hUnknown && passedOn(f.Recipient.Relationship) {
			return fmt.Sprintf("read from recipient.relationship (%q): the recipient passed it on, so who has it now is not known, and the first recipient's duties do not bind whoever it reached", f.Recipient.Relationship)
		}
		if h == hMalicious && anyWord(strings.ToLower(f.Recipient.Relationship), formerWords) {
			return fmt.Sprintf("read from recipient.relationship (%q): someone who worked for the organisation and reached the information after leaving, or on purpose, is not a colleague bound by their duties but someone who means harm", f.Recipient.Relationship)
		}
		return fmt.Sprintf("read from recipient.relationship (%q)", f.Recipient.Relationship)
	case "recipient.kind":
		if h == hStranger {
			if n > 1 {
				return fmt.Sprintf("the recipients are individuals (%d or more); nothing suggests they mean harm", n)
			}
			return "the recipient is an individual; nothing suggests they know the people or mean harm"
		}
		return "from recipient.kind (" + f.Recipient.Kind + ")"
	case "method":
		switch f.Method {
		case "misdirected_email", "misdirected_mail":
			return "a misdirected letter or email usually reaches one uninvolved member of the public, who means no harm"
		case "exposed_email_recipients":
			return "the other recipients of the email saw the addresses"
		case "failure_to_redact":
			return "the document went to its intended recipient, who was not meant to see the information left in it"
		case "stolen_device", "stolen_paper":
			if f.Recipient != nil && f.Recipient.Relationship != "" {
				return fmt.Sprintf("it was stolen: whoever found or returned it later (%q), a thief had it first", f.Recipient.Relationship)
			}
			return "a thief is malicious, but may be after the device or the bag rather than the information"
		case "lost_device", "lost_paper", "improper_disposal":
			return "what was lost may be found by anyone, or by no one"
		case "unauthorised_staff_access", "former_staff_access":
			return "someone who looks without need, or keeps access after leaving, is taken to mean harm"
		}
		return "from the method (" + strings.ReplaceAll(f.Method, "_", " ") + ")"
	case "exposure.publicly_available":
		return "the information was publicly available"
	case "cause":
		return "from the cause (" + strings.ReplaceAll(f.Cause, "_", " ") + ")"
	case "effects.confidentiality":
		return "nobody is known to have it, but whether anyone without a need to know could read it is not known (effects.confidentiality: unknown): unknown is not no"
	}
	return "who has the information is not reported"
}

// resolveAvailability decides how long and how critical a loss of
// availability is when the facts do not say.
func resolveAvailability(f, g *facts.Facts, add func(Assumption), worse func(string, string, bool, func(*facts.Facts)) Alternative, better func(string, string, func(*facts.Facts)) Alternative) {
	e := g.Effects
	if e == nil || (e.Availability != "temporary" && e.Availability != "unknown") {
		if e != nil && e.Availability == "permanent" && e.AvailabilityCriticality == "" {
			e.AvailabilityCriticality = defaultCriticality(g, true)
			add(Assumption{Fact: "effects.availability_criticality", Assumed: e.AvailabilityCriticality,
				Why: criticalityWhy(g, true)})
		}
		return
	}
	if e.Availability == "unknown" {
		e.Availability = "temporary"
	}
	p := g.Protection
	restored := p != nil && (isTrue(p.Restored) || p.RestoredFrom != "" || p.RestoredAt != nil)
	if e.AvailabilityHours == nil {
		start := g.Timeline.DiscoveredAt
		if g.Timeline.OccurredAt != nil {
			start = *g.Timeline.OccurredAt
		}
		switch {
		case p != nil && p.RestoredAt != nil && p.RestoredAt.After(start):
			e.AvailabilityHours = ptr(p.RestoredAt.Sub(start).Hours())
		case p != nil && (isFalse(p.BackupAvailable) || p.RestoredFrom == "other"):
			e.AvailabilityHours = ptr(96.0)
			add(Assumption{Fact: "effects.availability_hours", Assumed: "several days",
				Why: "without a backup the data has to be rebuilt, recovered or re-keyed, which takes days, and no duration is reported",
				Alternatives: []Alternative{better("it was back within a day", "effects.availability_hours: 12",
					func(h *facts.Facts) { effectsOf(h).AvailabilityHours = ptr(12.0) })}})
		case restored && f.Method == "ransomware":
			e.AvailabilityHours = ptr(48.0)
			add(Assumption{Fact: "effects.availability_hours", Assumed: "more than a day",
				Why: "the data has been restored, but restoring systems after ransomware usually takes days, and no duration is reported",
				Alternatives: []Alternative{better("it was restored within hours", "effects.availability_hours: 4",
					func(h *facts.Facts) { effectsOf(h).AvailabilityHours = ptr(4.0) })}})
		case restored:
			e.AvailabilityHours = ptr(12.0)
			add(Assumption{Fact: "effects.availability_hours", Assumed: "restored within a day",
				Why: "the data has been restored and no duration is reported",
				Alternatives: []Alternative{worse("it was unavailable for more than a day", "effects.availability_hours: 48", false,
					func(h *facts.Facts) { effectsOf(h).AvailabilityHours = ptr(48.0) })}})
		default:
			e.AvailabilityHours = ptr(48.0)
			add(Assumption{Fact: "effects.availability_hours", Assumed: "more than a day",
				Why: "the data is not reported as restored",
				Alternatives: []Alternative{better("it was restored within hours", "effects.availability_hours: 4",
					func(h *facts.Facts) { effectsOf(h).AvailabilityHours = ptr(4.0) })}})
		}
	}
	if e.AvailabilityCriticality == "" {
		e.AvailabilityCriticality = defaultCriticality(g, false)
		a := Assumption{Fact: "effects.availability_criticality", Assumed: e.AvailabilityCriticality, Why: criticalityWhy(g, false)}
		if e.AvailabilityCriticality != "critical" {
			a.Alternatives = append(a.Alternatives, worse("the people depend on the data for care or essential services", "effects.availability_criticality: critical", false,
				func(h *facts.Facts) { effectsOf(h).AvailabilityCriticality = "critical" }))
		}
		if e.AvailabilityCriticality != "low" {
			a.Alternatives = append(a.Alternatives, better("its absence is only an inconvenience", "effects.availability_criticality: low",
				func(h *facts.Facts) { effectsOf(h).AvailabilityCriticality = "low" }))
		}
		add(a)
	}
}

func defaultCriticality(f *facts.Facts, permanent bool) string {
	cats := categories(f)
	patients := f.People != nil && has(f.People.Groups, "patients")
	switch {
	case has(cats, "health") || patients:
		return "critical"
	case permanent || hasAny(cats, special) || (f.Data != nil && isTrue(f.Data.Sensitive)):
		return "moderate"
	}
	return "low"
}

func criticalityWhy(f *facts.Facts, permanent bool) string {
	switch defaultCriticality(f, permanent) {
	case "critical":
		return "health records are needed for care"
	case "moderate":
		if permanent {
			return "information lost for good has to be rebuilt, and the people may lose what depended on it"
		}
		return "sensitive records are usually needed to serve the people"
	}
	return "nothing reported says the people depend on the data while it is unavailable"
}

// NewAlternative builds an alternative value of a fact: its words, how to
// state it in the facts, whether it is worse for the people, whether a
// cautious reading takes it, and the change that states it.
func NewAlternative(value, set string, worse, cautious bool, apply func(*facts.Facts)) Alternative {
	return Alternative{Value: value, Set: set, Worse: worse, Cautious: cautious, apply: apply}
}
