package law

import (
	"bytes"
	"encoding/json"
	"math/rand"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/breachdesk/breachdesk/spec"
)

// TestOutputMatchesTheAssessmentContract validates assessments of the
// worked examples and of random facts against spec/assessment.schema.json.
func TestOutputMatchesTheAssessmentContract(t *testing.T) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(spec.AssessmentSchema))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("assessment.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	sch := c.MustCompile("assessment.schema.json")
	rules := mustRules(t)
	check := func(name string, a Assessment) {
		b, _ := json.Marshal(a)
		v, _ := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err := sch.Validate(v); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	for _, cs := range cases {
		check(cs.source, rules.Assess(parse(t, cs.facts), Options{At: aware}))
	}
	r := rand.New(rand.NewSource(5))
	for i := 0; i < 300; i++ {
		check("random", rules.Assess(randomFacts(r), Options{At: aware}))
	}
}
