package store

import (
	"context"

	"github.com/breachdesk/breachdesk/internal/incident"
)

const evidenceCols = `id, incident_id, filename, content_type, size, sha256, description, uploaded_by_id, uploaded_by, uploaded_at`

func scanEvidence(s scanner) (incident.Evidence, error) {
	var e incident.Evidence
	var at string
	err := s.Scan(&e.ID, &e.IncidentID, &e.Filename, &e.ContentType, &e.Size, &e.SHA256, &e.Description, &e.UploadedByID, &e.UploadedBy, &at)
	e.UploadedAt = parseTS(at)
	return e, err
}

// AddEvidence records a file already written to the evidence folder.
func (db *DB) AddEvidence(ctx context.Context, by incident.Actor, e incident.Evidence) (incident.Evidence, error) {
	e.UploadedAt, e.UploadedByID, e.UploadedBy = db.Now(), by.UserID, by.Name
	err := db.tx(ctx, func(tx *Tx) error {
		if _, err := db.incident(ctx, tx, e.IncidentID); err != nil {
			return err
		}
		newID, err := insert(ctx, tx, `INSERT INTO evidence (incident_id, filename, content_type, size, sha256, description, uploaded_by_id, uploaded_by, uploaded_at) VALUES (?,?,?,?,?,?,?,?,?)`,
			e.IncidentID, e.Filename, e.ContentType, e.Size, e.SHA256, e.Description, by.UserID, by.Name, ts(e.UploadedAt))
		if err != nil {
			return err
		}
		e.ID = newID
		if err := db.addEntry(ctx, tx, by, e.IncidentID, incident.EntryEvidence, "Attached evidence "+e.Filename+" (SHA-256 "+e.SHA256[:12]+"…)."); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, by, "evidence.add", "evidence:"+itoa(e.ID), e.IncidentID, map[string]any{"sha256": e.SHA256, "size": e.Size, "content_type": e.ContentType})
	})
	return e, err
}

// EvidenceList returns an incident's evidence, oldest first.
func (db *DB) EvidenceList(ctx context.Context, incidentID int64) ([]incident.Evidence, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT `+evidenceCols+` FROM evidence WHERE incident_id = ? ORDER BY id`, incidentID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []incident.Evidence
	for rows.Next() {
		e, err := scanEvidence(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// EvidenceItem returns one piece of evidence of an incident.
func (db *DB) EvidenceItem(ctx context.Context, incidentID, evidenceID int64) (incident.Evidence, error) {
	e, err := scanEvidence(db.sql.QueryRowContext(ctx, `SELECT `+evidenceCols+` FROM evidence WHERE incident_id = ? AND id = ?`, incidentID, evidenceID))
	return e, notFound(err, "That evidence file was not found.")
}
