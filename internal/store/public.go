package store

import (
	"context"
	"database/sql"

	"github.com/breachdesk/breachdesk/internal/incident"
	"github.com/breachdesk/breachdesk/internal/notice"
)

const publishedCols = `id, incident_id, slug, title, description, html, text, published_at, published_by, withdrawn_at, not_direct`

func scanPublished(s scanner) (notice.Published, error) {
	var p notice.Published
	var at string
	var withdrawn sql.NullString
	err := s.Scan(&p.ID, &p.IncidentID, &p.Slug, &p.Title, &p.Description, &p.HTML, &p.Text, &at, &p.PublishedBy, &withdrawn, &p.NotDirect)
	p.PublishedAt, p.WithdrawnAt = parseTS(at), parseNTS(withdrawn)
	return p, err
}

// Publish stores a public notice and records it on the incident.
func (db *DB) Publish(ctx context.Context, byID int64, byName string, p notice.Published) (notice.Published, error) {
	p.PublishedAt, p.PublishedBy = db.Now(), byName
	err := db.tx(ctx, func(tx *Tx) error {
		if _, err := db.incident(ctx, tx, p.IncidentID); err != nil {
			return err
		}
		newID, err := insert(ctx, tx, `INSERT INTO public_notices (incident_id, slug, title, description, html, text, published_at, published_by, not_direct) VALUES (?,?,?,?,?,?,?,?,?)`,
			p.IncidentID, p.Slug, p.Title, p.Description, p.HTML, p.Text, ts(p.PublishedAt), byName, p.NotDirect)
		if err != nil {
			return err
		}
		p.ID = newID
		by := incident.Actor{UserID: byID, Name: byName}
		entry := "Published the public notice at /notices/" + p.Slug + "."
		if p.NotDirect != "" {
			entry += " People are not told directly because: " + p.NotDirect
		}
		if err := db.addEntry(ctx, tx, by, p.IncidentID, incident.EntryDecision, entry); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, by, "notice.publish", "public_notice:"+itoa(p.ID), p.IncidentID, map[string]any{"slug": p.Slug})
	})
	return p, err
}

// PublishedBySlug returns the notice at an address.
func (db *DB) PublishedBySlug(ctx context.Context, slug string) (notice.Published, error) {
	p, err := scanPublished(db.sql.QueryRowContext(ctx, `SELECT `+publishedCols+` FROM public_notices WHERE slug = ? AND withdrawn_at IS NULL`, slug))
	return p, notFound(err, "There is no notice at this address.")
}

// PublishedFor lists an incident's public notices, newest first.
func (db *DB) PublishedFor(ctx context.Context, incidentID int64) ([]notice.Published, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT `+publishedCols+` FROM public_notices WHERE incident_id = ? ORDER BY id DESC`, incidentID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []notice.Published
	for rows.Next() {
		p, err := scanPublished(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
