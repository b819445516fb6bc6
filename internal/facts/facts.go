// Package facts reads the facts document of a suspected breach
// (spec/facts.schema.json, breachdesk/facts/v1.1, and the version 1 it
// extends) from JSON or YAML, validating it against the schema of the
// version it names so that unknown fields and values are refused with the
// path that holds them. An absent field means "not known yet", so every
// optional field is a pointer or a nil slice.
package facts

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/yamlbound"
	"github.com/breachdesk/breachdesk/spec"
)

// Schema is the value of the schema field of the current version (1.1);
// SchemaV1 is that of version 1 documents, still read as they always were.
const (
	Schema   = "breachdesk/facts/v1.1"
	SchemaV1 = "breachdesk/facts/v1"
)

// Facts is what is known about a breach.
type Facts struct {
	Schema                  string                   `json:"schema"`
	Title                   string                   `json:"title,omitempty"`
	Summary                 string                   `json:"summary,omitempty"`
	Organisation            *Organisation            `json:"organisation,omitempty"`
	Timeline                Timeline                 `json:"timeline"`
	Cause                   string                   `json:"cause,omitempty"`
	Method                  string                   `json:"method,omitempty"`
	Effects                 *Effects                 `json:"effects,omitempty"`
	Data                    *Data                    `json:"data,omitempty"`
	People                  *People                  `json:"people,omitempty"`
	Protection              *Protection              `json:"protection,omitempty"`
	Recipient               *Recipient               `json:"recipient,omitempty"`
	Exposure                *Exposure                `json:"exposure,omitempty"`
	Remediation             *Remediation             `json:"remediation,omitempty"`
	Harms                   []Harm                   `json:"harms,omitempty"`
	Danger                  *Danger                  `json:"danger,omitempty"`
	NotificationConstraints *NotificationConstraints `json:"notification_constraints,omitempty"`
	Entities                []Entity                 `json:"entities,omitempty"`
}

// Organisation is who holds the information.
type Organisation struct {
	Name           string   `json:"name,omitempty"`
	Contact        string   `json:"contact,omitempty"`
	SubjectTo      []string `json:"subject_to,omitempty"`
	GDPRRole       string   `json:"gdpr_role,omitempty"`
	IsTFNRecipient *bool    `json:"is_tfn_recipient,omitempty"`
	// VicPublicSector: Part 4 of the PDP Act 2014 (Vic) applies (v1.1).
	VicPublicSector *bool `json:"vic_public_sector,omitempty"`
}

// Timeline holds when things happened; deadlines run from DiscoveredAt,
// or from OughtToHaveKnownAt when that is earlier.
type Timeline struct {
	OccurredAt    *time.Time `json:"occurred_at,omitempty"`
	OccurredUntil *time.Time `json:"occurred_until,omitempty"`
	DiscoveredAt  time.Time  `json:"discovered_at"`
	ContainedAt   *time.Time `json:"contained_at,omitempty"`
	Ongoing       *bool      `json:"ongoing,omitempty"`
	// The other moments of awareness (v1.1).
	FirstAlertAt       *time.Time `json:"first_alert_at,omitempty"`
	ProcessorAwareAt   *time.Time `json:"processor_aware_at,omitempty"`
	OughtToHaveKnownAt *time.Time `json:"ought_to_have_known_at,omitempty"`
}

// Effects says which security properties were lost.
type Effects struct {
	Confidentiality   string   `json:"confidentiality,omitempty"`
	Exfiltrated       string   `json:"exfiltrated,omitempty"`
	Integrity         string   `json:"integrity,omitempty"`
	Availability      string   `json:"availability,omitempty"`
	AvailabilityHours *float64 `json:"availability_hours,omitempty"`
	// AvailabilityCriticality is low, moderate or critical (v1.1).
	AvailabilityCriticality string `json:"availability_criticality,omitempty"`
	// BusinessImpactLevel is the VPDSS business impact level, 1-5 (v1.1).
	BusinessImpactLevel *int `json:"business_impact_level,omitempty"`
}

// Data is what kinds of information, and how many records.
type Data struct {
	Categories []string `json:"categories,omitempty"`
	Records    *int64   `json:"records,omitempty"`
	// AlreadyPublic: lawfully public before the breach (v1.1).
	AlreadyPublic *bool `json:"already_public,omitempty"`
	// Sensitive: sensitive though no category names it (v1.1).
	Sensitive *bool `json:"sensitive,omitempty"`
}

