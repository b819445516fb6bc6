package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"

	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/incident"
	"github.com/breachdesk/breachdesk/internal/notice"
)

// sealedPerson is what is encrypted for each affected person.
type sealedPerson struct {
	Name         string   `json:"name,omitempty"`
	Email        string   `json:"email,omitempty"`
	Phone        string   `json:"phone,omitempty"`
	Address      []string `json:"address,omitempty"`
	Elements     []string `json:"elements,omitempty"`
	Jurisdiction string   `json:"jurisdiction,omitempty"`
	Prefers      string   `json:"prefers,omitempty"`
}

func sealContext(incidentID int64) string { return "affected_people:incident:" + itoa(incidentID) }

// AddAffected adds people to an incident's list, all or none. The audit
// log records how many, never who.
func (db *DB) AddAffected(ctx context.Context, byID int64, byName string, incidentID int64, people []notice.Affected) error {
	if err := db.checkAffected(people); err != nil {
		return err
	}
	return db.tx(ctx, func(tx *Tx) error {
		return db.addAffected(ctx, tx, incident.Actor{UserID: byID, Name: byName}, incidentID, 0, people)
	})
}

// checkAffected refuses a list that cannot be stored.
func (db *DB) checkAffected(people []notice.Affected) error {
	if db.Sealer == nil {
		return fault.Errorf(fault.Conflict, "No data key is set up, so lists of people cannot be stored. Restart breachdesk with its data folder writable.")
	}
	for i := range people {
		if err := people[i].Validate(); err != nil {
			return fault.Errorf(fault.Invalid, "Person %d: %v.", i+1, err)
		}
	}
	return nil
}

// addAffected writes checked people, sealed, within tx; jobID names the
// background job that found them (0 for none).
// affectedBatch is how many people one INSERT adds (6 parameters each,
// well under SQLite's and PostgreSQL's limits on parameters).
const affectedBatch = 500

func (db *DB) addAffected(ctx context.Context, tx *Tx, by incident.Actor, incidentID, jobID int64, people []notice.Affected) error {
	// Rows go in batches of affectedBatch, one statement each: a scan's
	// hundreds of thousands of people are then a few hundred round trips
	// to the database, not one per person.
	const cols = 6
	var full *sql.Stmt
	defer func() {
		if full != nil {
			full.Close()
		}
	}()
	now := ts(db.Now())
	args := make([]any, 0, affectedBatch*cols)
	for start := 0; start < len(people); start += affectedBatch {
		batch := people[start:min(start+affectedBatch, len(people))]
		args = args[:0]
		for _, p := range batch {
			b, err := json.Marshal(sealedPerson{Name: p.Name, Email: p.Email, Phone: p.Phone, Address: p.Address, Elements: p.Elements, Jurisdiction: p.Jurisdiction, Prefers: p.Prefers})
			if err != nil {
				return err
			}
			args = append(args, incidentID, p.AtRisk, p.Source, db.Sealer.Seal(b, sealContext(incidentID)), now, nullID(jobID))
		}
		q := `INSERT INTO affected_people (incident_id, at_risk, source, sealed, created_at, job_id) VALUES ` +
			strings.TrimSuffix(strings.Repeat("(?,?,?,?,?,?),", len(batch)), ",")
		var err error
		if len(batch) == affectedBatch {
			if full == nil {
				if full, err = tx.PrepareContext(ctx, q); err != nil {
					return err
				}
			}
			_, err = full.ExecContext(ctx, args...)
		} else {
			_, err = tx.ExecContext(ctx, q, args...)
		}
		if err != nil {
			return err
		}
	}
	details := map[string]any{"count": len(people)}
	if jobID != 0 {
		details["job"] = jobID
	}
	if err := db.addEntry(ctx, tx, by, incidentID, incident.EntryEvidence, "Added "+itoa(int64(len(people)))+" people to the list of people to notify."); err != nil {
		return err
	}
	return db.appendAudit(ctx, tx, by, "people.add", "incident:"+itoa(incidentID), incidentID, details)
}

