// Package harm assesses the risk of harm of a breach as seed 001 defines
// risk: the likelihood that harm happens times its severity. The factors
// are those the guidance and the laws list: the kind, sensitivity and
// volume of the data, the cause, who has it and what they are to the
// people, what protects it, what was done, how long and how critical any
// loss of availability is, and how vulnerable the people are.
//
// It works in two steps. Resolve decides each unknown fact that matters
// by its most likely value given the rest of the facts, and says so
// (Assumption), with the other values the fact could reasonably have.
// Rate then rates three kinds of harm separately, because they turn on
// different things: the information becoming known to the wrong people
// (exposure), its use against them (misuse: fraud, identity theft,
// violence), and its loss or alteration (availability, integrity). Every
// rating comes with the reasons that produced it. It knows nothing of any
// particular law: the law package reads the ratings with each regime's
// own test.
package harm

import (
	"fmt"
	"strings"

	"github.com/breachdesk/breachdesk/internal/facts"
)

// Likelihood is how likely harm is, from remote to almost certain.
type Likelihood int

// The likelihoods, ordered.
const (
	Remote Likelihood = iota
	Possible
	Likely
	AlmostCertain
)

var likelihoodNames = []string{"remote", "possible", "likely", "almost_certain"}

func (l Likelihood) String() string { return likelihoodNames[l] }

// Severity is how bad the harm would be, from low to very high.
type Severity int

// The severities, ordered.
const (
	Low Severity = iota
	Medium
	High
	VeryHigh
)

var severityNames = []string{"low", "medium", "high", "very_high"}

func (s Severity) String() string { return severityNames[s] }

// Level is the resulting risk, from none to very high.
type Level int

// The levels, ordered.
const (
	LevelNone Level = iota
	LevelLow
	LevelMedium
	LevelHigh
	LevelVeryHigh
)

var levelNames = []string{"none", "low", "medium", "high", "very_high"}

func (l Level) String() string { return levelNames[l] }

// ParseLevel turns a level's name into a Level.
func ParseLevel(s string) (Level, bool) {
	for i, n := range levelNames {
		if n == s {
			return Level(i), true
		}
	}
	return 0, false
}

// matrix is likelihood x severity -> level. A remote likelihood is at
// most a low risk whatever the severity ("unlikely to result in a risk"),
// low-severity data becomes a medium risk only in hostile hands, and
// severe harm is a high risk once it is a real possibility.
var matrix = [4][4]Level{
	Remote:        {LevelLow, LevelLow, LevelLow, LevelLow},
	Possible:      {LevelLow, LevelMedium, LevelMedium, LevelHigh},
	Likely:        {LevelLow, LevelMedium, LevelHigh, LevelVeryHigh},
	AlmostCertain: {LevelMedium, LevelHigh, LevelVeryHigh, LevelVeryHigh},
}

// LevelOf is the risk of a likelihood and a severity.
func LevelOf(l Likelihood, s Severity) Level { return matrix[l][s] }

// Kinds of harm rated separately.
const (
	Exposure     = "exposure"     // the information becomes known to the wrong people
	Misuse       = "misuse"       // it is used against the people: fraud, identity theft, violence
	Integrity    = "integrity"    // it was altered
	Availability = "availability" // it was lost or unavailable
)

// Channel is the rating of one kind of harm.
type Channel struct {
	Kind       string
	Severity   Severity
	Likelihood Likelihood
	Level      Level
	// Trivial marks an impact too slight to be a risk to anyone's rights
	// (information judged not sensitive, a few people, a few recipients
	// who mean no harm), though harm is not remote.
	Trivial bool
	Reasons []string
}

// Assessment is the risk of harm with its reasons.
type Assessment struct {
	// Likelihood, Severity and Level are those of the worst kind of harm.
	Likelihood Likelihood
	Severity   Severity
	Level      Level
	// Channels are the kinds of harm that apply, each rated.
	Channels []Channel
	ENISA    ENISA
	Reasons  []string
	// Unintelligible is true when the data was encrypted with a key that
	// was not compromised, or was only passwords stored with a strong
	// salted hash (GDPR art 34(3)(a); Privacy Act 1988 s 26WG(h)).
	Unintelligible bool
	// NoLoss is true when no security property of the data was lost.
	NoLoss bool
	// Contained says how the breach was contained before harm, if it was
	// (recovered, deleted with assurance, remedial action): Privacy Act
	// 1988 s 26WF; GDPR art 34(3)(b). Empty when it was not.
	Contained string
	// Holder is who has, or may have, the data, in words.
	Holder string
	// Hostile is true when whoever has the data means harm (an attacker,
	// a malicious insider, an alleged perpetrator).
	Hostile bool
	// Bound is true when whoever has the data is bound by duties to the
	// organisation or the people: a colleague, a professional under a
	// duty of confidence, an organisation under an agreement.
	Bound bool
	// Reached is true when the information is known to have reached
	// someone outside: they looked at it, were sent it, took it, or it
	// was published; not when it only may have (a lost device, an
	// exposure nobody is known to have seen).
	Reached bool
	// Lost is true when the information is on a carrier (a device, papers)
	// that left the organisation's control, lost, stolen or thrown away,
	// so whoever has it can read it unless it is protected.
	Lost bool
	// Open is true when anyone could reach the information: it was
	// published, or left reachable without authentication (a
	// misconfigured system, records reachable by changing an ID in a URL).
	Open bool
	// Nothing is true when nothing is known about what happened or what
	// information was involved: no reasonable default exists.
	Nothing bool
	// Assumptions are the unknown facts decided by their likely value.
	Assumptions []Assumption
}

