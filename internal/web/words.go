package web

import (
	"encoding/json"
	"html/template"
	"regexp"
	"strconv"
	"strings"

	"github.com/breachdesk/breachdesk/internal/audit"
	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/deliver"
	"github.com/breachdesk/breachdesk/internal/incident"
)

// Pages show words, not codes: these turn the stored ids into what a
// person reads.

// factQuestions are the facts form's questions, by facts path, for the
// assessment's "would change with" lists.
var factQuestions = map[string]string{
	"organisation.subject_to": "which laws the organisation is subject to", "organisation.gdpr_role": "whether you are the GDPR controller or a processor",
	"organisation.is_tfn_recipient": "whether you hold tax file number information",
	"timeline.occurred_at":          "when it happened", "timeline.discovered_at": "when you became aware", "timeline.contained_at": "when it was contained",
	"timeline.ongoing": "whether it is still going on", "people.count": "how many people are affected", "people.vulnerable": "whether any of them are vulnerable",
	"people.by_jurisdiction": "where the people live", "data.categories": "what kinds of information were involved",
	"effects.confidentiality": "whether someone saw or got it who should not have", "effects.exfiltrated": "whether it was copied out of your control",
	"effects.integrity": "whether it was altered", "effects.availability": "whether it was lost or made unavailable",
	"exposure.publicly_available": "whether it was publicly available", "recipient.kind": "who has it now",
	"recipient.accessed": "whether anyone actually viewed or used it", "recipient.confirmed_deleted": "whether it was returned or deleted, with assurance",
	"remediation.recovered": "whether it was recovered before misuse", "remediation.prevents_serious_harm": "whether the steps taken mean serious harm is no longer likely",
	"protection.encrypted": "whether it was strongly encrypted", "protection.key_compromised": "whether the key or password was also exposed",
	"protection.passwords_hashed": "how passwords were stored", "danger.physical": "whether someone's physical safety is in danger",
	"danger.psychological": "whether someone's psychological safety is at risk", "danger.financial": "whether someone is at risk of serious financial harm",
	"notification_constraints.contact_details_available": "whether you can contact the people directly",
	"notification_constraints.law_enforcement_delay":     "whether the police asked you to wait",
	"notification_constraints.would_cause_more_harm":     "whether telling them would cause more harm", "cause": "how it happened", "method": "how it was done",
}

// factLabel names a facts path as the form's question does.
func factLabel(path string) string {
	if q, ok := factQuestions[path]; ok {
		return q
	}
	return strings.ReplaceAll(strings.ReplaceAll(path, ".", ": "), "_", " ")
}

var incRef = regexp.MustCompile(`\bINC-(\d{4,})\b`)

// linkRefs escapes text and links each incident reference (INC-0007) in
// it to the incident.
func linkRefs(text string) template.HTML {
	esc := template.HTMLEscapeString(text)
	return template.HTML(incRef.ReplaceAllStringFunc(esc, func(ref string) string {
		n, err := strconv.ParseInt(strings.TrimPrefix(ref, "INC-"), 10, 64)
		if err != nil {
			return ref
		}
		return `<a href="/incidents/` + strconv.FormatInt(n, 10) + `">` + ref + `</a>`
	}))
}

// auditNames are what an incident's audit sentences refer to, by id.
type auditNames struct {
	ref         string
	tasks       map[int64]incident.Task
	obligations map[int64]incident.Obligation
	users       map[int64]string
}

func newAuditNames(inc *incident.Incident, tasks []incident.Task, users []auth.User) auditNames {
	n := auditNames{ref: inc.Ref(), tasks: map[int64]incident.Task{}, obligations: map[int64]incident.Obligation{}, users: map[int64]string{}}
	for _, t := range tasks {
		n.tasks[t.ID] = t
	}
	for _, o := range inc.Obligations {
		n.obligations[o.ID] = o
	}
	for _, u := range users {
		n.users[u.ID] = u.Name
	}
	return n
}

// objectID is the number of an audit entry's object, "task:12" → 12.
func objectID(object string) int64 {
	_, id, _ := strings.Cut(object, ":")
	n, _ := strconv.ParseInt(id, 10, 64)
	return n
}

