package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/breachdesk/breachdesk/internal/app"
	"github.com/breachdesk/breachdesk/internal/audit"
	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/demo"
	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/notify"
)

func cmdMigrate(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlags("migrate", stdout)
	data := dataFlag(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	db, applied, err := openData(ctx, data)
	if err != nil {
		return err
	}
	defer db.Close()
	version, err := db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	if len(applied) == 0 {
		fmt.Fprintf(stdout, "The database is up to date (schema version %d).\n", version)
		return nil
	}
	vs := make([]string, len(applied))
	for i, v := range applied {
		vs[i] = strconv.FormatInt(v, 10)
	}
	fmt.Fprintf(stdout, "Applied migrations %s; the database is at schema version %d.\n", strings.Join(vs, ", "), version)
	return nil
}

func cmdDemo(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlags("demo", stdout)
	data := dataFlag(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	db, _, err := openData(ctx, data)
	if err != nil {
		return err
	}
	defer db.Close()
	a, err := newApp(ctx, db, data, app.Config{}, 0, notify.SMTP{}, nil)
	if err != nil {
		return err
	}
	if err := demo.Load(ctx, a); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Demo loaded into %s. Accounts: ", data.Dir)
	for _, a := range demo.Accounts {
		fmt.Fprintf(stdout, "%s (%s) ", a.Email, a.Role.Label())
	}
	fmt.Fprintf(stdout, "\nPassword for all: %s\n", demo.Password)
	return nil
}

// readPassword takes the password from BREACHDESK_PASSWORD or the first
// line of standard input, so scripts never put it on a command line.
func readPassword(stdin io.Reader) (string, error) {
	if pw := os.Getenv("BREACHDESK_PASSWORD"); pw != "" {
		return pw, nil
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func cmdUser(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer) error {
	if len(args) == 0 {
		return &exitError{code: 2, err: errors.New("say add, passwd or list: breachdesk user add --email E --name N --role R")}
	}
	fs := newFlags("user "+args[0], stdout)
	data := dataFlag(fs)
	email := fs.String("email", "", "the account's email")
	name := fs.String("name", "", "the person's name (add)")
	role := fs.String("role", "reporter", "admin, privacy_officer, responder, viewer or reporter (add)")
	team := fs.Bool("team", false, "core member of the response team (add)")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	db, _, err := openData(ctx, data)
	if err != nil {
		return err
	}
	defer db.Close()
	switch args[0] {
	case "list":
		users, err := db.Users(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tEMAIL\tNAME\tROLE\tTEAM\tSTATUS")
		for _, u := range users {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%v\t%s\n", u.ID, u.Email, u.Name, u.Role, u.ResponseTeam, map[bool]string{true: "disabled", false: "active"}[u.Disabled])
		}
		return tw.Flush()
	case "add", "passwd":
		pw, err := readPassword(stdin)
		if err != nil {
			return err
		}
		a, err := newApp(ctx, db, data, app.Config{}, 0, notify.SMTP{}, nil)
		if err != nil {
			return err
		}
		refused := func(err error) error {
			if fe := fault.FieldsOf(err); fe != nil {
				var msgs []string
				for _, m := range fe {
					msgs = append(msgs, m)
				}
				sort.Strings(msgs)
				return &exitError{code: 2, err: errors.New(strings.Join(msgs, " "))}
			}
			return err
		}
		if args[0] == "passwd" {
			if pw == "" {
				return &exitError{code: 2, err: errors.New("give the new password in BREACHDESK_PASSWORD or on the first line of standard input")}
			}
			u, err := db.UserByEmail(ctx, *email)
			if err != nil {
				return err
			}
			if err := a.UpdateUser(ctx, app.System, u, pw); err != nil {
				return refused(err)
			}
			fmt.Fprintf(stdout, "Password changed for %s; their sessions have ended and their API tokens are revoked.\n", u.Email)
			return nil
		}
		r, ok := auth.ParseRole(*role)
		if !ok {
			return &exitError{code: 2, err: fmt.Errorf("unknown role %q: use admin, privacy_officer, responder, viewer or reporter", *role)}
		}
		u, err := a.AddUser(ctx, app.System, auth.User{Email: *email, Name: *name, Role: r, ResponseTeam: *team}, pw)
		if err != nil {
			return refused(err)
		}
		fmt.Fprintf(stdout, "Added %s <%s> as %s (id %d).\n", u.Name, u.Email, u.Role.Label(), u.ID)
		return nil
	}
	return &exitError{code: 2, err: fmt.Errorf("unknown user command %q: use add, passwd or list", args[0])}
}

func cmdAudit(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "verify" {
		return &exitError{code: 2, err: errors.New("usage: breachdesk audit verify [--data DIR]")}
	}
	fs := newFlags("audit verify", stdout)
	data := dataFlag(fs)
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if _, err := os.Stat(data.Dir); err != nil {
		return fmt.Errorf("no data folder at %s", data.Dir)
	}
	db, _, err := openData(ctx, data)
	if err != nil {
		return err
	}
	defer db.Close()
	rep, err := db.VerifyAll(ctx)
	var br *audit.Break
	if errors.As(err, &br) {
		fmt.Fprintf(stdout, "BROKEN at entry %d: %s.\n%d entries before it are intact.\n", br.Seq, br.Reason, rep.Count)
		return &exitError{code: 1}
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "OK: the audit log's %d entries form an intact chain.\n", rep.Count)
	if rep.Signed {
		if rep.Unsigned > 0 {
			fmt.Fprintf(stdout, "MACs: the %d entries written since the audit key was made check under it; the %d before it are checked by their hashes only.\n", rep.Count-rep.Unsigned, rep.Unsigned)
		} else {
			fmt.Fprintln(stdout, "MACs: every entry checks under the audit key.")
		}
	}
	if rep.HeadFile != "" {
		fmt.Fprintf(stdout, "Heads: %d in %s, the last at entry %d, all present with their hashes.\n", rep.Heads, rep.HeadFile, rep.LastHead.Seq)
	}
	fmt.Fprintf(stdout, "Last entry: %d %s (keep this line apart from breachdesk to detect a later cut).\n", rep.Last.Seq, rep.Last.Hash)
	return nil
}

func cmdExport(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlags("export", stdout)
	data := dataFlag(fs)
	id := fs.Int64("id", 0, "the incident's number (INC-0012 is 12)")
	format := fs.String("format", "json", "json or pdf")
	out := fs.String("out", "", "file to write; standard output when empty")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *id <= 0 || (*format != "json" && *format != "pdf") {
		return &exitError{code: 2, err: errors.New("usage: breachdesk export --id N [--format json|pdf] [--out FILE]")}
	}
	db, _, err := openData(ctx, data)
	if err != nil {
		return err
	}
	defer db.Close()
	a, err := newApp(ctx, db, data, app.Config{}, 0, notify.SMTP{}, nil)
	if err != nil {
		return err
	}
	d, err := a.Dossier(ctx, app.System, *id, strings.ToUpper(*format))
	if err != nil {
		return errors.New(fault.MessageOf(err))
	}
	w := stdout
	if *out != "" {
		f, err := os.OpenFile(*out, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	if *format == "pdf" {
		return d.WritePDF(w)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(d)
}
