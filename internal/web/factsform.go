package web

import (
	"encoding/json"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/breachdesk/breachdesk/internal/facts"
	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/incident"
	"github.com/breachdesk/breachdesk/internal/org"
)

// choice is one option of a form list: the stable id and its words.
type choice struct{ ID, Label string }

// The facts form's field names are the paths of the facts document
// (people.count, recipient.kind...), so a schema error at /people/count
// lands on the field people.count.

// HarmTypes are the kinds of harm the form asks about, with the words of
// seed 001 and NotifyUs.
var HarmTypes = []choice{
	{"identity_theft", "Identity theft"}, {"fraud", "Fraud"}, {"financial_loss", "Financial loss"},
	{"emotional_distress", "Emotional or psychological harm"}, {"embarrassment", "Embarrassment or humiliation"},
	{"reputational", "Damage to reputation"}, {"loss_of_opportunity", "Loss of employment or business opportunities"},
	{"family_violence", "Family violence"}, {"physical_harm", "Physical harm"}, {"intimidation", "Threats or intimidation"},
	{"discrimination", "Discrimination"}, {"service_disruption", "Disruption of services"}, {"spam", "Unwanted marketing or spam"},
}

func triValue(v string) any {
	switch v {
	case "yes":
		return true
	case "no":
		return false
	}
	return nil
}

