// Package spec embeds the contracts breachdesk shares with other tools:
// the facts document (input of assessments) and the assessment document
// (output). They are byte-for-byte copies of the shared originals; a test
// keeps them identical, and they change only by a new version.
package spec

import _ "embed"

// FactsSchema is spec/facts.schema.json: breachdesk/facts/v1.
//
//go:embed facts.schema.json
var FactsSchema []byte

// AssessmentSchema is spec/assessment.schema.json: breachdesk/assessment/v1.
//
//go:embed assessment.schema.json
var AssessmentSchema []byte
