package harm

import (
	"fmt"
	"strings"

	"github.com/breachdesk/breachdesk/internal/facts"
)

// ENISA is the severity of a breach by the ENISA 2013 method the EDPB
// recommends: SE = DPC x EI + CB. All values are kept in quarters as
// integers so the arithmetic is exact: DPC 1-4 is 4-16 quarters, EI
// 0.25-1 is 1-4 quarters, CB is a sum of quarter steps.
type ENISA struct {
	DPC     int // data processing context, 1 to 4 (whole numbers)
	EIq     int // ease of identification in quarters: 1, 2, 3 or 4
	CBq     int // circumstances of the breach in quarters
	SEq     int // the score in quarters: DPC * EIq + CBq
	Band    Severity
	Reasons []string
}

// Score is SE as a decimal, for people.
func (e ENISA) Score() string { return quarters(e.SEq) }

func quarters(q int) string {
	s := fmt.Sprintf("%d.%02d", q/4, (q%4)*25)
	return strings.TrimSuffix(strings.TrimSuffix(s, "0"), ".0")
}

// dpcOf places each kind of data in ENISA's four contexts: simple,
// behavioural, financial, sensitive.
var dpcOf = map[string]int{
	"name": 1, "contact": 1, "address": 1, "date_of_birth": 1, "education": 1, "employment": 1, "other": 1,
	"location": 2, "communications": 2, "photos": 2, "income": 2, "legal": 2,
	"financial_account": 3, "payment_card": 3, "credentials": 3, "government_id": 3, "tax_file_number": 3,
	"ird_number": 3, "passport": 3, "driver_licence": 3, "security_code": 3, "health_insurance": 3,
	"health": 4, "genetic": 4, "biometric": 4, "racial_ethnic": 4, "political": 4, "religious": 4,
	"trade_union": 4, "sexual": 4, "criminal": 4, "family_violence": 4, "children": 4,
}

var dpcWords = []string{"", "simple data", "behavioural data", "financial or identity data", "sensitive data"}

var directIdentifiers = []string{"name", "contact", "government_id", "tax_file_number", "ird_number", "passport", "driver_licence", "payment_card", "financial_account"}

func enisa(f *facts.Facts) ENISA {
	var e ENISA
	e.DPC = 1
	top := ""
	for _, c := range categories(f) {
		if dpcOf[c] > e.DPC {
			e.DPC, top = dpcOf[c], c
		}
	}
	if top == "" {
		e.Reasons = append(e.Reasons, "DPC 1: simple data (no more sensitive kind of data is reported).")
	} else {
		e.Reasons = append(e.Reasons, fmt.Sprintf("DPC %d: %s (%s).", e.DPC, dpcWords[e.DPC], words(top)))
	}
	cats := categories(f)
	switch {
	case unintelligible(f):
		e.EIq = 1
		e.Reasons = append(e.Reasons, "EI 0.25 (negligible): the data was encrypted and the key is not compromised.")
	case hasAny(cats, directIdentifiers):
		e.EIq = 4
		e.Reasons = append(e.Reasons, "EI 1 (maximum): the data names or directly identifies people.")
	case has(cats, "date_of_birth") || has(cats, "address") || has(cats, "photos") || has(cats, "biometric"):
		e.EIq = 3
		e.Reasons = append(e.Reasons, "EI 0.75 (significant): people can be identified with little effort.")
	default:
		e.EIq = 2
		e.Reasons = append(e.Reasons, "EI 0.5 (limited): identifying people would take other information.")
	}
	cb := 0
	var parts []string
	if eff := f.Effects; eff == nil || eff.Confidentiality != "no" || eff.Exfiltrated == "yes" {
		if wideExposure(f) {
			cb += 2
			parts = append(parts, "confidentiality 0.5 (exposed to an unknown number of people)")
		} else {
			cb++
			parts = append(parts, "confidentiality 0.25 (exposed to known recipients)")
		}
	}
	if eff := f.Effects; eff != nil && eff.Integrity == "yes" {
		if f.Protection != nil && (isTrue(f.Protection.Restored) || isTrue(f.Protection.BackupAvailable)) {
			cb++
			parts = append(parts, "integrity 0.25 (altered, recoverable)")
		} else {
			cb += 2
			parts = append(parts, "integrity 0.5 (altered, not recoverable)")
		}
	}
	if eff := f.Effects; eff != nil {
		switch eff.Availability {
		case "temporary":
			cb++
			parts = append(parts, "availability 0.25 (temporarily lost)")
		case "permanent":
			cb += 2
			parts = append(parts, "availability 0.5 (permanently lost)")
		}
	}
	if malicious(f) {
		cb += 2
		parts = append(parts, "malicious intent 0.5")
	}
	e.CBq = cb
	if len(parts) == 0 {
		parts = append(parts, "none")
	}
	e.Reasons = append(e.Reasons, "CB "+quarters(cb)+": "+strings.Join(parts, ", ")+".")
	e.SEq = e.DPC*e.EIq + e.CBq
	switch {
	case e.SEq < 8:
		e.Band = Low
	case e.SEq < 12:
		e.Band = Medium
	case e.SEq < 16:
		e.Band = High
	default:
		e.Band = VeryHigh
	}
	e.Reasons = append(e.Reasons, fmt.Sprintf("SE = %d x %s + %s = %s: %s.", e.DPC, quarters(e.EIq), quarters(e.CBq), e.Score(), words(e.Band.String())))
	return e
}

// wideExposure says whether an unknown number of people may have the data.
func wideExposure(f *facts.Facts) bool {
	if f.Exposure != nil && isTrue(f.Exposure.PubliclyAvailable) {
		return true
	}
	if f.Effects != nil && f.Effects.Exfiltrated == "yes" {
		return true
	}
	if f.Recipient == nil {
		return true
	}
	switch f.Recipient.Kind {
	case "trusted_recipient", "employee", "individual", "other_organisation", "none":
		return false
	}
	return true
}
