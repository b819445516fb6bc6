// Package harm assesses the risk of harm of a breach as seed 001 defines
// risk: the likelihood that harm happens times its severity. The factors
// are those the guidance and the laws list: the kind, sensitivity and
// volume of the data, the cause, who has it, what protects it, what was
// done, and how vulnerable the people are. Every level comes with the
// reasons that produced it. It knows nothing of any particular law.
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

// Assessment is the risk of harm with its reasons.
type Assessment struct {
	Likelihood Likelihood
	Severity   Severity
	Level      Level
	ENISA      ENISA
	Reasons    []string
	// Unintelligible is true when the data was encrypted with a key that
	// was not compromised (GDPR art 34(3)(a); Privacy Act 1988 s 26WG(h)).
	Unintelligible bool
	// NoLoss is true when no security property of the data was lost.
	NoLoss bool
}

// matrix is likelihood x severity -> level, the risk matrix of the
// guidance: severe harm stays a concern even when unlikely, and a near
// certain minor harm is still a medium risk.
var matrix = [4][4]Level{
	Remote:        {LevelLow, LevelLow, LevelLow, LevelMedium},
	Possible:      {LevelLow, LevelMedium, LevelMedium, LevelHigh},
	Likely:        {LevelLow, LevelMedium, LevelHigh, LevelVeryHigh},
	AlmostCertain: {LevelMedium, LevelHigh, LevelVeryHigh, LevelVeryHigh},
}

// Assess works out the risk of harm from the facts.
func Assess(f *facts.Facts) Assessment {
	var a Assessment
	a.ENISA = enisa(f)
	a.Unintelligible = unintelligible(f)
	a.Severity = severity(f, a.ENISA, &a.Reasons)
	a.Likelihood = likelihood(f, a.Unintelligible, &a.Reasons)
	a.NoLoss = noLoss(f)
	a.Level = matrix[a.Likelihood][a.Severity]
	if a.NoLoss {
		a.Level = LevelNone
		a.Reasons = append(a.Reasons, "No loss of confidentiality, integrity or availability is reported, so there is no risk of harm from this event.")
	} else {
		a.Reasons = append(a.Reasons, fmt.Sprintf("Risk = likelihood (%s) x severity (%s) = %s.", words(a.Likelihood.String()), words(a.Severity.String()), words(a.Level.String())))
	}
	return a
}

func words(s string) string { return strings.ReplaceAll(s, "_", " ") }

func isTrue(b *bool) bool { return b != nil && *b }

func unintelligible(f *facts.Facts) bool {
	return f.Protection != nil && isTrue(f.Protection.Encrypted) && !isTrue(f.Protection.KeyCompromised)
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
