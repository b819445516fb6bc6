package facts

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/breachdesk/breachdesk/internal/fault"
)

func TestParseJSONAndYAMLAlike(t *testing.T) {
	js := `{"schema":"breachdesk/facts/v1","timeline":{"discovered_at":"2026-03-02T09:00:00Z","ongoing":false},
	 "data":{"categories":["name","health"]},"people":{"count":312,"by_jurisdiction":{"AU-VIC":300,"NZ":12}},"protection":{"encrypted":true}}`
	ym := "schema: breachdesk/facts/v1\ntimeline:\n  discovered_at: 2026-03-02T09:00:00Z\n  ongoing: false\ndata:\n  categories: [name, health]\npeople:\n  count: 312\n  by_jurisdiction: {AU-VIC: 300, NZ: 12}\nprotection:\n  encrypted: true\n"
	a, err := Parse([]byte(js))
	if err != nil {
		t.Fatal(err)
	}
	b, err := Parse([]byte(ym))
	if err != nil {
		t.Fatal(err)
	}
	if *a.People.Count != 312 || *b.People.Count != 312 || !a.Timeline.DiscoveredAt.Equal(b.Timeline.DiscoveredAt) || !*b.Protection.Encrypted || b.People.ByJurisdiction["AU-VIC"] != 300 {
		t.Fatalf("json %+v yaml %+v", a, b)
	}
	if a.Recipient != nil || a.Timeline.Ongoing == nil || *a.Timeline.Ongoing {
		t.Fatal("absent fields must stay nil, present false must stay false")
	}
}

func TestParseNamesEveryBadPath(t *testing.T) {
	_, err := Parse([]byte("schema: breachdesk/facts/v1\ntimeline:\n  discovered_at: 2026-03-02T09:00:00Z\ndata:\n  categories: [name, shoe_size]\npeople:\n  count: -3\ncolour: red\n"))
	f := fault.FieldsOf(err)
	for _, p := range []string{"/data/categories/1", "/people/count", "/"} {
		if f[p] == "" {
			t.Errorf("no message for %s in %v", p, err)
		}
	}
	if !strings.Contains(err.Error(), "colour") {
		t.Errorf("the unknown field is not named: %v", err)
	}
	for name, doc := range map[string]string{
		"empty": "", "not json": "{", "no discovered_at": `{"schema":"breachdesk/facts/v1","timeline":{}}`,
		"wrong schema":   `{"schema":"breachdesk/facts/v2","timeline":{"discovered_at":"2026-03-02T09:00:00Z"}}`,
		"bad time":       `{"schema":"breachdesk/facts/v1","timeline":{"discovered_at":"yesterday"}}`,
		"unknown regime": `{"schema":"breachdesk/facts/v1","timeline":{"discovered_at":"2026-03-02T09:00:00Z"},"organisation":{"subject_to":["mars"]}}`,
	} {
		if _, err := Parse([]byte(doc)); fault.CodeOf(err) != fault.Invalid {
			t.Errorf("%s: want invalid, got %v", name, err)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"schema":"breachdesk/facts/v1","timeline":{"discovered_at":"2026-03-02T09:00:00Z"}}`))
	f.Add([]byte("schema: breachdesk/facts/v1\ntimeline: {discovered_at: 2026-03-02T09:00:00Z}\nharms: [{type: spam}]\n"))
	f.Add([]byte("a: &a [*a]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fs, err := Parse(data)
		if err == nil && ((fs.Schema != Schema && fs.Schema != SchemaV1) || fs.Timeline.DiscoveredAt.IsZero()) {
			t.Fatalf("accepted a document without schema or discovered_at: %q", data)
		}
		if err != nil && fault.CodeOf(err) != fault.Invalid {
			t.Fatalf("non-invalid error %v", err)
		}
	})
}

// TestEveryV1ExampleStillValidates reads each version 1 example both as
// written and relabelled as version 1.1: both are valid and mean the same.
func TestEveryV1ExampleStillValidates(t *testing.T) {
	names, err := filepath.Glob("../../examples/*.yaml")
	if err != nil || len(names) == 0 {
		t.Fatalf("no examples: %v", err)
	}
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), "schema: "+SchemaV1+"\n") {
			continue
		}
		v1, err := Parse(b)
		if err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		v11, err := Parse([]byte(strings.Replace(string(b), "schema: "+SchemaV1+"\n", "schema: "+Schema+"\n", 1)))
		if err != nil {
			t.Fatalf("%s as v1.1: %v", n, err)
		}
		v11.Schema = SchemaV1
		if !reflect.DeepEqual(v1, v11) {
			t.Errorf("%s means something else as v1.1:\n%+v\n%+v", n, v1, v11)
		}
	}
}

func TestVersionOneOneFields(t *testing.T) {
	doc := `schema: breachdesk/facts/v1.1
timeline: {discovered_at: 2026-03-02T09:00:00Z, first_alert_at: 2026-03-01T09:00:00Z, ought_to_have_known_at: 2026-03-01T12:00:00Z}
organisation: {vic_public_sector: true}
method: exposed_email_recipients
data: {categories: [contact], already_public: false, sensitive: true}
recipient: {relation: stranger, count: 1000, deletion_assurance: their_word, repeated: false}
effects: {availability: temporary, availability_hours: 36, availability_criticality: critical, business_impact_level: 3, exfiltrated: "no"}
protection: {restored: true, restored_at: 2026-03-03T21:00:00Z, restored_from: backup}
people: {already_aware: true, at_higher_risk: {count: 4, why: protected addresses}}
notification_constraints: {other_delay: national_security}
entities: [{name: Portal provider, notifies: true, notified: true, reference: OPC-2026-114}]
`
	f, err := Parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if f.Schema != Schema || *f.Recipient.Count != 1000 || f.Recipient.Relation != "stranger" || *f.Effects.BusinessImpactLevel != 3 ||
		*f.People.AtHigherRisk.Count != 4 || f.Protection.RestoredFrom != "backup" || f.Entities[0].Reference != "OPC-2026-114" ||
		f.Timeline.FirstAlertAt == nil || !*f.Organisation.VicPublicSector || f.NotificationConstraints.OtherDelay != "national_security" {
		t.Fatalf("parsed %+v", f)
	}
	// A document that says it is version 1 is read by version 1: the new
	// fields are refused there, with the version named.
	_, err = Parse([]byte(strings.Replace(doc, "v1.1", "v1", 1)))
	if fault.CodeOf(err) != fault.Invalid || !strings.Contains(err.Error(), "breachdesk/facts/v1:") || fault.FieldsOf(err)["/recipient"] == "" {
		t.Fatalf("v1.1 fields in a v1 document: %v", err)
	}
	for name, bad := range map[string]string{
		"relation":  "recipient: {relation: neighbour}",
		"level":     "effects: {business_impact_level: 6}",
		"assurance": "recipient: {deletion_assurance: promised}",
		"delay":     "notification_constraints: {other_delay: holidays}",
	} {
		_, err := Parse([]byte("schema: breachdesk/facts/v1.1\ntimeline: {discovered_at: 2026-03-02T09:00:00Z}\n" + bad + "\n"))
		if fault.CodeOf(err) != fault.Invalid {
			t.Errorf("%s: want invalid, got %v", name, err)
		}
	}
}