// AffectedPeople returns an incident's list, decrypted, in the order added.
func (db *DB) AffectedPeople(ctx context.Context, incidentID int64) ([]notice.Affected, error) {
	return db.affected(ctx, incidentID, `SELECT id, at_risk, source, sealed FROM affected_people WHERE incident_id = ? ORDER BY id`, incidentID)
}

// AffectedPage returns up to limit people of an incident's list after the
// person with id after, in the order added: a list of any size is read a
// page at a time.
func (db *DB) AffectedPage(ctx context.Context, incidentID, after int64, limit int) ([]notice.Affected, error) {
	return db.affected(ctx, incidentID, `SELECT id, at_risk, source, sealed FROM affected_people WHERE incident_id = ? AND id > ? ORDER BY id LIMIT ?`, incidentID, after, limit)
}

// AffectedPerson returns one person of an incident's list.
func (db *DB) AffectedPerson(ctx context.Context, incidentID, personID int64) (notice.Affected, error) {
	ps, err := db.affected(ctx, incidentID, `SELECT id, at_risk, source, sealed FROM affected_people WHERE incident_id = ? AND id = ?`, incidentID, personID)
	if err != nil {
		return notice.Affected{}, err
	}
	if len(ps) == 0 {
		return notice.Affected{}, fault.Errorf(fault.NotFound, "That person is not on this incident's list.")
	}
	return ps[0], nil
}

// AffectedPeopleByID returns the listed people among ids, by id: a page
// of messages is written with one read.
func (db *DB) AffectedPeopleByID(ctx context.Context, incidentID int64, ids []int64) (map[int64]notice.Affected, error) {
	out := make(map[int64]notice.Affected, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	in, args := joinIDs(ids)
	ps, err := db.affected(ctx, incidentID, `SELECT id, at_risk, source, sealed FROM affected_people WHERE incident_id = ? AND id IN (`+in+`)`, append([]any{incidentID}, args...)...)
	for _, p := range ps {
		out[p.ID] = p
	}
	return out, err
}

func (db *DB) affected(ctx context.Context, incidentID int64, q string, args ...any) ([]notice.Affected, error) {
	rows, err := db.sql.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []notice.Affected
	for rows.Next() {
		var a notice.Affected
		var sealed []byte
		if err := rows.Scan(&a.ID, &a.AtRisk, &a.Source, &sealed); err != nil {
			return nil, err
		}
		if db.Sealer == nil {
			return nil, fault.Errorf(fault.Conflict, "The list of people is encrypted and no data key is set up.")
		}
		plain, err := db.Sealer.Open(sealed, sealContext(incidentID))
		if err != nil {
			return nil, fault.Errorf(fault.Conflict, "The list of people cannot be decrypted: %v", err)
		}
		var p sealedPerson
		if err := json.Unmarshal(plain, &p); err != nil {
			return nil, err
		}
		a.Name, a.Email, a.Phone, a.Address, a.Elements, a.Jurisdiction, a.Prefers = p.Name, p.Email, p.Phone, p.Address, p.Elements, p.Jurisdiction, p.Prefers
		out = append(out, a)
	}
	return out, rows.Err()
}

// SetAtRisk records who is at risk.
func (db *DB) SetAtRisk(ctx context.Context, byID int64, byName string, incidentID int64, atRisk map[int64]bool) error {
	return db.tx(ctx, func(tx *Tx) error {
		n := 0
		for id, risk := range atRisk {
			res, err := tx.ExecContext(ctx, `UPDATE affected_people SET at_risk = ? WHERE id = ? AND incident_id = ?`, risk, id, incidentID)
			if err != nil {
				return err
			}
			if risk {
				if k, _ := res.RowsAffected(); k > 0 {
					n++
				}
			}
		}
		by := incident.Actor{UserID: byID, Name: byName}
		if err := db.addEntry(ctx, tx, by, incidentID, incident.EntryDecision, itoa(int64(n))+" people marked as at risk of serious harm (option 2 notifies only them)."); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, by, "people.at_risk", "incident:"+itoa(incidentID), incidentID, map[string]any{"at_risk": n})
	})
}