// sentence writes an audit entry as a person would say it: "Priya
// Privacy marked task “Recover the records” done on INC-0007".
func (n auditNames) sentence(e audit.Entry) string {
	who := e.Actor
	if who == "" {
		who = "breachdesk"
	}
	var d map[string]any
	if json.Unmarshal([]byte(e.Details), &d) != nil {
		d = map[string]any{}
	}
	str := func(k string) string { s, _ := d[k].(string); return s }
	num := func(k string) int64 { f, _ := d[k].(float64); return int64(f) }
	task := "a task"
	if t, ok := n.tasks[objectID(e.Object)]; ok {
		task = "task “" + t.Title + "”"
	}
	ob := "an obligation"
	if o, ok := n.obligations[objectID(e.Object)]; ok {
		ob = "“" + incident.RegimeLabel(o.Regime) + ": " + strings.ToLower(o.AudienceLabel()) + "”"
	}
	step := ""
	if st, ok := incident.ParseStep(str("step")); ok {
		step = st.Label()
	}
	user := func(id int64) string {
		if name, ok := n.users[id]; ok {
			return name
		}
		return "nobody"
	}
	override := ""
	if b, _ := d["override"].(bool); b {
		override = " (administrator override)"
	}
	switch e.Action {
	case "incident.report":
		return who + " reported " + n.ref
	case "incident.triage":
		return who + " triaged " + n.ref + ": " + strings.ToLower(incident.Kind(str("kind")).Label()) + ", severity " + strings.ToLower(incident.Severity(str("severity")).Label()) + ", owner " + user(num("owner_id"))
	case "incident.escalate":
		return who + " escalated " + n.ref + " to the response team"
	case "incident.close":
		return who + " closed " + n.ref + override
	case "incident.reopen":
		return who + " reopened " + n.ref
	case "incident.assess":
		return who + " recorded an assessment of " + n.ref
	case "incident.participant_add":
		return who + " added " + user(objectID(e.Object)) + " to the response to " + n.ref + " (" + str("role") + ")"
	case "step.start":
		return who + " started the " + step + " step of " + n.ref
	case "step.complete":
		return who + " completed the " + step + " step of " + n.ref + override
	case "step.reopen":
		return who + " reopened the " + step + " step of " + n.ref
	case "task.add":
		return who + " added " + task + " to " + step + " on " + n.ref
	case "task.done":
		return who + " marked " + task + " done on " + n.ref
	case "task.reopen":
		return who + " opened " + task + " again on " + n.ref
	case "task.not_applicable":
		return who + " marked " + task + " not applicable on " + n.ref
	case "task.assign":
		return who + " assigned " + task + " to " + user(num("assignee_id")) + " on " + n.ref
	case "timeline.note":
		return who + " added a note to " + n.ref
	case "timeline.decision":
		return who + " recorded a decision on " + n.ref
	case "timeline.evidence":
		return who + " noted the progress of a scan on " + n.ref
	case "timeline.export":
		return who + " recorded an export of " + n.ref
	case "evidence.add":
		return who + " attached evidence to " + n.ref
	case "obligation.done":
		return who + " marked " + ob + " done on " + n.ref
	case "obligation.decide":
		return who + " decided otherwise on " + ob + " for " + n.ref
	case "obligation.reset":
		return who + " handed " + ob + " back to the assessment on " + n.ref
	case "review.notes":
		return who + " updated the review of " + n.ref
	case "review.root_cause":
		return who + " recorded a root cause of " + n.ref
	case "review.action_add":
		return who + " added a review action to " + n.ref + ", owned by " + user(num("owner_id"))
	case "review.action_done":
		if b, _ := d["done"].(bool); !b {
			return who + " reopened a review action of " + n.ref
		}
		return who + " marked a review action of " + n.ref + " done"
	case "notice.publish":
		return who + " published the public notice of " + n.ref
	case "notice.text":
		return who + " edited the notice text of " + n.ref
	case "people.add":
		return who + " added people to the list to notify of " + n.ref
	case "people.at_risk":
		return who + " marked who is at risk of serious harm on " + n.ref
	case "job.enqueue":
		return who + " queued a scan of exposed files for " + n.ref
	case "escalation_rule.fired":
		return "An escalation rule fired on " + n.ref
	case "exercise.start":
		return who + " started a tabletop exercise as " + n.ref
	case "exercise.advance":
		return who + " moved the exercise clock of " + n.ref
	case "exercise.end":
		return who + " ended the exercise of " + n.ref
	case "register.import":
		return who + " imported " + n.ref + " from a register"
	case "campaign.create":
		return who + " started sending the notices to people of " + n.ref
	case "lookup.switch":
		if b, _ := d["enabled"].(bool); b {
			return who + " opened the lookup page, where people find their notice of " + n.ref + " by their reference"
		}
		return who + " closed the lookup page for the notices of " + n.ref
	case "lookup.found":
		return "A person found their notice of " + n.ref + " on the lookup page with their reference"
	case "third_party.add":
		return who + " recorded telling " + words(str("kind")) + " about " + n.ref
	case "enquiry.add":
		return who + " recorded an enquiry from a person about " + n.ref
	case "job.finish":
		return "The scan of exposed files for " + n.ref + " ended: " + words(str("state"))
	}
	if st, ok := strings.CutPrefix(e.Action, "campaign."); ok {
		what := map[string]string{"paused": "paused", "running": "resumed", "cancelled": "cancelled what was not yet sent of", "done": "finished", "queuing": "queued"}[st]
		if what != "" {
			return who + " " + what + " the notices to people of " + n.ref
		}
	}
	if k, ok := strings.CutPrefix(e.Action, "timeline."); ok && k != "" {
		return who + " added to the timeline of " + n.ref + " (" + strings.ToLower(incident.TimelineKind(k).Label()) + ")"
	}
	if st, ok := strings.CutPrefix(e.Action, "delivery."); ok && st != "" {
		return who + " recorded " + strings.ToLower(deliver.ChannelLabel(deliver.Channel(str("channel")))) + " to a person as " + words(st) + " on " + n.ref
	}
	return auditFallback(who, e, n.ref)
}

// auditFallback is the sentence of an action no case above knows: its
// code in words. Every action breachdesk records has its own sentence
// (TestEveryAuditActionReadsAsASentence).
func auditFallback(who string, e audit.Entry, ref string) string {
	return who + ": " + words(strings.ReplaceAll(e.Action, ".", " ")) + " on " + ref
}

func words(code string) string { return strings.ReplaceAll(code, "_", " ") }
