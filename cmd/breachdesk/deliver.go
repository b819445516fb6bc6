package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/mail"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/breachdesk/breachdesk/internal/app"
	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/deliver"
	"github.com/breachdesk/breachdesk/internal/notice"
	"github.com/breachdesk/breachdesk/internal/notify"
)

// deliveryOptions are the flags that send notices to people.
type deliveryOptions struct {
	from, replyTo, fallback          *string
	smtpTLS                          *string
	concurrency, perHour             *int
	perSecond                        *float64
	bounceListen, bounceMailbox      *string
	kannelURL, kannelUser, smsFrom   *string
	gatewayURL, gatewayBody, gwUser  *string
	gwID, gwStatus, gwOK, gwFailed   *string
	workerName                       *string
	smtpAddr, smtpUser, smtpPassword string
}

// deliveryFlags adds the flags of notices to people to serve's.
func deliveryFlags(fs *flag.FlagSet) *deliveryOptions {
	return &deliveryOptions{
		from:          fs.String("notice-from", env("BREACHDESK_NOTICE_FROM", ""), `sender of notices to affected people by email, e.g. "Northwind Health <privacy@northwind.example>"; empty: no email notices (env BREACHDESK_NOTICE_FROM)`),
		replyTo:       fs.String("notice-reply-to", env("BREACHDESK_NOTICE_REPLY_TO", ""), "where answers to notices go (env BREACHDESK_NOTICE_REPLY_TO)"),
		fallback:      fs.String("notice-channels", env("BREACHDESK_NOTICE_CHANNELS", "email,sms,letter"), "default order of channels after each person's usual method (env BREACHDESK_NOTICE_CHANNELS)"),
		smtpTLS:       fs.String("smtp-tls", env("BREACHDESK_SMTP_TLS", "starttls"), "TLS to the SMTP server for notices: starttls (required), opportunistic, tls (port 465) or none (env BREACHDESK_SMTP_TLS)"),
		concurrency:   fs.Int("smtp-concurrency", atoiOr(env("BREACHDESK_SMTP_CONCURRENCY", "8"), 8), "SMTP connections used at once for notices (env BREACHDESK_SMTP_CONCURRENCY)"),
		perSecond:     fs.Float64("smtp-rate", floatOr(env("BREACHDESK_SMTP_RATE", "0")), "most notice emails per second, 0 for no limit (env BREACHDESK_SMTP_RATE)"),
		perHour:       fs.Int("smtp-hourly", atoiOr(env("BREACHDESK_SMTP_HOURLY", "0"), 0), "most notice emails in any hour (a provider's quota), 0 for no limit (env BREACHDESK_SMTP_HOURLY)"),
		bounceListen:  fs.String("bounce-addr", env("BREACHDESK_BOUNCE_ADDR", ""), "address the inbound SMTP listener for bounces takes mail on, e.g. :2525; empty: no listener (env BREACHDESK_BOUNCE_ADDR)"),
		bounceMailbox: fs.String("bounce-mailbox", env("BREACHDESK_BOUNCE_MAILBOX", ""), "the address bounces are sent to (its MX is the listener); each message's return path is a signed variant of it (env BREACHDESK_BOUNCE_MAILBOX)"),
		kannelURL:     fs.String("sms-kannel-url", env("BREACHDESK_SMS_KANNEL_URL", ""), "Kannel smsbox sendsms address, e.g. http://127.0.0.1:13013/cgi-bin/sendsms; password in BREACHDESK_SMS_PASSWORD (env BREACHDESK_SMS_KANNEL_URL)"),
		kannelUser:    fs.String("sms-user", env("BREACHDESK_SMS_USER", ""), "user name at the SMS gateway (env BREACHDESK_SMS_USER)"),
		smsFrom:       fs.String("sms-from", env("BREACHDESK_SMS_FROM", ""), "sender id or number of text messages (env BREACHDESK_SMS_FROM)"),
		gatewayURL:    fs.String("sms-gateway-url", env("BREACHDESK_SMS_GATEWAY_URL", ""), "an HTTP SMS provider's send address (Twilio-style), used instead of Kannel (env BREACHDESK_SMS_GATEWAY_URL)"),
		gatewayBody:   fs.String("sms-gateway-body", env("BREACHDESK_SMS_GATEWAY_BODY", "To={{urlquery .To}}&From={{urlquery .From}}&Body={{urlquery .Text}}&StatusCallback={{urlquery .CallbackURL}}"), "body template of the provider's request (env BREACHDESK_SMS_GATEWAY_BODY)"),
		gwUser:        fs.String("sms-gateway-user", env("BREACHDESK_SMS_GATEWAY_USER", ""), "basic-auth user at the provider (e.g. an account SID); password in BREACHDESK_SMS_PASSWORD (env BREACHDESK_SMS_GATEWAY_USER)"),
		gwID:          fs.String("sms-gateway-id-field", env("BREACHDESK_SMS_GATEWAY_ID_FIELD", "sid"), "JSON field of the provider's answer holding its message id (env BREACHDESK_SMS_GATEWAY_ID_FIELD)"),
		gwStatus:      fs.String("sms-gateway-status-field", env("BREACHDESK_SMS_GATEWAY_STATUS_FIELD", "MessageStatus"), "field of the provider's delivery report holding the status (env BREACHDESK_SMS_GATEWAY_STATUS_FIELD)"),
		gwOK:          fs.String("sms-gateway-delivered", env("BREACHDESK_SMS_GATEWAY_DELIVERED", "delivered"), "statuses that mean delivered, comma-separated (env BREACHDESK_SMS_GATEWAY_DELIVERED)"),
		gwFailed:      fs.String("sms-gateway-failed", env("BREACHDESK_SMS_GATEWAY_FAILED", "undelivered,failed"), "statuses that mean failed, comma-separated (env BREACHDESK_SMS_GATEWAY_FAILED)"),
		workerName:    fs.String("worker-name", env("BREACHDESK_WORKER_NAME", ""), "this process's name in delivery leases; default host/pid (env BREACHDESK_WORKER_NAME)"),
	}
}

