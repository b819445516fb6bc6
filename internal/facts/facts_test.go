package facts

import (
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
		if err == nil && (fs.Schema != Schema || fs.Timeline.DiscoveredAt.IsZero()) {
			t.Fatalf("accepted a document without schema or discovered_at: %q", data)
		}
		if err != nil && fault.CodeOf(err) != fault.Invalid {
			t.Fatalf("non-invalid error %v", err)
		}
	})
}
