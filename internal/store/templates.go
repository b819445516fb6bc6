package store

import (
	"context"

	"github.com/breachdesk/breachdesk/internal/incident"
	"github.com/breachdesk/breachdesk/internal/notice"
)

// SaveTemplate stores a new version of a template, numbered after the last.
func (db *DB) SaveTemplate(ctx context.Context, byID int64, byName string, v notice.TemplateVersion) (notice.TemplateVersion, error) {
	v.CreatedAt, v.CreatedBy = db.Now(), byName
	err := db.tx(ctx, func(tx *Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) + 1 FROM notice_templates WHERE kind = ? AND lang = ?`, v.Kind, v.Lang).Scan(&v.Version); err != nil {
			return err
		}
		newID, err := insert(ctx, tx, `INSERT INTO notice_templates (kind, lang, version, body, note, created_at, created_by) VALUES (?,?,?,?,?,?,?)`,
			v.Kind, v.Lang, v.Version, v.Body, v.Note, ts(v.CreatedAt), byName)
		if err != nil {
			return err
		}
		v.ID = newID
		return db.appendAudit(ctx, tx, incident.Actor{UserID: byID, Name: byName}, "template.save", "template:"+string(v.Kind)+"/"+v.Lang, 0, map[string]any{"version": v.Version})
	})
	return v, err
}

func (db *DB) templates(ctx context.Context, query string, args ...any) ([]notice.TemplateVersion, error) {
	rows, err := db.sql.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []notice.TemplateVersion
	for rows.Next() {
		var v notice.TemplateVersion
		var at string
		if err := rows.Scan(&v.ID, &v.Kind, &v.Lang, &v.Version, &v.Body, &v.Note, &at, &v.CreatedBy); err != nil {
			return nil, err
		}
		v.CreatedAt = parseTS(at)
		out = append(out, v)
	}
	return out, rows.Err()
}

const templateCols = `id, kind, lang, version, body, note, created_at, created_by`

// TemplateVersions lists a template's versions, newest first.
func (db *DB) TemplateVersions(ctx context.Context, kind notice.Kind, lang string) ([]notice.TemplateVersion, error) {
	return db.templates(ctx, `SELECT `+templateCols+` FROM notice_templates WHERE kind = ? AND lang = ? ORDER BY version DESC`, kind, lang)
}

// ActiveTemplates returns the newest version of each kind.
func (db *DB) ActiveTemplates(ctx context.Context, lang string) ([]notice.TemplateVersion, error) {
	return db.templates(ctx, `SELECT `+templateCols+` FROM notice_templates t WHERE lang = ? AND version = (SELECT MAX(version) FROM notice_templates WHERE kind = t.kind AND lang = t.lang)`, lang)
}