func floatOr(s string) float64 {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 {
		return 0
	}
	return f
}

// configure sets the application's delivery settings from the flags.
func (o *deliveryOptions) configure(a *app.App, dataDir string, smtp notify.SMTP) error {
	o.smtpAddr, o.smtpUser, o.smtpPassword = smtp.Addr, smtp.Username, smtp.Password
	cfg := app.DeliveryConfig{BounceAddr: strings.TrimSpace(*o.bounceMailbox)}
	if s := strings.TrimSpace(*o.from); s != "" {
		addr, err := mail.ParseAddress(s)
		if err != nil {
			return fmt.Errorf("--notice-from %q: %v", s, err)
		}
		cfg.From = addr
	}
	if s := strings.TrimSpace(*o.replyTo); s != "" {
		addr, err := mail.ParseAddress(s)
		if err != nil {
			return fmt.Errorf("--notice-reply-to %q: %v", s, err)
		}
		cfg.ReplyTo = addr
	}
	for _, c := range strings.Split(*o.fallback, ",") {
		ch, err := deliver.ParseChannel(strings.TrimSpace(c))
		if err != nil {
			return fmt.Errorf("--notice-channels: %v", err)
		}
		cfg.Fallback = append(cfg.Fallback, ch)
	}
	a.Delivery = cfg
	return nil
}

