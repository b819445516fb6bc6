package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"os"
	"sync"

	"github.com/breachdesk/breachdesk/internal/audit"
	"github.com/breachdesk/breachdesk/internal/incident"
)

// appendAudit adds an entry at the end of the chain within tx. Write
// transactions are immediate, so no other writer can append in between.
func (db *DB) appendAudit(ctx context.Context, tx *Tx, by incident.Actor, action, object string, incidentID int64, details map[string]any) error {
	var prev *audit.Entry
	var p audit.Entry
	err := tx.QueryRowContext(ctx, `SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1`).Scan(&p.Seq, &p.Hash)
	switch {
	case err == nil:
		prev = &p
	case err != sql.ErrNoRows:
		return err
	}
	if details == nil {
		details = map[string]any{}
	}
	d, err := json.Marshal(details)
	if err != nil {
		return err
	}
	e := audit.Entry{At: db.Now(), ActorID: by.UserID, Actor: by.Name, Action: action, Object: object, IncidentID: incidentID, Details: string(d)}
	e.At = parseTS(ts(e.At)) // hash what is stored, to the nanosecond
	e.Seal(prev)
	if db.AuditKey != nil {
		e.MAC = audit.ComputeMAC(db.AuditKey, e.Hash)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO audit_log (seq, at, actor_id, actor, action, object, incident_id, details, prev_hash, hash, mac) VALUES (?,?,?,?,?,?,?,?,?,?,?)`,
		e.Seq, ts(e.At), e.ActorID, e.Actor, e.Action, e.Object, e.IncidentID, e.Details, e.PrevHash, e.Hash, e.MAC)
	if err == nil {
		db.heads.set(tx, audit.Head{Seq: e.Seq, Hash: e.Hash})
	}
	return err
}

// heads holds the chain's new head per open transaction, written to the
// head file once the transaction commits.
type heads struct {
	mu      sync.Mutex
	pending map[*Tx]audit.Head
	// commit serialises commit-and-append, so the file's lines follow
	// the order of the commits.
	commit sync.Mutex
}

func (h *heads) set(tx *Tx, head audit.Head) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.pending == nil {
		h.pending = map[*Tx]audit.Head{}
	}
	h.pending[tx] = head
}

func (h *heads) take(tx *Tx) (audit.Head, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	head, ok := h.pending[tx]
	delete(h.pending, tx)
	return head, ok
}

// commit commits tx and appends the chain's new head, if it has one, to
// the head file. A failure to append is reported to OnHeadError: the
// change itself is committed.
func (db *DB) commit(tx *Tx) error {
	db.heads.commit.Lock()
	defer db.heads.commit.Unlock()
	head, ok := db.heads.take(tx)
	if err := tx.Commit(); err != nil {
		return err
	}
	if !ok || db.AuditHead == "" {
		return nil
	}
	if err := appendLine(db.AuditHead, head.String()); err != nil && db.OnHeadError != nil {
		db.OnHeadError(err)
	}
	return nil
}

func appendLine(path, line string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(line + "\n"); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// AuditHash returns the hash of entry seq, and whether there is one.
func (db *DB) AuditHash(ctx context.Context, seq int64) (string, bool, error) {
	var h string
	err := db.sql.QueryRowContext(ctx, `SELECT hash FROM audit_log WHERE seq = ?`, seq).Scan(&h)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	return h, err == nil, err
}

// AuditHead returns the last entry's sequence number and hash.
func (db *DB) LastAudit(ctx context.Context) (audit.Head, error) {
	var h audit.Head
	err := db.sql.QueryRowContext(ctx, `SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1`).Scan(&h.Seq, &h.Hash)
	if errors.Is(err, sql.ErrNoRows) {
		return h, nil
	}
	return h, err
}

const auditCols = `seq, at, actor_id, actor, action, object, incident_id, details, prev_hash, hash, mac`

func scanAudit(rows *sql.Rows) (audit.Entry, error) {
	var e audit.Entry
	var at string
	err := rows.Scan(&e.Seq, &at, &e.ActorID, &e.Actor, &e.Action, &e.Object, &e.IncidentID, &e.Details, &e.PrevHash, &e.Hash, &e.MAC)
	e.At = parseTS(at)
	return e, err
}

// EachAudit streams the whole log in order.
func (db *DB) EachAudit(ctx context.Context, fn func(audit.Entry) error) error {
	rows, err := db.sql.QueryContext(ctx, `SELECT `+auditCols+` FROM audit_log ORDER BY seq`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return err
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return rows.Err()
}

// AuditForIncident returns the entries about one incident, oldest first.
func (db *DB) AuditForIncident(ctx context.Context, incidentID int64) ([]audit.Entry, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT `+auditCols+` FROM audit_log WHERE incident_id = ? ORDER BY seq`, incidentID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []audit.Entry
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// VerifyAll checks the chain and the MACs under db.AuditKey in one pass,
// then the head file at db.AuditHead against the log.
func (db *DB) VerifyAll(ctx context.Context) (audit.Report, error) {
	rep := audit.Report{Signed: db.AuditKey != nil, HeadFile: db.AuditHead}
	v := audit.Verifier{Key: db.AuditKey}
	err := db.EachAudit(ctx, v.Next)
	rep.Count, rep.Unsigned = v.Count, v.Unsigned
	if err != nil {
		return rep, err
	}
	if rep.Last, err = db.LastAudit(ctx); err != nil {
		return rep, err
	}
	if db.AuditHead == "" {
		return rep, nil
	}
	f, err := os.Open(db.AuditHead)
	if errors.Is(err, os.ErrNotExist) {
		if rep.Last.Seq > 0 && rep.Unsigned < rep.Count {
			return rep, &audit.Break{Seq: rep.Last.Seq, Reason: "the head file " + db.AuditHead + " is missing although signed entries exist: it was removed, so a cut at the log's end would not show"}
		}
		return rep, nil
	}
	if err != nil {
		return rep, err
	}
	defer f.Close()
	rep.Heads, rep.LastHead, err = audit.CheckHeads(f, func(seq int64) (string, bool, error) { return db.AuditHash(ctx, seq) })
	return rep, err
}

// SignedAudit says whether any audit entry carries a MAC.
func (db *DB) SignedAudit(ctx context.Context) (bool, error) {
	var signed bool
	err := db.sql.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM audit_log WHERE mac <> '')`).Scan(&signed)
	return signed, err
}
