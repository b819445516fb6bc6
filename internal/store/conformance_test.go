package store

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/internal/store/pgtest"
	"github.com/breachdesk/breachdesk/internal/store/schema"
)

// The conformance suite: every test of the store runs once on SQLite and
// once on PostgreSQL, the same code against both (River's riverdrivertest
// is the model). A test that only one engine passes is a bug in the
// store, not in the test.
var suite = []struct {
	name string
	fn   func(*testing.T, opener)
}{
	{"IncidentLifecycleIsStoredWithTimelineAndAudit", testIncidentLifecycleIsStoredWithTimelineAndAudit},
	{"BadInputChangesNothing", testBadInputChangesNothing},
	{"AuditLogIsAppendOnlyAndTamperingIsNamed", testAuditLogIsAppendOnlyAndTamperingIsNamed},
	{"ListFiltersSearchAndVisibility", testListFiltersSearchAndVisibility},
	{"AffectedPeopleAreEncryptedAtRest", testAffectedPeopleAreEncryptedAtRest},
	{"AffectedPeopleInBatches", testAffectedPeopleInBatches},
	{"ExerciseLifecycle", testExerciseLifecycle},
	{"PlanReviewPeriod", testPlanReviewPeriod},
	{"JobQueue", testJobQueue},
	{"SplitJob", testSplitJob},
	{"PeriodicRunsOnce", testPeriodicRunsOnce},
	{"ConcurrentWritersLoseNothing", testConcurrentWritersLoseNothing},
	{"AuditChainFromSeveralProcesses", testAuditChainFromSeveralProcesses},
	{"TimesOrderAndRoundTrip", testTimesOrderAndRoundTrip},
	{"OverdueFollowsObligations", testOverdueFollowsObligations},
	{"OverdueFilterMatchesTheClocks", testOverdueFilterMatchesTheClocks},
	{"RecordingMeetsTheSuspectedBreachAssessment", testRecordingMeetsTheSuspectedBreachAssessment},
	{"DomainRulesHoldInTheStore", testDomainRulesHoldInTheStore},
	{"OutboxClaimsLeasesAndRecords", testOutboxClaimsLeasesAndRecords},
	{"SecretsAndReferences", testSecretsAndReferences},
	{"KeyRotationResealsDelivery", testKeyRotationResealsDelivery},
	{"AuditTruncationIsDetected", testAuditTruncationIsDetected},
	{"AuditRewriteWithoutTheKeyIsDetected", testAuditRewriteWithoutTheKeyIsDetected},
	{"AuditRewriteWithTheKeyIsDetectedByTheHeads", testAuditRewriteWithTheKeyIsDetectedByTheHeads},
	{"MissingHeadFileIsDetected", testMissingHeadFileIsDetected},
	{"KeysetPagingAndKeptCounts", testKeysetPagingAndKeptCounts},
	{"WorkflowRecordsRoundTrip", testWorkflowRecordsRoundTrip},
	{"SessionsAndThrottleAreShared", testSessionsAndThrottleAreShared},
	{"ThrottleRules", testThrottleRules},
	{"SessionsComeWithTheirUser", testSessionsComeWithTheirUser},
	{"ListsReadWhatIsStored", testListsReadWhatIsStored},
}

// opener opens a fresh, migrated database of one engine, and more
// handles on the same database as other processes would hold.
type opener struct {
	dialect schema.Dialect
	// addr returns a new, empty database's address.
	addr func(t *testing.T) string
}

// start is the tests' clock: 2 March 2026, 09:00 UTC.
var start = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// open returns a migrated database in a fresh place with a controlled
// clock.
func (o opener) open(t *testing.T) (*DB, *time.Time) {
	t.Helper()
	db := o.connect(t, o.addr(t))
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	now := start
	db.Now = func() time.Time { return now }
	return db, &now
}

// connect opens another handle on the database at addr, as another
// process would.
func (o opener) connect(t *testing.T, addr string) *DB {
	t.Helper()
	db, err := Open(context.Background(), addr)
	if err != nil {
		t.Fatal(err)
	}
	if db.Dialect() != o.dialect {
		t.Fatalf("%s opened as %s", addr, db.Dialect())
	}
	t.Cleanup(func() { db.Close() })
	return db
}

var (
	sqliteOpener = opener{dialect: schema.SQLite, addr: func(t *testing.T) string {
		return filepath.Join(t.TempDir(), "breachdesk.db")
	}}
	postgresOpener = opener{dialect: schema.Postgres, addr: func(t *testing.T) string { return pgtest.URL(t) }}
)

func runSuite(t *testing.T, o opener) {
	for _, c := range suite {
		t.Run(c.name, func(t *testing.T) { c.fn(t, o) })
	}
}

func TestSQLite(t *testing.T) { runSuite(t, sqliteOpener) }

func TestPostgres(t *testing.T) {
	pgtest.Base(t) // skipped without a database, failed under CI=true
	runSuite(t, postgresOpener)
}

// breachdesk's PostgreSQL connections run without JIT compilation, which
// cost more than the short queries of a page themselves.
func TestPostgresConnectionsRunWithoutJIT(t *testing.T) {
	db := postgresOpener.connect(t, pgtest.URL(t))
	var jit string
	if err := db.sql.QueryRowContext(context.Background(), `SHOW jit`).Scan(&jit); err != nil {
		t.Fatal(err)
	}
	if jit != "off" {
		t.Fatalf("jit is %q on breachdesk's connections, want off", jit)
	}
}