// start runs the delivery worker and, if asked, the bounce listener, in
// the background until ctx ends; the returned function waits for them.
func (o *deliveryOptions) start(ctx context.Context, a *app.App, log *slog.Logger) (func(), error) {
	w := &deliver.Worker{Owner: *o.workerName, Log: log}
	if w.Owner == "" {
		host, err := os.Hostname()
		if err != nil {
			host = "breachdesk"
		}
		w.Owner = fmt.Sprintf("%s/%d", host, os.Getpid())
	}
	if o.smtpAddr != "" && a.Delivery.From != nil {
		m, err := deliver.NewMailer(deliver.SMTPConfig{Addr: o.smtpAddr, Username: o.smtpUser, Password: o.smtpPassword, TLS: *o.smtpTLS,
			Concurrency: *o.concurrency, PerSecond: *o.perSecond, PerHour: *o.perHour})
		if err != nil {
			return nil, err
		}
		w.Mail = m
		a.Delivery.EmailReady = true
	}
	password := os.Getenv("BREACHDESK_SMS_PASSWORD")
	switch {
	case *o.kannelURL != "":
		w.SMS = &deliver.Kannel{URL: *o.kannelURL, Username: *o.kannelUser, Password: password, From: *o.smsFrom, Throttle: deliver.NewThrottle(*o.concurrency, 0, 0)}
	case *o.gatewayURL != "":
		body, err := deliver.ParseBodyTemplate(*o.gatewayBody)
		if err != nil {
			return nil, fmt.Errorf("--sms-gateway-body: %v", err)
		}
		a.SMSGateway = &deliver.HTTPGateway{URL: *o.gatewayURL, Body: body, Username: *o.gwUser, Password: password, From: *o.smsFrom,
			IDField: *o.gwID, StatusField: *o.gwStatus, DeliveredValues: splitComma(*o.gwOK), FailedValues: splitComma(*o.gwFailed),
			Throttle: deliver.NewThrottle(*o.concurrency, 0, 0)}
		w.SMS = a.SMSGateway
	}
	a.Delivery.SMSReady = w.SMS != nil
	done := make(chan struct{}, 2)
	n := 1
	go func() {
		if err := a.RunDelivery(ctx, w); err != nil {
			log.Error("delivery worker stopped", "error", err)
		}
		done <- struct{}{}
	}()
	if *o.bounceListen != "" {
		b, err := a.Bounces(ctx)
		if err != nil {
			return nil, err
		}
		if b == nil {
			return nil, fmt.Errorf("--bounce-addr needs --bounce-mailbox, the address bounces are sent to")
		}
		ln, err := net.Listen("tcp", *o.bounceListen)
		if err != nil {
			return nil, fmt.Errorf("cannot listen for bounces on %s: %w", *o.bounceListen, err)
		}
		bs := deliver.NewBounceServer(b, func(ctx context.Context, evs []deliver.Event) error {
			_, err := a.DeliveryEvents(ctx, evs)
			return err
		}, log)
		n++
		go func() {
			if err := bs.Serve(ln); err != nil {
				log.Error("bounce listener stopped", "error", err)
			}
			done <- struct{}{}
		}()
		go func() {
			<-ctx.Done()
			bs.Close()
		}()
		log.Info("listening for bounces", "addr", ln.Addr().String())
	}
	return func() {
		for i := 0; i < n; i++ {
			<-done
		}
		if w.Mail != nil {
			if err := w.Mail.Close(); err != nil {
				log.Warn("closing SMTP connections", "error", err)
			}
		}
	}, nil
}

