package app

import (
	"context"
	"fmt"
	"sort"

	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/dossier"
	"github.com/breachdesk/breachdesk/internal/incident"
)

// Dossier collects an incident's record for export (its review and every
// notice given included: to regulators, to people through campaigns, to
// the public) and notes the export (format "JSON" or "PDF") on its
// timeline.
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
	cs, err := a.Store.Campaigns(ctx, id)
	if err != nil {
		return nil, err
	}
	for _, c := range cs {
		v, err := a.campaignView(ctx, c)
		if err != nil {
			return nil, err
		}
		at := c.CreatedAt
		if c.StartedAt != nil {
			at = *c.StartedAt
		}
		d.Notices = append(d.Notices, dossier.NoticeGiven{To: "the affected people", At: at, By: c.CreatedBy,
			Detail: fmt.Sprintf("Notice to individuals, stage %d (campaign %d, option %d): %d of %d messages settled; %s.", c.Stage, c.ID, c.Option, v.Progress.Final, v.Progress.Total, c.Status)})
	}
	sort.SliceStable(d.Notices, func(i, j int) bool { return d.Notices[i].At.Before(d.Notices[j].At) })
	_, err = a.Store.AddNote(ctx, actorOf(u), id, incident.EntryExport, "Exported the dossier ("+format+").")
	return d, err
}
