package notice

import (
	"fmt"
	"strings"
)

// Severity says whether a finding stops sending.
type Severity string

// The severities.
const (
	MustFix   Severity = "block" // fix it, or override it with a recorded reason
	ShouldFix Severity = "warn"  // worth fixing; does not stop sending
)

// Finding is one problem a check found in a rendered notice.
type Finding struct {
	Check    string   `json:"check"` // required, plain_english, oversharing, unanswered, confirm
	Severity Severity `json:"severity"`
	Element  string   `json:"element,omitempty"`
	Section  string   `json:"section,omitempty"` // the law or guidance that requires it
	Message  string   `json:"message"`
}

func (f Finding) String() string {
	s := fmt.Sprintf("[%s] %s", f.Severity, f.Message)
	if f.Section != "" {
		s += " (" + f.Section + ")"
	}
	return s
}

// Blocking says whether any finding stops sending.
func Blocking(fs []Finding) bool {
	for _, f := range fs {
		if f.Severity == MustFix {
			return true
		}
	}
	return false
}

// requirement is one element a notice must contain, checked on what was
// rendered.
type requirement struct {
	id, label, section string
	present            func(doc Document, text string, d Data) bool
}

func sectionHasItems(heading string, placeholders ...string) func(Document, string, Data) bool {
	return func(doc Document, _ string, _ Data) bool {
		s := doc.Section(heading)
		if s == nil {
			return false
		}
		for _, b := range s.Blocks {
			for _, it := range b.Items {
				if !containsAny(it, placeholders) {
					return true
				}
			}
		}
		return false
	}
}

func sectionHasText(heading string, minWords int, placeholders ...string) func(Document, string, Data) bool {
	return func(doc Document, _ string, _ Data) bool {
		s := doc.Section(heading)
		if s == nil {
			return false
		}
		for _, b := range s.Blocks {
			if b.Kind == Paragraph && len(strings.Fields(b.Text)) >= minWords && !containsAny(b.Text, placeholders) {
				return true
			}
		}
		return false
	}
}

func answered(question string) func(Document, string, Data) bool {
	return func(doc Document, _ string, _ Data) bool {
		for _, s := range doc.Sections {
			for _, b := range s.Blocks {
				if b.Kind == Answer && strings.HasPrefix(b.Text, question) {
					return !b.Missing
				}
			}
		}
		return false
	}
}

// contactPresent: an email address or phone number of the organisation
// appears, from the organisation's settings or its contact line (the
// facts document carries contact details as one line of text).
func contactPresent(_ Document, text string, d Data) bool {
	reachable := strings.Contains(d.Org.Contact, "@") || len(digits(d.Org.Contact)) >= 7
	return (d.Org.Email != "" && strings.Contains(text, d.Org.Email)) || (d.Org.Phone != "" && strings.Contains(text, d.Org.Phone)) ||
		(reachable && strings.Contains(text, d.Org.Contact))
}

func namePresent(_ Document, text string, d Data) bool {
	return d.Org.Name != "" && strings.Contains(text, d.Org.Name)
}

func containsAny(s string, subs []string) bool {
	for _, x := range subs {
		if strings.Contains(s, x) {
			return true
		}
	}
	return false
}

const stillWorking = "still"

// peopleRequirements are what a notice to people must say, from each law
// that applies and OVIC's list (seed 001).
func peopleRequirements(d Data) []requirement {
	rs := []requirement{
		{"what_happened", "a description of what happened", "NZ s 117; AU s 26WK(3)(b); GDPR art 34(2); OVIC", sectionHasText("What happened", 8, "still finding out")},
		{"when", "when it happened or was found", "OVIC: a description of the breach including when it occurred", func(_ Document, text string, d Data) bool {
			return strings.Contains(text, d.Date(d.Breach.DiscoveredAt))
		}},
		{"information", "which information was involved", "AU s 26WK(3)(c); OVIC", sectionHasItems("What information was involved", stillWorking)},
		{"steps_taken", "what the organisation has done", "NZ s 117; GDPR art 33(3)(d); OVIC", sectionHasItems("What we have done")},
		{"what_to_do", "what the person can do", "AU s 26WK(3)(d); NZ s 117; OVIC", sectionHasItems("What you can do")},
		{"identity", "who the organisation is", "AU s 26WK(3)(a)", namePresent},
		{"contact", "how to contact the organisation (email or phone)", "NZ s 117; AU s 26WK(3)(a); GDPR art 33(3)(b); OVIC", contactPresent},
	}
	for _, r := range d.Regulators {
		switch r.Regime {
		case "nz_privacy_act":
			rule := "nz.individuals"
			if d.Kind == Public {
				rule = "nz.public"
			}
			if o := d.Obligation(rule); o != nil && o.Decision != "not_required" {
				rs = append(rs, requirement{"nz_commissioner", "that the Privacy Commissioner has been told", "NZ s 117", func(_ Document, text string, _ Data) bool {
					return strings.Contains(text, "told the Privacy Commissioner")
				}})
			}
			rs = append(rs, requirement{"nz_complain", "the right to complain to the Privacy Commissioner", "NZ s 117", func(_ Document, text string, _ Data) bool {
				return strings.Contains(text, "complain") && strings.Contains(text, "privacy.org.nz")
			}})
		case "vic_pdp":
			rs = append(rs, requirement{"ovic_complain", "OVIC's contact and the right to complain to OVIC", "OVIC guide, Step 3", func(_ Document, text string, _ Data) bool {
				return strings.Contains(text, "complain") && strings.Contains(text, "ovic.vic.gov.au")
			}})
		case "eu_gdpr", "uk_gdpr":
			rs = append(rs, requirement{"gdpr_consequences", "the likely consequences", "GDPR art 34(2), art 33(3)(c)", sectionHasItems("What this could mean for you")})
		}
	}
	return rs
}