func splitComma(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// cmdDeliver starts, follows, pauses, resumes and cancels notices to an
// incident's people, through the same use cases as the Notify pages.
func cmdDeliver(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError("breachdesk deliver start|status|pause|resume|cancel|print INCIDENT [CAMPAIGN] [flags], or deliver print-files INCIDENT RUN --out FOLDER")
	}
	verb, rest := args[0], args[1:]
	fs := newFlags("deliver "+verb, stderr)
	data := dataFlag(fs)
	as := fs.String("as", "", "the account the change is recorded under (default: the first administrator or privacy officer)")
	option := fs.Int("option", 1, "s 26WL option: 1 everyone, 2 only those at risk")
	practicable := fs.String("practicable", "", "why telling people directly is practicable (required to start)")
	channels := fs.String("channels", "", "order of channels after each person's usual method (default: the server's)")
	update := fs.Bool("update", false, "send the next stage, an update, to everyone already told")
	resend := fs.Bool("resend", false, "confirm sending this stage again to people who had it")
	override := fs.String("override", "", "why the notices go out although a check fails")
	paper := fs.String("paper", "a4", "paper of a print run: a4 or letter")
	out := fs.String("out", "", "print-files: the folder to write a print run's batches and manifest into, decrypted, for the mail house")
	pos, err := parsePositional(fs, rest)
	if err != nil {
		return err
	}
	if len(pos) < 1 {
		return usageError("name the incident, e.g. INC-0004")
	}
	id, err := incidentID(pos[0])
	if err != nil {
		return err
	}
	a, done, err := openOperatorApp(ctx, data)
	if err != nil {
		return err
	}
	defer done()
	u, err := operator(ctx, a, *as)
	if err != nil {
		return err
	}
	campaign := func() (int64, error) {
		if len(pos) < 2 {
			return 0, usageError("name the campaign (its number, see breachdesk deliver status)")
		}
		return strconv.ParseInt(pos[1], 10, 64)
	}
	switch verb {
	case "start":
		req := app.CampaignRequest{Option: notice.Option(*option), Practicable: *practicable, Update: *update, Resend: *resend, Override: *override}
		for _, c := range splitComma(*channels) {
			req.Fallback = append(req.Fallback, deliver.Channel(c))
		}
		c, err := a.StartCampaign(ctx, u, id, req)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Campaign %d (stage %d) recorded; a running breachdesk server or worker queues and sends it.\n", c.ID, c.Stage)
		return nil
	case "pause", "resume", "cancel":
		cid, err := campaign()
		if err != nil {
			return err
		}
		to := map[string]deliver.CampaignStatus{"pause": deliver.CampaignPaused, "resume": deliver.CampaignRunning, "cancel": deliver.CampaignCancelled}[verb]
		c, err := a.SetCampaign(ctx, u, id, cid, to)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Campaign %d is %s.\n", c.ID, c.Status)
		return nil
	case "print":
		cid, err := campaign()
		if err != nil {
			return err
		}
		p := notice.A4
		if *paper == "letter" {
			p = notice.Letter
		}
		run, err := a.PrintLetters(ctx, u, id, cid, p)
		if err != nil {
			return err
		}
		batches := strings.Join(run.Batches, ", ")
		if n := len(run.Batches); n > 3 {
			// A million letters are a thousand batches: name the first and the last.
			batches = fmt.Sprintf("%d, %s to %s", n, run.Batches[0], run.Batches[n-1])
		}
		fmt.Fprintf(stdout, "Print run %s: %d letters, %d pages, sealed in the file store %s (batches %s, manifest %s); 'breachdesk deliver print-files %s %s --out FOLDER' or the delivery page gives them for the mail house.\n", run.ID, run.Letters, run.Pages,
			a.Blobs.Where, batches, run.Manifest, pos[0], run.ID)
		return nil
	case "print-files":
		if len(pos) < 2 || *out == "" {
			return usageError("name the print run and the folder to write it into: deliver print-files INC-0004 RUN --out FOLDER")
		}
		names, err := a.PrintRunFiles(ctx, u, id, pos[1])
		if err != nil {
			return err
		}
		if err := os.MkdirAll(*out, 0o700); err != nil {
			return err
		}
		for _, name := range names {
			if err := copyPrintFile(ctx, a, u, id, name, filepath.Join(*out, name)); err != nil {
				return err
			}
		}
		fmt.Fprintf(stdout, "%d files of print run %s written to %s.\n", len(names), pos[1], *out)
		return nil
	case "status":
		cs, err := a.Campaigns(ctx, u, id)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "CAMPAIGN\tSTAGE\tSTATUS\tMESSAGES\tPENDING\tTOLD\tUNDELIVERED\tUNREACHABLE\tBY METHOD")
		for _, c := range cs {
			undelivered := 0
			for _, m := range c.Counts {
				for s, k := range m {
					if s.Undelivered() {
						undelivered += k
					}
				}
			}
			fmt.Fprintf(tw, "%d\t%d\t%s\t%d\t%d\t%d\t%d\t%d\t%s\n", c.ID, c.Stage, c.Status, c.Progress.Total, c.Counts.Pending(), c.Counts.Told(), undelivered, c.Unreachable, c.Counts.ByMethod())
		}
		return tw.Flush()
	}
	return usageError("unknown verb " + verb + ": use start, status, pause, resume, cancel or print")
}

func usageError(msg string) error { return &exitError{code: 2, err: errors.New(msg)} }

