// Package app holds breachdesk's use cases, one function each: report,
// triage, escalate, move a step, tick a task, record an assessment or an
// obligation, scan exposed files, publish a notice, review, close; and
// first-run setup, the organisation's settings and people's accounts. The web
// pages, the JSON API, the command line, the demo loader and the
// background workers all call these functions, so a rule is enforced once
// and the same permission applies whichever way a person comes in.
//
// A use case takes the person acting (an *auth.User; System for the
// application itself), checks that they may act on the incident, applies
// the rules of the domain packages through the stores, and tells the
// people concerned. It knows nothing of HTTP or SQL.
package app

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/breachdesk/breachdesk/internal/audit"
	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/blobs"
	"github.com/breachdesk/breachdesk/internal/deliver"
	"github.com/breachdesk/breachdesk/internal/evidence"
	"github.com/breachdesk/breachdesk/internal/exercise"
	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/incident"
	"github.com/breachdesk/breachdesk/internal/jobs"
	"github.com/breachdesk/breachdesk/internal/law"
	"github.com/breachdesk/breachdesk/internal/notice"
	"github.com/breachdesk/breachdesk/internal/notify"
	"github.com/breachdesk/breachdesk/internal/org"
	"github.com/breachdesk/breachdesk/internal/plan"
)

// Store is everything the use cases keep, as one database provides it.
// Each part is a small interface of its domain package; a consumer that
// needs less asks for less.
type Store interface {
	incident.Store
	incident.EscalationStore
	incident.ExpertStore
	auth.Store
	auth.AttemptStore
	org.Store
	audit.Store
	notify.Store
	notice.Store
	notice.TemplateStore
	notice.PeopleStore
	notice.TextStore
	plan.Store
	exercise.Store
	jobs.Store
	deliver.Store
	deliver.ContactLog
	jobs.PeriodicStore
	jobs.DepthStore
	incident.DueStore
}

// Config holds the settings the use cases need.
type Config struct {
	// RulesDir holds the organisation's own rule packs, if any.
	RulesDir string
	// TargetHours is the organisation's target for "as soon as
	// practicable"; 0 means the engine's default of 72.
	TargetHours int
	// ScanDir is this process's working folder for scans: the files of
	// a part being scanned are copied there from the file store, and
	// removed when it is done. Data folders made before the file store
	// kept uploads and outputs there too, which are still read.
	ScanDir string
	// MaxScanUpload is the largest upload of exposed files, in bytes.
	MaxScanUpload int64
	// ScanPartBytes is the size of a scan's parts, which workers share
	// (DefaultScanPartBytes when 0).
	ScanPartBytes int64
	// ScanRoots are the server folders a scan may be pointed at; none
	// means uploads only.
	ScanRoots []string
	// BaseURL is the public address, for links in notices.
	BaseURL string
}

// App runs the use cases.
type App struct {
	Store Store
	Config
	// Rules decide obligations per law.
	Rules *law.Rules
	// Writer holds the notice templates in use: built in, or the
	// organisation's latest versions.
	Writer *notice.Templates
	Files  *evidence.Files
	// Blobs is the file store (files.Blobs): evidence, uploads to scan,
	// scans' outputs and parts, print runs.
	Blobs    *blobs.Store
	Notifier *notify.Notifier
	Log      *slog.Logger
	// Now is the clock; tests and the demo loader control it.
	Now func() time.Time
	// Delivery holds the settings for sending notices to people.
	Delivery DeliveryConfig
	// SMSGateway is the HTTP SMS provider, whose delivery reports the web
	// reads; nil with Kannel or no SMS.
	SMSGateway *deliver.HTTPGateway

	keysMu sync.Mutex
	dkeys  *deliveryKeys

	workOnce sync.Once // the scans' working folders of stopped processes deleted
	merges   mergeTurns
}

// New loads the rule packs and the notice templates in use and returns
// the application over st.
func New(ctx context.Context, st Store, cfg Config, files *evidence.Files, n *notify.Notifier, log *slog.Logger) (*App, error) {
	if cfg.MaxScanUpload == 0 {
		cfg.MaxScanUpload = 512 << 20
	}
	a := &App{Store: st, Config: cfg, Files: files, Blobs: files.Blobs, Notifier: n, Log: log, Now: func() time.Time { return time.Now().UTC() }}
	rules, err := law.Load(cfg.RulesDir)
	if err != nil {
		return nil, err
	}
	a.Rules = rules
	if a.Writer, err = notice.LoadTemplates("en"); err != nil {
		return nil, err
	}
	own, err := st.ActiveTemplates(ctx, "en")
	if err != nil {
		return nil, err
	}
	for _, v := range own {
		if err := a.Writer.Set(v.Kind, v.Body); err != nil {
			return nil, fmt.Errorf("saved %s template version %d: %w", v.Kind, v.Version, err)
		}
	}
	return a, nil
}

// System is the application acting on its own: escalation rules, the
// scanner, the demo loader and commands run by an operator.
var System = &auth.User{Name: "breachdesk", Role: auth.Admin}

// actorOf is who a change is recorded as.
func actorOf(u *auth.User) incident.Actor {
	if u == nil || u.ID == 0 {
		name := "breachdesk"
		if u != nil && u.Name != "" {
			name = u.Name
		}
		return incident.Actor{Name: name}
	}
	return incident.Actor{UserID: u.ID, Name: u.Name}
}

// Organisation returns the organisation, or an empty one (UTC) before
// setup. Any other failure is returned.
func (a *App) Organisation(ctx context.Context) (org.Organisation, error) {
	o, err := a.Store.Organisation(ctx)
	if fault.CodeOf(err) == fault.NotFound {
		return org.Organisation{TimeZone: "UTC"}, nil
	}
	return o, err
}

// logError records a failure that must not undo the change that caused
// it, such as a notification that could not be sent.
func (a *App) logError(what string, incidentID int64, err error) {
	if err != nil && a.Log != nil {
		a.Log.Error(what, "incident", incidentID, "error", err)
	}
}

// tell notifies people about an incident. The in-app message is the
// record; failures are logged, since the change that caused them stands.
func (a *App) tell(ctx context.Context, to []notify.Recipient, inc *incident.Incident, text string) {
	if a.Notifier == nil || len(to) == 0 {
		return
	}
	a.logError("notification", inc.ID, a.Notifier.Send(ctx, to, inc.ID, inc.Ref(), text))
}

// privacyOfficers are the people told about every new report: the
// privacy officers, or the administrators when there are none.
func (a *App) privacyOfficers(ctx context.Context) ([]notify.Recipient, error) {
	users, err := a.Store.Users(ctx)
	if err != nil {
		return nil, err
	}
	var pos, admins []notify.Recipient
	for _, u := range users {
		switch {
		case u.Disabled:
		case u.Role == auth.PrivacyOfficer:
			pos = append(pos, notify.Recipient{UserID: u.ID, Email: u.Email})
		case u.Role == auth.Admin:
			admins = append(admins, notify.Recipient{UserID: u.ID, Email: u.Email})
		}
	}
	if len(pos) == 0 {
		return admins, nil
	}
	return pos, nil
}

// tellPrivacyOfficers tells the privacy officers about an incident.
func (a *App) tellPrivacyOfficers(ctx context.Context, inc *incident.Incident, text string) {
	to, err := a.privacyOfficers(ctx)
	if err != nil {
		a.logError("finding the privacy officers to tell", inc.ID, err)
		return
	}
	a.tell(ctx, to, inc, text)
}
