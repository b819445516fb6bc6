// Command breachdesk runs the breach response platform and its tools:
// the web application, account management, audit verification, exports
// and the demo. Configuration comes from flags, each with a BREACHDESK_*
// environment variable as its default.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	_ "time/tzdata" // time zones work on machines without a zoneinfo database
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

const usage = `breachdesk: respond to personal-data breaches.

Usage:
  breachdesk serve [--addr HOST:PORT] [--data DIR] [--demo]   run the web application (and its background jobs unless --no-workers)
  breachdesk worker [--data DIR] [--database URL]             run background jobs without the web server
  breachdesk migrate [--data DIR | --database URL]            create or update the database schema (SQLite, or PostgreSQL)
  breachdesk demo [--data DIR]                                load the demo organisation into an empty database
  breachdesk user add --email E --name N --role R [--team]    add an account (password from BREACHDESK_PASSWORD or standard input)
  breachdesk user passwd --email E                            set an account's password
  breachdesk user list                                        list accounts
  breachdesk audit verify [--data DIR]                        check the audit log's hash chain
  breachdesk key check [--data DIR]                           say which data key the data needs and whether it is the one given
  breachdesk key rotate [--data DIR]                          seal everything again under a new data key (with the server stopped)
  breachdesk export --id N [--format json|pdf] [--out FILE]   export an incident's dossier
  breachdesk assess [--json] [--at TIME] [--rules DIR] FILE   decide what must be notified under each law (exit 2: invalid facts)
  breachdesk notice (ID | --facts FILE) --kind K [--format text|html|pdf] [--draft]
                                                              write a regulator report or a notice (exit 2: content missing)
  breachdesk register export [--format csv|json|pdf] [--out FILE]   the breach register
  breachdesk register import FILE                             bring in a register exported as JSON
  breachdesk scan [--findings F] [--people F] [--summary F] [--key HEX] [--reveal] PATH...   find personal data in exposed files
  breachdesk people import INCIDENT FILE.csv                  add the people to notify (encrypted) from a contact list
  breachdesk deliver start INCIDENT --practicable TEXT [--option 1|2] [--channels email,sms,letter] [--update] [--resend]
                                                              notify the people: a running server or worker sends it
  breachdesk deliver status|pause|resume|cancel|print INCIDENT [CAMPAIGN]   follow and steer notices to people
  breachdesk version                                          print the version

Run 'breachdesk COMMAND --help' for a command's flags and their environment variables.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// exitError carries an exit status other than 1.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch cmd, rest := args[0], args[1:]; cmd {
	case "serve":
		err = cmdServe(ctx, rest, stdout, stderr)
	case "worker":
		err = cmdWorker(ctx, rest, stdout, stderr)
	case "migrate":
		err = cmdMigrate(ctx, rest, stdout)
	case "demo":
		err = cmdDemo(ctx, rest, stdout)
	case "user":
		err = cmdUser(ctx, rest, stdin, stdout)
	case "audit":
		err = cmdAudit(ctx, rest, stdout)
	case "key":
		err = cmdKey(ctx, rest, stdout)
	case "export":
		err = cmdExport(ctx, rest, stdout)
	case "assess":
		err = cmdAssess(rest, stdin, stdout, stderr)
	case "notice":
		err = cmdNotice(ctx, rest, stdout, stderr)
	case "register":
		err = cmdRegister(ctx, rest, stdin, stdout)
	case "scan":
		err = cmdScan(ctx, rest, stdout, stderr)
	case "deliver":
		err = cmdDeliver(ctx, rest, stdout, stderr)
	case "people":
		err = cmdPeople(ctx, rest, stdout, stderr)
	case "version", "--version":
		fmt.Fprintln(stdout, "breachdesk", version)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
	default:
		fmt.Fprintf(stderr, "breachdesk: unknown command %q\n\n%s", cmd, usage)
		return 2
	}
	if err == nil {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil && ee.err.Error() != "" {
			fmt.Fprintln(stderr, "breachdesk:", ee.err)
		}
		return ee.code
	}
	fmt.Fprintln(stderr, "breachdesk:", err)
	return 1
}
