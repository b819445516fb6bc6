// Package spec embeds the contracts breachdesk shares with other tools:
// the facts document (input of assessments) and the assessment document
// (output). A contract changes only by a new version; the version 1
// files are byte-for-byte copies of the shared originals, and a test
// keeps them identical.
package spec

import _ "embed"

// FactsSchema is spec/facts.schema.json: breachdesk/facts/v1.1, which
// adds optional fields to version 1.
//
//go:embed facts.schema.json
var FactsSchema []byte

// FactsSchemaV1 is spec/facts-v1.schema.json: breachdesk/facts/v1, the
// shared original, by which version 1 documents are still read.
//
//go:embed facts-v1.schema.json
var FactsSchemaV1 []byte

// AssessmentSchema is spec/assessment.schema.json:
// breachdesk/assessment/v1.1, which adds an audience and optional fields
// to version 1.
//
//go:embed assessment.schema.json
var AssessmentSchema []byte

// AssessmentSchemaV1 is spec/assessment-v1.schema.json, the shared
// original of version 1.
//
//go:embed assessment-v1.schema.json
var AssessmentSchemaV1 []byte
