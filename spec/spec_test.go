package spec

import (
	"bytes"
	"os"
	"testing"
)

// TestContractsMatchTheSharedOriginals keeps the copies identical to the
// shared contracts when those are beside the checkout.
func TestContractsMatchTheSharedOriginals(t *testing.T) {
	for name, ours := range map[string][]byte{"facts.schema.json": FactsSchema, "assessment.schema.json": AssessmentSchema} {
		shared, err := os.ReadFile("../../shared/spec/" + name)
		if err != nil {
			t.Skipf("shared contracts not beside the checkout: %v", err)
		}
		if !bytes.Equal(shared, ours) {
			t.Errorf("spec/%s differs from the shared contract", name)
		}
	}
}

// TestScanContractMatchesTheSharedOriginal keeps docs/scan-contract.md
// identical to the shared scan contract.
func TestScanContractMatchesTheSharedOriginal(t *testing.T) {
	shared, err := os.ReadFile("../../shared/spec/scan.md")
	if err != nil {
		t.Skipf("shared contracts not beside the checkout: %v", err)
	}
	ours, err := os.ReadFile("../docs/scan-contract.md")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(shared, ours) {
		t.Error("docs/scan-contract.md differs from the shared scan contract")
	}
}
