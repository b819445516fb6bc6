package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/breachdesk/breachdesk/internal/app"
	"github.com/breachdesk/breachdesk/internal/datadir"
	"github.com/breachdesk/breachdesk/internal/demo"
	"github.com/breachdesk/breachdesk/internal/evidence"
	"github.com/breachdesk/breachdesk/internal/notify"
	"github.com/breachdesk/breachdesk/internal/store"
	"github.com/breachdesk/breachdesk/internal/web"
)

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("serve", stderr)
	addr := fs.String("addr", env("BREACHDESK_ADDR", "127.0.0.1:8080"), "address to listen on (env BREACHDESK_ADDR)")
	data := dataFlag(fs)
	withDemo := fs.Bool("demo", envBool("BREACHDESK_DEMO", false), "load the demo organisation on first start (env BREACHDESK_DEMO)")
	secure := fs.Bool("secure-cookies", envBool("BREACHDESK_SECURE_COOKIES", false), "mark cookies Secure; set when users reach breachdesk over HTTPS (env BREACHDESK_SECURE_COOKIES)")
	baseURL := fs.String("base-url", env("BREACHDESK_BASE_URL", ""), "public address used in email links, e.g. https://breachdesk.example.org (env BREACHDESK_BASE_URL)")
	maxUpload := fs.Int("max-upload-mb", atoiOr(env("BREACHDESK_MAX_UPLOAD_MB", "25"), 25), "largest evidence file accepted, in MB (env BREACHDESK_MAX_UPLOAD_MB)")
	smtpAddr := fs.String("smtp-addr", env("BREACHDESK_SMTP_ADDR", ""), "SMTP server host:port for notification emails; empty turns email off (env BREACHDESK_SMTP_ADDR)")
	smtpFrom := fs.String("smtp-from", env("BREACHDESK_SMTP_FROM", "breachdesk@localhost"), "sender address of notification emails (env BREACHDESK_SMTP_FROM)")
	smtpUser := fs.String("smtp-username", env("BREACHDESK_SMTP_USERNAME", ""), "SMTP user name (env BREACHDESK_SMTP_USERNAME)")
	smtpPass := env("BREACHDESK_SMTP_PASSWORD", "")
	rulesDir := fs.String("rules", env("BREACHDESK_RULES", ""), "folder of the organisation's own rule packs (*.yaml) (env BREACHDESK_RULES)")
	maxScan := fs.Int("max-scan-upload-mb", atoiOr(env("BREACHDESK_MAX_SCAN_UPLOAD_MB", "512"), 512), "largest upload of exposed files to scan, in MB (env BREACHDESK_MAX_SCAN_UPLOAD_MB)")
	scanRoots := fs.String("scan-roots", env("BREACHDESK_SCAN_ROOTS", ""), "server folders a scan may be pointed at, separated by "+string(filepath.ListSeparator)+"; empty allows uploads only (env BREACHDESK_SCAN_ROOTS)")
	delivery := deliveryFlags(fs)
	rt := runtimeFlags(fs)
	noWorkers := fs.Bool("no-workers", envBool("BREACHDESK_NO_WORKERS", false), "serve the web only and leave background jobs to 'breachdesk worker' processes (env BREACHDESK_NO_WORKERS)")
	qf := addQueueFlags(fs)
	target := fs.Int("target-hours", atoiOr(env("BREACHDESK_TARGET_HOURS", "0"), 0), "internal target for 'as soon as practicable' notifications, in hours; default 72 (env BREACHDESK_TARGET_HOURS)")
	if err := parse(fs, args); err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	stopDebug, err := rt.apply(ctx, log)
	if err != nil {
		return err
	}
	defer stopDebug()
	if err := os.MkdirAll(data.Dir, 0o700); err != nil {
		return fmt.Errorf("cannot create the data folder %s: %w", data.Dir, err)
	}
	// One server per SQLite data folder; several servers share a
	// PostgreSQL database instead.
	if data.Database == "" {
		lock, err := datadir.Acquire(data.Dir, "serve")
		if err != nil {
			return err
		}
		defer lock.Release()
	}
	db, applied, err := openData(ctx, data)
	if err != nil {
		return err
	}
	defer db.Close()
	db.OnHeadError = func(err error) { log.Error("the audit head file could not be written", "error", err) }
	if len(applied) > 0 {
		log.Info("database migrated", "versions", applied)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %w", *addr, err)
	}
	url := "http://" + ln.Addr().String()
	if *baseURL == "" {
		*baseURL = url
	}
	var roots []string
	if *scanRoots != "" {
		roots = filepath.SplitList(*scanRoots)
	}
	a, err := newApp(ctx, db, data, app.Config{BaseURL: *baseURL, RulesDir: *rulesDir, TargetHours: *target,
		MaxScanUpload: int64(*maxScan) << 20, ScanRoots: roots}, int64(*maxUpload)<<20,
		notify.SMTP{Addr: *smtpAddr, From: *smtpFrom, Username: *smtpUser, Password: smtpPass}, log)
	if err != nil {
		return err
	}
	smtp := notify.SMTP{Addr: *smtpAddr, From: *smtpFrom, Username: *smtpUser, Password: smtpPass}
	if err := delivery.configure(a, data.Dir, smtp); err != nil {
		return err
	}
	// Background jobs run in this process beside the web server unless
	// --no-workers leaves them to worker processes; jobs are queued
	// either way.
	q, err := openQueue(ctx, db, a, qf, !*noWorkers, log)
	if err != nil {
		return err
	}
	users, err := db.CountUsers(ctx)
	if err != nil {
		return err
	}
	if *withDemo && users == 0 {
		if err := demo.Load(ctx, a); err != nil {
			return fmt.Errorf("loading the demo: %w", err)
		}
		fmt.Fprintf(stdout, "Demo organisation loaded. Sign in as privacy@demo.breachdesk.test (or admin@, responder@, viewer@, staff@) with password %s\n", demo.Password)
		users = len(demo.Accounts)
	}
	srv, err := web.New(a, web.Config{SecureCookies: *secure, MaxUpload: int64(*maxUpload) << 20, Webhooks: webhooksFromEnv()})
	if err != nil {
		return err
	}
	if users == 0 {
		fmt.Fprintf(stdout, "breachdesk is running at %s - open it to set up your organisation.\n", url)
	} else {
		fmt.Fprintf(stdout, "breachdesk is running at %s\n", url)
	}
	// Background jobs (scans, reminders) and the sending of notices to
	// people run in this process unless --no-workers leaves them to
	// worker processes.
	if !*noWorkers {
		if err := q.Start(ctx); err != nil {
			if ctx.Err() != nil {
				// Stopped (Ctrl-C, SIGTERM) while the queue was starting:
				// a stop like any other, not a failure to start.
				fmt.Fprintln(stdout, "breachdesk stopped")
				return nil
			}
			return fmt.Errorf("starting the job queue: %w", err)
		}
		defer stopQueue(q, log)
		deliveryCtx, stopDelivery := context.WithCancel(ctx)
		waitDelivery, err := delivery.start(deliveryCtx, a, log)
		if err != nil {
			stopDelivery()
			return err
		}
		defer func() {
			stopDelivery()
			waitDelivery()
		}()
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 5 * time.Minute, WriteTimeout: 5 * time.Minute, IdleTimeout: 2 * time.Minute}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		shut, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := hs.Shutdown(shut); err != nil && !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		srv.Wait()
		fmt.Fprintln(stdout, "breachdesk stopped")
		return nil
	}
}