// People is who is affected.
type People struct {
	Count          *int64           `json:"count,omitempty"`
	ByJurisdiction map[string]int64 `json:"by_jurisdiction,omitempty"`
	Groups         []string         `json:"groups,omitempty"`
	Vulnerable     *bool            `json:"vulnerable,omitempty"`
	// AlreadyAware: the people already know of the breach (v1.1).
	AlreadyAware *bool `json:"already_aware,omitempty"`
	// AtHigherRisk is a part of the people at higher risk (v1.1).
	AtHigherRisk *AtHigherRisk `json:"at_higher_risk,omitempty"`
}

// AtHigherRisk is a part of the affected people at higher risk than the
// rest, e.g. those with protected addresses.
type AtHigherRisk struct {
	Count *int64 `json:"count,omitempty"`
	Why   string `json:"why,omitempty"`
}

// Protection is how the data was protected.
type Protection struct {
	Encrypted       *bool  `json:"encrypted,omitempty"`
	KeyCompromised  *bool  `json:"key_compromised,omitempty"`
	PasswordsHashed string `json:"passwords_hashed,omitempty"`
	BackupAvailable *bool  `json:"backup_available,omitempty"`
	Restored        *bool  `json:"restored,omitempty"`
	// RestoredAt and RestoredFrom (backup or other) say when and how (v1.1).
	RestoredAt   *time.Time `json:"restored_at,omitempty"`
	RestoredFrom string     `json:"restored_from,omitempty"`
}

// Recipient is who has, or may have, the data.
type Recipient struct {
	Kind             string `json:"kind,omitempty"`
	Relationship     string `json:"relationship,omitempty"`
	ConfirmedDeleted *bool  `json:"confirmed_deleted,omitempty"`
	Accessed         string `json:"accessed,omitempty"`
	// Relation is who the recipient is to the people or the organisation,
	// as a choice (v1.1).
	Relation string `json:"relation,omitempty"`
	// Count is how many recipients there were (v1.1).
	Count *int64 `json:"count,omitempty"`
	// DeletionAssurance is assured, their_word, refused or unknown (v1.1).
	DeletionAssurance string `json:"deletion_assurance,omitempty"`
	// Repeated: the same recipient kept receiving the information (v1.1).
	Repeated *bool `json:"repeated,omitempty"`
}

// Exposure is how widely and how long the data was exposed.
type Exposure struct {
	PubliclyAvailable *bool    `json:"publicly_available,omitempty"`
	Hours             *float64 `json:"hours,omitempty"`
}

// Remediation is what was done about it.
type Remediation struct {
	Recovered           *bool    `json:"recovered,omitempty"`
	PreventsSeriousHarm *bool    `json:"prevents_serious_harm,omitempty"`
	Steps               []string `json:"steps,omitempty"`
}

// Harm is a kind of harm the people may suffer, as a person assessed it.
type Harm struct {
	Type       string `json:"type"`
	Likelihood string `json:"likelihood,omitempty"`
	Impact     string `json:"impact,omitempty"`
}

// Danger is immediate risk to someone.
type Danger struct {
	Physical               *bool  `json:"physical,omitempty"`
	Psychological          *bool  `json:"psychological,omitempty"`
	Financial              *bool  `json:"financial,omitempty"`
	CulturalConsiderations string `json:"cultural_considerations,omitempty"`
}

// NotificationConstraints are what may delay or prevent notifying.
type NotificationConstraints struct {
	LawEnforcementDelay     *bool `json:"law_enforcement_delay,omitempty"`
	WouldCauseMoreHarm      *bool `json:"would_cause_more_harm,omitempty"`
	ContactDetailsAvailable *bool `json:"contact_details_available,omitempty"`
	// OtherDelay is national_security or regulator_instruction (v1.1).
	OtherDelay string `json:"other_delay,omitempty"`
}

// Entity is another organisation holding the same information.
type Entity struct {
	Name         string `json:"name"`
	Relationship string `json:"relationship,omitempty"`
	Notifies     *bool  `json:"notifies,omitempty"`
	// Notified: it has given the notification, confirmed (v1.1).
	Notified *bool `json:"notified,omitempty"`
	// Reference is that notification's reference (v1.1).
	Reference string `json:"reference,omitempty"`
}

var (
	schemaV11 = compile("facts.schema.json", spec.FactsSchema)
	schemaV1  = compile("facts-v1.schema.json", spec.FactsSchemaV1)
	printer   = message.NewPrinter(language.English)
)

func compile(name string, text []byte) *jsonschema.Schema {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(text))
	if err != nil {
		panic(name + ": " + err.Error())
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(name, doc); err != nil {
		panic(name + ": " + err.Error())
	}
	return c.MustCompile(name)
}

