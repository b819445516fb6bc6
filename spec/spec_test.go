package spec

import (
	"bytes"
	"encoding/json"
	"os"
	"reflect"
	"slices"
	"testing"
)

// TestContractsMatchTheSharedOriginals keeps the version 1 copies
// identical to the shared contracts when those are beside the checkout.
// spec/facts.schema.json and spec/assessment.schema.json have moved on to
// version 1.1; their version 1 is kept as spec/*-v1.schema.json.
func TestContractsMatchTheSharedOriginals(t *testing.T) {
	for name, ours := range map[string][]byte{"facts.schema.json": FactsSchemaV1, "assessment.schema.json": AssessmentSchemaV1} {
		shared, err := os.ReadFile("../../shared/spec/" + name)
		if err != nil {
			t.Skipf("shared contracts not beside the checkout: %v", err)
		}
		if !bytes.Equal(shared, ours) {
			t.Errorf("spec/%s differs from the shared contract", name)
		}
	}
}

// TestScanContractMatchesTheSharedOriginal keeps docs/scan-contract-v1.md
// identical to the shared scan contract, version 1, which
// `breachdesk scan --contract 1` writes; docs/scan-contract.md is the
// current version, which must say that it extends it.
func TestScanContractMatchesTheSharedOriginal(t *testing.T) {
	shared, err := os.ReadFile("../../shared/spec/scan.md")
	if err != nil {
		t.Skipf("shared contracts not beside the checkout: %v", err)
	}
	v1, err := os.ReadFile("../docs/scan-contract-v1.md")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(shared, v1) {
		t.Error("docs/scan-contract-v1.md differs from the shared scan contract")
	}
	current, err := os.ReadFile("../docs/scan-contract.md")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(current, []byte("version 2")) || !bytes.Contains(current, []byte("scan-contract-v1.md")) {
		t.Error("docs/scan-contract.md does not say it is version 2 and extends version 1")
	}
}

// TestFactsVersionOneOneOnlyAdds checks that version 1.1 keeps every
// field, value and requirement of version 1: it only adds.
func TestFactsVersionOneOneOnlyAdds(t *testing.T) {
	onlyAdds(t, FactsSchemaV1, FactsSchema)
}

// TestAssessmentVersionOneOneOnlyAdds checks the same of the assessment:
// version 1.1 adds an audience and optional fields.
func TestAssessmentVersionOneOneOnlyAdds(t *testing.T) {
	onlyAdds(t, AssessmentSchemaV1, AssessmentSchema)
}

func onlyAdds(t *testing.T, old, new []byte) {
	t.Helper()
	var v1, v11 any
	if err := json.Unmarshal(old, &v1); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(new, &v11); err != nil {
		t.Fatal(err)
	}
	var walk func(path string, a, b any)
	walk = func(path string, a, b any) {
		switch x := a.(type) {
		case map[string]any:
			y, ok := b.(map[string]any)
			if !ok {
				t.Errorf("%s: no longer an object", path)
				return
			}
			for k, v := range x {
				switch {
				case k == "description" || k == "title" || k == "$id":
				case k == "required" && !reflect.DeepEqual(v, y[k]):
					t.Errorf("%s/required: %v became %v", path, v, y[k])
				case path == "/properties/schema" && k == "const":
					if !slices.Contains(y["enum"].([]any), v) {
						t.Errorf("%s: version 1 is no longer accepted", path)
					}
				default:
					walk(path+"/"+k, v, y[k])
				}
			}
		case []any:
			y, _ := b.([]any)
			for _, v := range x {
				if !slices.ContainsFunc(y, func(w any) bool { return reflect.DeepEqual(v, w) }) {
					t.Errorf("%s: %v was dropped", path, v)
				}
			}
		default:
			if !reflect.DeepEqual(a, b) {
				t.Errorf("%s: %v became %v", path, a, b)
			}
		}
	}
	walk("", v1, v11)
}

// TestRulesDocNamesEveryFactsField keeps docs/rules.md's field-by-field
// table in step with the facts schema.
func TestRulesDocNamesEveryFactsField(t *testing.T) {
	doc, err := os.ReadFile("../docs/rules.md")
	if err != nil {
		t.Fatal(err)
	}
	var schema map[string]any
	if err := json.Unmarshal(FactsSchema, &schema); err != nil {
		t.Fatal(err)
	}
	var walk func(prefix string, node map[string]any)
	walk = func(prefix string, node map[string]any) {
		props, _ := node["properties"].(map[string]any)
		for name, p := range props {
			child := p.(map[string]any)
			path := prefix + name
			if items, ok := child["items"].(map[string]any); ok && items["properties"] != nil {
				walk(path+"[].", items)
				continue
			}
			if child["properties"] != nil {
				walk(path+".", child)
				continue
			}
			if !bytes.Contains(doc, []byte("`"+path+"`")) {
				t.Errorf("docs/rules.md does not document %s", path)
			}
		}
	}
	walk("", schema)
}
