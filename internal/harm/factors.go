package harm

import (
	"fmt"

	"github.com/breachdesk/breachdesk/internal/facts"
)

var impactSeverity = map[string]Severity{"minimal": Low, "significant": Medium, "serious": High, "severe": VeryHigh}
var likelihoodOf = map[string]Likelihood{"remote": Remote, "possible": Possible, "likely": Likely, "almost_certain": AlmostCertain}

// severity is the worst of the ENISA band, the impacts people assessed,
// the vulnerability of the people and any immediate danger.
func severity(f *facts.Facts, e ENISA, why *[]string) Severity {
	s := e.Band
	*why = append(*why, fmt.Sprintf("Severity from the kind of data and the circumstances (ENISA method): %s (SE %s).", words(e.Band.String()), e.Score()))
	for _, h := range f.Harms {
		if v, ok := impactSeverity[h.Impact]; ok && v > s {
			s = v
			*why = append(*why, fmt.Sprintf("Severity raised to %s: the impact of %s was assessed as %s.", words(s.String()), words(h.Type), h.Impact))
		}
	}
	if f.People != nil && isTrue(f.People.Vulnerable) && s < VeryHigh {
		s++
		*why = append(*why, fmt.Sprintf("Severity raised to %s: the people affected are vulnerable, so harm to them weighs more.", words(s.String())))
	}
	if d := f.Danger; d != nil && (isTrue(d.Physical) || isTrue(d.Psychological) || isTrue(d.Financial)) {
		s = VeryHigh
		*why = append(*why, "Severity very high: someone is in immediate danger (physical, psychological or financial). Tell the police first if harm is imminent.")
	}
	return s
}

// likelihood starts from who has or may have the data, rises with malice
// and exfiltration and with what people assessed, and is then capped by
// what protects the data or was done in time. Caps come last so that a
// mitigation can only ever lower the likelihood.
func likelihood(f *facts.Facts, unintelligible bool, why *[]string) Likelihood {
	l := Possible
	basis := "who has the data is not known"
	if r := f.Recipient; r != nil && r.Kind != "" {
		switch r.Kind {
		case "malicious_actor":
			l, basis = AlmostCertain, "the data is in the hands of someone who means harm"
		case "public":
			l, basis = Likely, "the data was published"
		case "unknown":
			l, basis = Possible, "who has the data is not known"
		case "individual", "other_organisation":
			l, basis = Possible, "the data went to a person or organisation outside"
		case "employee", "trusted_recipient":
			l, basis = Remote, "the data went to a trusted recipient"
		case "none":
			l, basis = Remote, "nobody is known to have obtained the data"
		}
	} else if f.Exposure != nil && isTrue(f.Exposure.PubliclyAvailable) {
		l, basis = Likely, "the data was publicly available"
	}
	if f.Effects != nil && f.Effects.Confidentiality == "no" && f.Effects.Exfiltrated != "yes" {
		l, basis = Remote, "no one gained access to the data"
		switch f.Effects.Availability {
		case "temporary":
			l, basis = Possible, "the data was unavailable for a time"
		case "permanent":
			l, basis = Likely, "the data was lost for good"
		}
	}
	*why = append(*why, fmt.Sprintf("Likelihood starts at %s: %s.", words(l.String()), basis))
	raise := func(to Likelihood, because string) {
		if to > l {
			l = to
			*why = append(*why, fmt.Sprintf("Likelihood raised to %s: %s.", words(l.String()), because))
		}
	}
	if f.Exposure != nil && isTrue(f.Exposure.PubliclyAvailable) {
		raise(Likely, "the data was publicly available")
	}
	if malicious(f) {
		raise(Likely, "the breach was deliberate, so misuse is to be expected")
	}
	if f.Effects != nil && f.Effects.Exfiltrated == "yes" {
		raise(Likely, "the data was copied out of the organisation's control")
	}
	if f.Recipient != nil && f.Recipient.Accessed == "yes" {
		raise(Possible, "someone viewed or used the data")
	}
	for _, h := range f.Harms {
		if v, ok := likelihoodOf[h.Likelihood]; ok {
			raise(v, fmt.Sprintf("%s was assessed as %s", words(h.Type), words(h.Likelihood)))
		}
	}
	capAt := func(to Likelihood, because string) {
		if l > to {
			l = to
			*why = append(*why, fmt.Sprintf("Likelihood lowered to %s: %s.", words(l.String()), because))
		}
	}
	if r := f.Recipient; r != nil && r.Accessed == "no" {
		capAt(l-min(l, 1), "nobody is known to have viewed the data")
	}
	if unintelligible {
		capAt(Remote, "the data was encrypted and the key was not compromised, so it is unintelligible to whoever has it")
	}
	accessed := f.Recipient != nil && f.Recipient.Accessed == "yes"
	if r := f.Recipient; r != nil && isTrue(r.ConfirmedDeleted) && !accessed {
		capAt(Remote, "the recipient returned or deleted the data and the organisation has assurance of it")
	}
	if m := f.Remediation; m != nil && isTrue(m.Recovered) && !accessed {
		capAt(Remote, "the data was recovered before it could be misused")
	}
	if m := f.Remediation; m != nil && isTrue(m.PreventsSeriousHarm) {
		capAt(Remote, "the action taken means serious harm is no longer likely")
	}
	return l
}
