package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/breachdesk/breachdesk/internal/audit"
	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/incident"
	"github.com/breachdesk/breachdesk/internal/store/schema"
)

// signedLog is a log of a user and four incidents, signed under a key and
// with its heads in a file beside the database.
func signedLog(t *testing.T, o opener) (*DB, []byte) {
	t.Helper()
	ctx := context.Background()
	db, now := o.open(t)
	key := []byte("0123456789abcdef0123456789abcdef")
	db.AuditKey, db.AuditHead = key, filepath.Join(t.TempDir(), "audit.head")
	db.OnHeadError = func(err error) { t.Error(err) }
	u := mustUser(t, db, "a@example.org", auth.Reporter)
	for range 4 {
		if _, err := db.CreateIncident(ctx, incident.Actor{UserID: u.ID, Name: "a"}, "Lost USB stick", report(*now)); err != nil {
			t.Fatal(err)
		}
	}
	rep, err := db.VerifyAll(ctx)
	if err != nil || !rep.Signed || rep.Unsigned != 0 || rep.Heads != 5 || rep.LastHead != rep.Last {
		t.Fatalf("intact log: %+v %v", rep, err)
	}
	for _, trig := range []string{"audit_log_no_update", "audit_log_no_delete"} {
		drop := `DROP TRIGGER ` + trig
		if o.dialect == schema.Postgres {
			drop += ` ON audit_log`
		}
		if _, err := db.sql.ExecContext(ctx, drop); err != nil {
			t.Fatal(err)
		}
	}
	return db, key
}

func wantBreak(t *testing.T, db *DB, why string) {
	t.Helper()
	_, err := db.VerifyAll(context.Background())
	var br *audit.Break
	if !errors.As(err, &br) || !strings.Contains(br.Reason, why) {
		t.Fatalf("want a break saying %q, got %v", why, err)
	}
}

// Deleting the last entries left a chain that verified; the head file
// shows the cut.
func testAuditTruncationIsDetected(t *testing.T, o opener) {
	db, _ := signedLog(t, o)
	if _, err := db.sql.ExecContext(context.Background(), `DELETE FROM audit_log WHERE seq > 3`); err != nil {
		t.Fatal(err)
	}
	wantBreak(t, db, "removed from its end")
}

// Editing an entry and recomputing the later hashes verified; without the
// audit key the MACs cannot be recomputed.
func testAuditRewriteWithoutTheKeyIsDetected(t *testing.T, o opener) {
	db, _ := signedLog(t, o)
	rewrite(t, db, nil)
	wantBreak(t, db, "MAC does not match")
}

// Even with the audit key, a rewrite changes hashes the head file
// recorded.
func testAuditRewriteWithTheKeyIsDetectedByTheHeads(t *testing.T, o opener) {
	db, key := signedLog(t, o)
	rewrite(t, db, key)
	wantBreak(t, db, "rewritten")
}

func testMissingHeadFileIsDetected(t *testing.T, o opener) {
	db, _ := signedLog(t, o)
	if err := os.Remove(db.AuditHead); err != nil {
		t.Fatal(err)
	}
	wantBreak(t, db, "head file")
}

// rewrite changes entry 2's actor and recomputes every later hash, and
// the MACs when it has the key, as someone with the database would.
func rewrite(t *testing.T, db *DB, key []byte) {
	t.Helper()
	var entries []audit.Entry
	if err := db.EachAudit(context.Background(), func(e audit.Entry) error { entries = append(entries, e); return nil }); err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(entries); i++ {
		e := &entries[i]
		if e.Seq == 2 {
			e.Actor = "mallory"
		}
		e.PrevHash = entries[i-1].Hash
		e.Hash = e.ComputeHash()
		if key != nil { // without it the old MAC stays
			e.MAC = audit.ComputeMAC(key, e.Hash)
		}
		if _, err := db.sql.ExecContext(context.Background(), `UPDATE audit_log SET actor = ?, prev_hash = ?, hash = ?, mac = ? WHERE seq = ?`, e.Actor, e.PrevHash, e.Hash, e.MAC, e.Seq); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := audit.Verify(context.Background(), db, nil); err != nil {
		t.Fatalf("the rewritten chain does not verify by its hashes: %v", err)
	}
}
