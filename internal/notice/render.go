package notice

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"sync"
	"text/template"

	"github.com/breachdesk/breachdesk/internal/incident"
)

//go:embed templates
var builtinTemplates embed.FS

// Templates are the notice templates of one language. The structure
// allows other languages (te reo Māori, say) as further folders.
type Templates struct {
	Lang string
	mu   sync.RWMutex
	set  map[Kind]*template.Template
}

var funcs = template.FuncMap{
	"join":  strings.Join,
	"words": words,
	// bounded is replaced per rendering (see guard); this one only lets
	// templates parse.
	"bounded": func(v any) any { return v },
}

// LoadTemplates reads the built-in templates of a language ("en").
func LoadTemplates(lang string) (*Templates, error) {
	sub, err := fs.Sub(builtinTemplates, "templates/"+lang)
	if err != nil {
		return nil, err
	}
	t := &Templates{Lang: lang, set: map[Kind]*template.Template{}}
	for _, k := range Kinds {
		src, err := fs.ReadFile(sub, string(k)+".tmpl")
		if err != nil {
			return nil, fmt.Errorf("no %s template for %q: %w", k, lang, err)
		}
		if err := t.Set(k, string(src)); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// Set replaces one kind's template, e.g. with an organisation's edited
// version. A template that does not parse is refused with the reason.
func (t *Templates) Set(k Kind, src string) error {
	tpl, err := template.New(string(k)).Funcs(funcs).Option("missingkey=error").Parse(src)
	if err != nil {
		return fmt.Errorf("the %s template does not parse: %w", k, err)
	}
	if err := guard(tpl); err != nil {
		return fmt.Errorf("the %s template: %w", k, err)
	}
	t.mu.Lock()
	t.set[k] = tpl
	t.mu.Unlock()
	return nil
}

// Render writes one notice as a document.
func (t *Templates) Render(d Data) (Document, error) {
	t.mu.RLock()
	tpl, ok := t.set[d.Kind]
	t.mu.RUnlock()
	if !ok {
		return Document{}, fmt.Errorf("unknown notice kind %q", d.Kind)
	}
	// Each rendering has its own budget of loop iterations.
	run, err := tpl.Clone()
	if err != nil {
		return Document{}, err
	}
	b := &budget{left: maxRangeSteps}
	run.Funcs(template.FuncMap{"bounded": b.bounded})
	var buf bytes.Buffer
	if err := run.Execute(&limitedWriter{w: &buf, max: maxNoticeOutput}, d); err != nil {
		if errors.Is(err, errTooLong) {
			err = errTooLong
		}
		return Document{}, fmt.Errorf("the %s template failed: %w", d.Kind, err)
	}
	return Parse(buf.String()), nil
}

// yours says each kind of information as it belongs to the reader.
var yours = map[string]string{
	"name": "your name", "contact": "your contact details (email address or phone number)", "address": "your home address",
	"date_of_birth": "your date of birth", "government_id": "your identity document number", "tax_file_number": "your tax file number",
	"ird_number": "your IRD number", "passport": "your passport details", "driver_licence": "your driver licence details",
	"financial_account": "your bank account details", "payment_card": "your payment card details", "credentials": "your username and password",
	"income": "your income or benefit details", "employment": "your employment records", "education": "your education records",
	"location": "where you were or are", "communications": "messages you sent or received", "photos": "photos or video of you",
	"health": "health information about you", "genetic": "genetic information about you", "biometric": "biometric information about you (such as fingerprints)",
	"racial_ethnic": "your ethnicity", "political": "your political views", "religious": "your religious beliefs", "trade_union": "your union membership",
	"sexual": "information about your sex life or sexuality", "criminal": "criminal record information about you",
	"family_violence": "information about family violence you experienced", "children": "information about your children", "legal": "legal matters about you",
	"other": "other information about you",
}

// PersonCategories lists the reader's information that was involved: the
// person's own elements when known, else the breach's categories.
func (d Data) PersonCategories() []string {
	ids := d.Breach.CategoryIDs
	if d.Person != nil && len(d.Person.Elements) > 0 {
		ids = d.Person.Elements
	}
	out := make([]string, 0, len(ids))
	for _, c := range ids {
		if y, ok := yours[c]; ok {
			out = append(out, y)
		} else {
			out = append(out, lowerFirst(incident.LabelOf(incident.DataCategories, c)))
		}
	}
	return out
}

// Told lists the regulators a notice to people can say have been told:
// those marked done on the incident, or, without tracking, those the
// assessment says to tell.
func (d Data) Told() []Regulator {
	var out []Regulator
	for _, r := range d.Regulators {
		if d.RegulatorsTold != nil {
			if d.RegulatorsTold[r.Regime] {
				out = append(out, r)
			}
			continue
		}
		for _, o := range d.Assessment.Obligations {
			if o.Regime == r.Regime && o.Audience == "regulator" && (o.Decision == "required" || o.Decision == "recommended") {
				out = append(out, r)
				break
			}
		}
	}
	return out
}

// Sensitivity answers NotifyUs's sensitivity question from the assessment.
func (d Data) Sensitivity() string {
	if len(d.Breach.CategoryIDs) == 0 {
		return ""
	}
	return fmt.Sprintf("Severity %s (%s)", words(d.Assessment.Harm.Severity), strings.Join(d.Breach.Categories, ", "))
}

// DangerAnswer answers one immediate-danger question.
func (d Data) DangerAnswer(kind string) string { return d.Breach.Danger[kind] }

// Exceptions says which s 116 exceptions the organisation relies on: its
// recorded decision, else what the facts' constraints point to.
func (d Data) Exceptions(rule string) string {
	if d.ExceptionsRelied != "" {
		return d.ExceptionsRelied
	}
	if d.WouldCauseMoreHarm {
		return "Notifying would be likely to endanger the safety of a person (s 116)."
	}
	return ""
}

// Delay says whether notifying people is being delayed, why and how long.
func (d Data) Delay() string {
	if d.LawEnforcementDelay {
		return "The police (or another enforcement body) asked us to wait: notifying now would be likely to prejudice the maintenance of the law (s 116). We will notify as soon as that is no longer so."
	}
	return ""
}

// PublicNotice says why public notice is used, if it is.
func (d Data) PublicNotice() string {
	for _, o := range d.Assessment.Obligations {
		if o.Audience == "public" && o.Decision == "required" && len(o.Reasons) > 0 {
			return o.Reasons[0]
		}
	}
	return ""
}

// NDBOption names the s 26WL option the assessment points to.
func (d Data) NDBOption() string {
	if s := d.Delivery; s != nil && s.Option == 3 {
		return "Option 3: publish the statement and publicise it, because notifying people directly is not practicable: " + s.NotDirect
	}
	if s := d.Delivery; s != nil && s.Option > 0 {
		who := "everyone whose information was involved"
		if s.Option == 2 {
			who = "only the people at risk of serious harm"
		}
		out := fmt.Sprintf("Option %d: notifying %s directly.", s.Option, who)
		if s.Practicable != "" {
			out += " Direct notification is practicable: " + s.Practicable
		}
		if s.Told > 0 {
			out += fmt.Sprintf(" So far %d people have been told (%s).", s.Told, s.ByMethod)
		}
		if s.Unreachable > 0 {
			out += fmt.Sprintf(" %d cannot be reached directly and are covered by the published statement (option 3).", s.Unreachable)
		}
		return out
	}
	if o := d.Obligation("au.public"); o != nil && o.Decision == "required" {
		return "Option 3: publish the statement and publicise it, because notifying people directly is not practicable."
	}
	if o := d.Obligation("au.individuals"); o != nil && o.Decision == "required" {
		return "Option 1 (everyone whose information was involved) or option 2 (only those at risk), directly."
	}
	return ""
}

// GDPRName names the regulation the notification is made under.
func (d Data) GDPRName() string {
	for _, r := range d.Regulators {
		if r.Regime == "uk_gdpr" {
			return "UK GDPR"
		}
	}
	return "General Data Protection Regulation (EU) 2016/679"
}