// newApp wires the use cases to the database, the file store and
// the notifier; the web server, the demo and tests are built on it.
func newApp(ctx context.Context, db *store.DB, data *dataPlace, cfg app.Config, maxUpload int64, smtp notify.SMTP, log *slog.Logger) (*app.App, error) {
	n := &notify.Notifier{Store: db, SMTP: smtp, BaseURL: cfg.BaseURL, Log: log}
	cfg.ScanDir = filepath.Join(data.Dir, "scans")
	bs, err := data.fileStore(ctx)
	if err != nil {
		return nil, err
	}
	if err := bs.Check(ctx); err != nil {
		return nil, err
	}
	kf, err := keyFolder(ctx, db, data)
	if err != nil {
		return nil, err
	}
	sealer, err := kf.Unlock(ctx)
	if err != nil {
		return nil, fmt.Errorf("the data key: %w", err)
	}
	db.Sealer, bs.Sealer = sealer, sealer
	if maxUpload == 0 {
		maxUpload = evidence.DefaultMaxSize
	}
	files := &evidence.Files{Blobs: bs, MaxSize: maxUpload, Log: log}
	return app.New(ctx, db, cfg, files, n, log)
}

func atoiOr(s string, def int) int {
	if n, err := strconv.Atoi(s); err == nil && n > 0 {
		return n
	}
	return def
}