func regulatorRequirements(k Kind) []requirement {
	switch k {
	case NotifyUs:
		return []requirement{
			{"description", "a description of the breach (the information involved)", "NZ s 117", answered("The type of personal information")},
			{"steps", "the steps taken in response", "NZ s 117", answered("What steps have been taken")},
			{"notified", "whether affected people have been or will be contacted", "NZ s 117", answered("Have you notified the people affected")},
			{"contact", "a contact person at the agency", "NZ s 117", answered("Email")},
		}
	case NotifyUsUpdate:
		return []requirement{{"contact", "a contact person at the agency", "NZ s 117", answered("Who can the Commissioner contact")}}
	case OAIC:
		return []requirement{
			{"identity", "the identity and contact details of the entity", "AU s 26WK(3)(a)", func(doc Document, text string, d Data) bool {
				return namePresent(doc, text, d) && contactPresent(doc, text, d)
			}},
			{"description", "a description of the eligible data breach", "AU s 26WK(3)(b)", sectionHasText("Description of the eligible data breach", 8)},
			{"kinds", "the kinds of information concerned", "AU s 26WK(3)(c)", sectionHasItems("The kinds of information concerned")},
			{"recommendations", "recommendations about the steps individuals should take", "AU s 26WK(3)(d)", sectionHasItems("Recommended steps for individuals")},
		}
	case OVIC:
		return []requirement{
			{"contact", "a contact person", "OVIC guide, Part 5", contactPresent},
			{"what_happened", "what happened", "OVIC guide, Part 5", answered("What happened")},
			{"information", "the personal information involved", "OVIC guide, Part 5", answered("What personal information")},
		}
	case GDPR:
		rs := []requirement{
			{"categories", "the categories of personal data concerned", "GDPR art 33(3)(a)", answered("Categories of personal data")},
			{"subjects", "the approximate number of data subjects", "GDPR art 33(3)(a)", answered("Approximate number of data subjects")},
			{"contact", "the DPO or other contact point", "GDPR art 33(3)(b)", contactPresent},
			{"consequences", "the likely consequences", "GDPR art 33(3)(c)", sectionHasItems("Likely consequences (Article 33(3)(c))")},
			{"measures", "the measures taken or proposed", "GDPR art 33(3)(d)", sectionHasItems("Measures taken or proposed (Article 33(3)(d))", "Not yet described")},
		}
		return rs
	}
	return nil
}

// Check runs the checks for a rendered notice: required content on what
// was rendered, plain English for notices to people, unanswered questions
// for regulator forms, and the reasons for a late GDPR notification.
func Check(doc Document, d Data, target float64) []Finding {
	text := doc.PlainText()
	var reqs []requirement
	switch d.Kind {
	case Individual, Public:
		reqs = peopleRequirements(d)
	default:
		reqs = regulatorRequirements(d.Kind)
	}
	var out []Finding
	for _, r := range reqs {
		if !r.present(doc, text, d) {
			out = append(out, Finding{Check: "required", Severity: MustFix, Element: r.id, Section: r.section, Message: "Missing: " + r.label + "."})
		}
	}
	if d.Kind == GDPR && d.Late && !answered("Why is this notification made")(doc, text, d) {
		out = append(out, Finding{Check: "required", Severity: MustFix, Element: "delay_reasons", Section: "GDPR art 33(1)",
			Message: "Missing: the reasons for notifying more than 72 hours after becoming aware."})
	}
	for _, c := range d.confirm {
		out = append(out, Finding{Check: "confirm", Severity: ShouldFix, Message: "Before it goes out: " + c})
	}
	for _, q := range doc.Unanswered() {
		out = append(out, Finding{Check: "unanswered", Severity: ShouldFix, Message: "Not answered yet: " + q})
	}
	if d.Kind == Individual || d.Kind == Public {
		out = append(out, PlainEnglish(doc, target)...)
	}
	return out
}