// parsePositional parses flags that may come before, between or after
// the positional arguments, and returns the positional ones.
func parsePositional(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := parse(fs, args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// incidentID reads an incident's reference: 12 or INC-0012.
func incidentID(s string) (int64, error) {
	id, err := strconv.ParseInt(strings.TrimPrefix(strings.ToUpper(s), "INC-"), 10, 64)
	if err != nil || id <= 0 {
		return 0, usageError(fmt.Sprintf("%q is not an incident number such as 12 or INC-0012", s))
	}
	return id, nil
}

// openOperatorApp opens the data for a command an operator runs, with
// print runs in the data folder; done closes it.
func openOperatorApp(ctx context.Context, data *dataPlace) (*app.App, func(), error) {
	db, _, err := openData(ctx, data)
	if err != nil {
		return nil, nil, err
	}
	a, err := newApp(ctx, db, data, app.Config{}, 0, notify.SMTP{}, nil)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return a, func() { db.Close() }, nil
}

// operator is the account a command acts as: the one named, else the
// first privacy officer, else the first administrator.
func operator(ctx context.Context, a *app.App, email string) (*auth.User, error) {
	users, err := a.Store.Users(ctx)
	if err != nil {
		return nil, err
	}
	var po, admin *auth.User
	for i := range users {
		u := &users[i]
		switch {
		case u.Disabled:
		case email != "" && strings.EqualFold(u.Email, email):
			return u, nil
		case u.Role == auth.PrivacyOfficer && po == nil:
			po = u
		case u.Role == auth.Admin && admin == nil:
			admin = u
		}
	}
	if email != "" {
		return nil, usageError("no active account " + email)
	}
	if po != nil {
		return po, nil
	}
	if admin != nil {
		return admin, nil
	}
	return nil, usageError("no privacy officer or administrator to act as: add one first (breachdesk user add …) or give --as EMAIL")
}

// cmdPeople imports the people to notify into an incident's list.
func cmdPeople(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "import" {
		return usageError("breachdesk people import INCIDENT FILE.csv [--data DIR] [--as EMAIL]")
	}
	fs := newFlags("people import", stderr)
	data := dataFlag(fs)
	as := fs.String("as", "", "the account the import is recorded under (default: the first privacy officer or administrator)")
	pos, err := parsePositional(fs, args[1:])
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return usageError("name the incident and the CSV file: breachdesk people import INC-0004 people.csv")
	}
	id, err := incidentID(pos[0])
	if err != nil {
		return err
	}
	f, err := os.Open(pos[1])
	if err != nil {
		return usageError(err.Error())
	}
	defer f.Close()
	a, done, err := openOperatorApp(ctx, data)
	if err != nil {
		return err
	}
	defer done()
	u, err := operator(ctx, a, *as)
	if err != nil {
		return err
	}
	n, err := a.ImportPeople(ctx, u, id, f)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d people added to INC-%04d's list, encrypted.\n", n, id)
	return nil
}

// webhooksFromEnv reads the secrets of the email providers' webhooks; a
// provider whose secret is not set has its webhook refused.
func webhooksFromEnv() *deliver.Webhooks {
	return &deliver.Webhooks{SESTopics: splitComma(os.Getenv("BREACHDESK_SES_TOPICS")), SendGridKey: os.Getenv("BREACHDESK_SENDGRID_KEY"),
		PostmarkUser: os.Getenv("BREACHDESK_POSTMARK_USER"), PostmarkPassword: os.Getenv("BREACHDESK_POSTMARK_PASSWORD"), MailgunKey: os.Getenv("BREACHDESK_MAILGUN_KEY")}
}

// copyPrintFile writes one file of a print run, decrypted, to dst, which
// must not exist yet.
func copyPrintFile(ctx context.Context, a *app.App, u *auth.User, id int64, name, dst string) error {
	r, err := a.PrintFile(ctx, u, id, name)
	if err != nil {
		return err
	}
	defer r.Close()
	f, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		os.Remove(dst)
		return fmt.Errorf("%s: %w", name, err)
	}
	return f.Close()
}