// Assess resolves the unknown facts and rates the harm.
func Assess(f *facts.Facts) Assessment {
	g, as := Resolve(f)
	a := Rate(g)
	a.Assumptions = as
	return a
}

// Rate rates the harm of facts whose unknowns are already resolved.
func Rate(f *facts.Facts) Assessment {
	a := rate(f, false)
	a.ENISA = enisa(f)
	return a
}

// Ratings rates the harm without the reasons or the ENISA score: what a
// decision needs, at a fraction of the cost, for trying other values of
// unknown facts.
func Ratings(f *facts.Facts) Assessment { return rate(f, true) }

func rate(f *facts.Facts, quiet bool) Assessment {
	a := Assessment{Unintelligible: unintelligible(f), NoLoss: noLoss(f), Nothing: nothingKnown(f)}
	r := newRater(f)
	r.quiet = quiet
	a.Holder, a.Hostile = r.holder.words(), r.hostile && r.confidentialityLost()
	a.Bound = r.holder == hColleague || r.holder == hTrusted
	a.Reached = r.confidentialityLost() && (r.accessed == "yes" || r.hostile || r.holder == hStranger || r.holder == hOrganisation ||
		r.holder == hFamily || r.holder == hThief || r.holder == hPublic)
	a.Contained = r.contained
	a.Lost = r.confidentialityLost() && (r.holder == hFinder || r.holder == hThief)
	a.Open = r.confidentialityLost() && r.open()
	a.Channels = r.channels()
	var worst *Channel
	for i := range a.Channels {
		c := &a.Channels[i]
		if !quiet {
			a.Reasons = append(a.Reasons, c.Reasons...)
		}
		if worst == nil || c.Level > worst.Level || (c.Level == worst.Level && c.Severity > worst.Severity) {
			worst = c
		}
	}
	switch {
	case a.NoLoss:
		a.Level = LevelNone
		a.Reasons = append(a.Reasons, "No loss of confidentiality, integrity or availability is reported, so there is no risk of harm from this event.")
	case worst == nil:
		a.Level = LevelNone
		a.Reasons = append(a.Reasons, "Nothing reported was disclosed, altered or made unavailable, so there is no risk of harm to rate.")
	default:
		a.Level, a.Severity, a.Likelihood = worst.Level, worst.Severity, worst.Likelihood
		if quiet {
			break
		}
		a.Reasons = append(a.Reasons, fmt.Sprintf("Risk = likelihood (%s) x severity (%s) = %s, from the %s.", words(a.Likelihood.String()), words(a.Severity.String()), words(a.Level.String()), channelWords[worst.Kind]))
	}
	return a
}

var channelWords = map[string]string{
	Exposure:     "information becoming known to the wrong people",
	Misuse:       "information being used against the people",
	Integrity:    "information being altered",
	Availability: "information being unavailable",
}

func words(s string) string { return strings.ReplaceAll(s, "_", " ") }

func isTrue(b *bool) bool { return b != nil && *b }

func isFalse(b *bool) bool { return b != nil && !*b }

// unintelligible: encrypted with a key not compromised, or credentials
// only, stored with a strong salted hash.
func unintelligible(f *facts.Facts) bool {
	p := f.Protection
	if p == nil || isTrue(p.KeyCompromised) {
		return false
	}
	if isTrue(p.Encrypted) {
		return true
	}
	if p.PasswordsHashed != "strong_salted" {
		return false
	}
	cats := categories(f)
	for _, c := range cats {
		if c != "credentials" {
			return false
		}
	}
	return len(cats) > 0
}

func noLoss(f *facts.Facts) bool {
	e := f.Effects
	return e != nil && e.Confidentiality == "no" && e.Exfiltrated != "yes" && (e.Integrity == "" || e.Integrity == "no") &&
		(e.Availability == "" || e.Availability == "none")
}

func malicious(f *facts.Facts) bool {
	return f.Cause == "malicious_external" || f.Cause == "malicious_internal"
}

func categories(f *facts.Facts) []string {
	if f.Data == nil {
		return nil
	}
	return f.Data.Categories
}

func has(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func hasAny(list, want []string) bool {
	for _, w := range want {
		if has(list, w) {
			return true
		}
	}
	return false
}

// nothingKnown: no kind of data, method, cause, effect, recipient,
// exposure, assessed harm or danger is reported.
func nothingKnown(f *facts.Facts) bool {
	return len(categories(f)) == 0 && (f.Data == nil || f.Data.Sensitive == nil) && f.Method == "" && (f.Cause == "" || f.Cause == "unknown") &&
		f.Effects == nil && f.Recipient == nil && f.Exposure == nil && len(f.Harms) == 0 && f.Danger == nil
}
