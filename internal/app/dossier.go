package app

import (
	"context"

	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/dossier"
	"github.com/breachdesk/breachdesk/internal/incident"
)

// Dossier collects an incident's record for export and notes the export
// (format "JSON" or "PDF") on its timeline.
func (a *App) Dossier(ctx context.Context, u *auth.User, id int64, format string) (*dossier.Dossier, error) {
	if err := may(u, auth.ExportIncident); err != nil {
		return nil, err
	}
	if _, _, err := a.Open(ctx, u, id, auth.ReadAccess); err != nil {
		return nil, err
	}
	d, err := dossier.Collect(ctx, a.Store, id, a.Now())
	if err != nil {
		return nil, err
	}
	_, err = a.Store.AddNote(ctx, actorOf(u), id, incident.EntryExport, "Exported the dossier ("+format+").")
	return d, err
}