// factsDoc builds a facts document from the form. Fields left as "not
// known" are absent, as the contract says.
func factsDoc(form url.Values, loc *time.Location) (map[string]any, fault.Fields) {
	bad := fault.Fields{}
	doc := map[string]any{"schema": facts.Schema}
	set := func(path string, v any) {
		if v == nil {
			return
		}
		if s, ok := v.(string); ok && strings.TrimSpace(s) == "" {
			return
		}
		if l, ok := v.([]string); ok && len(l) == 0 {
			return
		}
		parts := strings.Split(path, ".")
		m := doc
		for _, p := range parts[:len(parts)-1] {
			next, ok := m[p].(map[string]any)
			if !ok {
				next = map[string]any{}
				m[p] = next
			}
			m = next
		}
		m[parts[len(parts)-1]] = v
	}
	str := func(path string) { set(path, strings.TrimSpace(form.Get(path))) }
	tri := func(path string) { set(path, triValue(form.Get(path))) }
	when := func(path string) {
		if t := parseLocalTime(bad, path, form.Get(path), loc); t != nil {
			set(path, t.Format(time.RFC3339))
		}
	}
	num := func(path string, float bool) {
		v := strings.ReplaceAll(strings.TrimSpace(form.Get(path)), ",", "")
		if v == "" {
			return
		}
		if float {
			n, err := strconv.ParseFloat(v, 64)
			if err != nil || n < 0 {
				bad.Add(path, "Give a number, or leave it empty if not known.")
				return
			}
			set(path, n)
			return
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			bad.Add(path, "Give a whole number, or leave it empty if not known.")
			return
		}
		set(path, n)
	}
	str("title")
	str("summary")
	set("organisation.subject_to", form["organisation.subject_to"])
	str("organisation.gdpr_role")
	tri("organisation.is_tfn_recipient")
	tri("organisation.vic_public_sector")
	str("organisation.name")
	str("organisation.contact")
	when("timeline.occurred_at")
	when("timeline.discovered_at")
	when("timeline.contained_at")
	when("timeline.first_alert_at")
	when("timeline.processor_aware_at")
	when("timeline.ought_to_have_known_at")
	tri("timeline.ongoing")
	num("people.count", false)
	set("data.categories", form["data.categories"])
	num("data.records", false)
	tri("data.already_public")
	tri("data.sensitive")
	str("cause")
	str("method")
	str("recipient.kind")
	str("recipient.relation")
	num("recipient.count", false)
	str("recipient.relationship")
	str("recipient.accessed")
	tri("recipient.confirmed_deleted")
	str("recipient.deletion_assurance")
	tri("recipient.repeated")
	for _, p := range []string{"effects.confidentiality", "effects.exfiltrated", "effects.integrity", "effects.availability", "effects.availability_criticality"} {
		str(p)
	}
	num("effects.availability_hours", true)
	if v := strings.TrimSpace(form.Get("effects.business_impact_level")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 5 {
			bad.Add("effects.business_impact_level", "Give the business impact level, 1 to 5, or leave it empty if not known.")
		} else {
			set("effects.business_impact_level", n)
		}
	}
	tri("exposure.publicly_available")
	num("exposure.hours", true)
	tri("protection.encrypted")
	tri("protection.key_compromised")
	str("protection.passwords_hashed")
	tri("protection.backup_available")
	tri("protection.restored")
	when("protection.restored_at")
	str("protection.restored_from")
	tri("remediation.recovered")
	tri("remediation.prevents_serious_harm")
	if steps := splitLines(form.Get("remediation.steps")); len(steps) > 0 {
		set("remediation.steps", steps)
	}
	var harms []any
	for _, h := range form["harms"] {
		x := map[string]any{"type": h}
		if l := form.Get("harms." + h + ".likelihood"); l != "" {
			x["likelihood"] = l
		}
		if i := form.Get("harms." + h + ".impact"); i != "" {
			x["impact"] = i
		}
		harms = append(harms, x)
	}
	if len(harms) > 0 {
		doc["harms"] = harms
	}
	for _, p := range []string{"danger.physical", "danger.psychological", "danger.financial"} {
		tri(p)
	}
	str("danger.cultural_considerations")
	tri("people.vulnerable")
	num("people.at_higher_risk.count", false)
	str("people.at_higher_risk.why")
	tri("people.already_aware")
	set("people.groups", form["people.groups"])
	if j := strings.TrimSpace(form.Get("people.by_jurisdiction")); j != "" {
		m := map[string]any{}
		for _, part := range strings.FieldsFunc(j, func(r rune) bool { return r == ',' || r == ';' || r == '\n' }) {
			k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
			n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			if !ok || err != nil || n < 0 || strings.TrimSpace(k) == "" {
				bad.Add("people.by_jurisdiction", "Write places and counts like NZ=120, AU-VIC=40, FR=3.")
				break
			}
			m[strings.ToUpper(strings.TrimSpace(k))] = n
		}
		set("people.by_jurisdiction", m)
	}
	tri("notification_constraints.contact_details_available")
	tri("notification_constraints.law_enforcement_delay")
	tri("notification_constraints.would_cause_more_harm")
	str("notification_constraints.other_delay")
	if name := strings.TrimSpace(form.Get("entities.name")); name != "" {
		e := map[string]any{"name": name}
		if r := strings.TrimSpace(form.Get("entities.relationship")); r != "" {
			e["relationship"] = r
		}
		if n := triValue(form.Get("entities.notifies")); n != nil {
			e["notifies"] = n
		}
		if n := triValue(form.Get("entities.notified")); n != nil {
			e["notified"] = n
		}
		if r := strings.TrimSpace(form.Get("entities.reference")); r != "" {
			e["reference"] = r
		}
		doc["entities"] = []any{e}
	}
	return doc, bad
}

func splitLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// factsFromForm reads and validates the form as a facts document,
// returning its JSON text too. Errors name the form fields.
func factsFromForm(form url.Values, loc *time.Location) (*facts.Facts, string, error) {
	doc, bad := factsDoc(form, loc)
	if tl, _ := doc["timeline"].(map[string]any); tl["discovered_at"] == nil {
		bad.Add("timeline.discovered_at", "Say when the organisation became aware; every deadline runs from then.")
	}
	if err := bad.Err(); err != nil {
		return nil, "", err
	}
	raw, err := json.Marshal(doc)
	if err != nil {
		return nil, "", err
	}
	f, err := facts.Parse(raw)
	if err != nil {
		fields := map[string]string{}
		for p, msg := range fault.FieldsOf(err) {
			fields[fieldOfPath(p)] = msg
		}
		return nil, "", &fault.Error{Code: fault.Invalid, Message: "Some answers need correcting.", Fields: fields}
	}
	return f, string(raw), nil
}