// Parse reads a facts document in JSON or YAML, validates it against the
// schema of the version it names (version 1 documents against version 1,
// so they keep their meaning) and decodes it. Errors are Invalid faults
// naming each path.
func Parse(data []byte) (*Facts, error) {
	doc, err := decode(data)
	if err != nil {
		return nil, err
	}
	sch, version := schemaV11, Schema
	if m, ok := doc.(map[string]any); ok && m["schema"] == SchemaV1 {
		sch, version = schemaV1, SchemaV1
	}
	if err := sch.Validate(doc); err != nil {
		return nil, schemaError(err, version)
	}
	norm, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	var f Facts
	dec := json.NewDecoder(bytes.NewReader(norm))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fault.Errorf(fault.Invalid, "The facts document could not be read: %v.", err)
	}
	if err := checkPlaces(&f); err != nil {
		return nil, err
	}
	return &f, nil
}

// MaxBytes bounds a facts document, as sent and once YAML aliases are
// expanded.
const MaxBytes = 1 << 20

// decode reads JSON, or YAML when the text is not JSON, into plain values
// the schema validator understands.
func decode(data []byte) (any, error) {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, fault.Errorf(fault.Invalid, "The facts document is empty.")
	}
	if len(trimmed) > MaxBytes {
		return nil, fault.Errorf(fault.TooLarge, "The facts document is larger than %d KB; facts this long are not facts about one breach.", MaxBytes>>10)
	}
	if trimmed[0] == '{' {
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(trimmed))
		if err != nil {
			return nil, fault.Errorf(fault.Invalid, "The facts document is not valid JSON: %v.", err)
		}
		return doc, nil
	}
	// Aliases are measured before any value is built, so a short document
	// cannot expand into gigabytes.
	node, err := yamlbound.Parse(trimmed, yamlbound.Limits{Bytes: MaxBytes, Nodes: 50_000, Depth: 32})
	if err != nil {
		if fault.CodeOf(err) == fault.Invalid {
			return nil, fault.Errorf(fault.Invalid, "The facts document is neither JSON nor valid YAML: %s", fault.MessageOf(err))
		}
		return nil, err
	}
	var y any
	if err := node.Decode(&y); err != nil {
		return nil, fault.Errorf(fault.Invalid, "The facts document is neither JSON nor valid YAML: %v.", err)
	}
	doc, err := plain(y, "")
	if err != nil {
		return nil, err
	}
	// Round-trip through JSON so numbers and times look as in a JSON document.
	b, err := json.Marshal(doc)
	if err != nil {
		return nil, fault.Errorf(fault.Invalid, "The YAML document has values that cannot be represented: %v.", err)
	}
	return jsonschema.UnmarshalJSON(bytes.NewReader(b))
}

// plain turns YAML values into JSON-shaped ones: string keys only, and
// times back to RFC 3339 text.
func plain(v any, path string) (any, error) {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, val := range x {
			p, err := plain(val, path+"/"+k)
			if err != nil {
				return nil, err
			}
			out[k] = p
		}
		return out, nil
	case map[any]any:
		out := make(map[string]any, len(x))
		for k, val := range x {
			ks, ok := k.(string)
			if !ok {
				return nil, fault.Errorf(fault.Invalid, "At %s: keys must be text, not %v.", orRoot(path), k)
			}
			p, err := plain(val, path+"/"+ks)
			if err != nil {
				return nil, err
			}
			out[ks] = p
		}
		return out, nil
	case []any:
		out := make([]any, len(x))
		for i, val := range x {
			p, err := plain(val, fmt.Sprintf("%s/%d", path, i))
			if err != nil {
				return nil, err
			}
			out[i] = p
		}
		return out, nil
	case time.Time:
		return x.Format(time.RFC3339Nano), nil
	}
	return v, nil
}

func orRoot(p string) string {
	if p == "" {
		return "/"
	}
	return p
}

// schemaError flattens the validator's tree into one message per path.
func schemaError(err error, version string) error {
	ve, ok := err.(*jsonschema.ValidationError)
	if !ok {
		return fault.Errorf(fault.Invalid, "The facts document is not valid: %v.", err)
	}
	fields := map[string]string{}
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) == 0 {
			p := "/" + strings.Join(e.InstanceLocation, "/")
			msg := strings.TrimSpace(e.ErrorKind.LocalizedString(printer))
			if old, ok := fields[p]; ok && !strings.Contains(old, msg) {
				msg = old + "; " + msg
			}
			fields[p] = msg
			return
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(ve)
	paths := make([]string, 0, len(fields))
	for p := range fields {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	parts := make([]string, len(paths))
	for i, p := range paths {
		parts[i] = p + ": " + fields[p]
	}
	return &fault.Error{Code: fault.Invalid, Message: "The facts document does not match " + version + ": " + strings.Join(parts, "; "), Fields: fields}
}