// fieldOfPath turns a schema path (/harms/0/impact) into a form field.
func fieldOfPath(p string) string {
	var parts []string
	for _, s := range strings.Split(strings.Trim(p, "/"), "/") {
		if _, err := strconv.Atoi(s); err != nil && s != "" {
			parts = append(parts, s)
		}
	}
	if len(parts) == 0 {
		return "facts"
	}
	return strings.Join(parts, ".")
}

// formOfFacts fills the form from a stored facts document.
func formOfFacts(raw string, loc *time.Location) url.Values {
	form := url.Values{}
	var doc map[string]any
	if json.Unmarshal([]byte(raw), &doc) != nil {
		return form
	}
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch x := v.(type) {
		case map[string]any:
			if prefix == "people.by_jurisdiction" {
				var parts []string
				for k, n := range x {
					parts = append(parts, k+"="+strconv.FormatFloat(n.(float64), 'f', -1, 64))
				}
				sort.Strings(parts)
				form.Set(prefix, strings.Join(parts, ", "))
				return
			}
			for k, val := range x {
				p := k
				if prefix != "" {
					p = prefix + "." + k
				}
				walk(p, val)
			}
		case []any:
			switch prefix {
			case "harms":
				for _, h := range x {
					m := h.(map[string]any)
					t, _ := m["type"].(string)
					form.Add("harms", t)
					for _, k := range []string{"likelihood", "impact"} {
						if s, ok := m[k].(string); ok {
							form.Set("harms."+t+"."+k, s)
						}
					}
				}
			case "entities":
				if len(x) > 0 {
					walk("entities", x[0])
				}
			case "remediation.steps":
				var lines []string
				for _, s := range x {
					lines = append(lines, s.(string))
				}
				form.Set(prefix, strings.Join(lines, "\n"))
			default:
				for _, s := range x {
					if str, ok := s.(string); ok {
						form.Add(prefix, str)
					}
				}
			}
		case bool:
			form.Set(prefix, map[bool]string{true: "yes", false: "no"}[x])
		case float64:
			form.Set(prefix, strconv.FormatFloat(x, 'f', -1, 64))
		case string:
			if strings.HasPrefix(prefix, "timeline.") || prefix == "protection.restored_at" {
				if t, err := time.Parse(time.RFC3339, x); err == nil {
					x = t.In(loc).Format("2006-01-02T15:04")
				}
			}
			form.Set(prefix, x)
		}
	}
	walk("", doc)
	return form
}

// formOfIncident prefills the facts form from what was reported, so the
// Assess step starts from the report rather than a blank page.
func formOfIncident(inc *incident.Incident, o org.Organisation) url.Values {
	if inc.Facts != "" {
		return formOfFacts(inc.Facts, o.Location())
	}
	form := url.Values{}
	loc := o.Location()
	r := inc.Report
	form.Set("title", inc.Title)
	form.Set("summary", r.WhatHappened)
	form["organisation.subject_to"] = o.Laws
	form.Set("organisation.name", o.Name)
	form.Set("organisation.contact", strings.TrimSpace(o.ContactName+" <"+o.ContactEmail+">"))
	form.Set("timeline.discovered_at", r.DiscoveredAt.In(loc).Format("2006-01-02T15:04"))
	if r.OccurredAt != nil {
		form.Set("timeline.occurred_at", r.OccurredAt.In(loc).Format("2006-01-02T15:04"))
	}
	if r.Ongoing == "yes" || r.Ongoing == "no" {
		form.Set("timeline.ongoing", r.Ongoing)
	}
	form["data.categories"] = r.DataCategories
	if r.PeopleCount != nil {
		form.Set("people.count", strconv.Itoa(*r.PeopleCount))
	}
	form.Set("cause", r.Cause)
	form.Set("recipient.kind", r.Recipient)
	form.Set("recipient.relationship", r.WhereItWent)
	form.Set("remediation.steps", r.ActionsTaken)
	return form
}
