package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/incident"
	"github.com/breachdesk/breachdesk/internal/register"
	"github.com/breachdesk/breachdesk/internal/store"
)

func cmdRegister(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer) error {
	if len(args) == 0 || (args[0] != "export" && args[0] != "import") {
		return &exitError{code: 2, err: errors.New("usage: breachdesk register export [--format csv|json|pdf] [--out FILE] | register import FILE")}
	}
	fs := newFlags("register "+args[0], stdout)
	data := dataFlag(fs)
	format := fs.String("format", "json", "csv, json or pdf (export)")
	out := fs.String("out", "", "file to write; standard output when empty (export)")
	as := fs.String("as", "", "email of the account the imported entries are recorded under (import; default the first administrator)")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	db, _, err := openData(ctx, data)
	if err != nil {
		return err
	}
	defer db.Close()
	o, err := db.Organisation(ctx)
	if err != nil && fault.CodeOf(err) != fault.NotFound {
		return err // not set up yet is fine: the register has no organisation name
	}
	if args[0] == "import" {
		if fs.NArg() != 1 {
			return &exitError{code: 2, err: errors.New("usage: breachdesk register import FILE (a JSON register export; - for standard input)")}
		}
		var r io.Reader = stdin
		if fs.Arg(0) != "-" {
			f, err := os.Open(fs.Arg(0))
			if err != nil {
				return &exitError{code: 2, err: err}
			}
			defer f.Close()
			r = f
		}
		doc, err := register.ReadJSON(r)
		if err != nil {
			return &exitError{code: 2, err: errors.New(fault.MessageOf(err))}
		}
		by, err := importer(ctx, db, *as)
		if err != nil {
			return err
		}
		n, err := register.Import(ctx, db, by, doc)
		if err != nil {
			return fmt.Errorf("imported %d entries, then: %v", n, err)
		}
		fmt.Fprintf(stdout, "Imported %d entries.\n", n)
		return nil
	}
	doc, err := register.Build(ctx, db, o.Name, register.Filter{}, time.Now())
	if err != nil {
		return err
	}
	doc.Location = o.Location()
	w := stdout
	if *out != "" {
		f, err := os.OpenFile(*out, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	switch *format {
	case "json":
		return doc.WriteJSON(w)
	case "csv":
		return doc.WriteCSV(w)
	case "pdf":
		return doc.WritePDF(w)
	}
	return &exitError{code: 2, err: fmt.Errorf("unknown --format %q: use csv, json or pdf", *format)}
}

// importer is the account imported entries are recorded under.
func importer(ctx context.Context, db *store.DB, email string) (incident.Actor, error) {
	if email != "" {
		u, err := db.UserByEmail(ctx, email)
		if err != nil {
			return incident.Actor{}, &exitError{code: 2, err: errors.New(fault.MessageOf(err))}
		}
		return incident.Actor{UserID: u.ID, Name: u.Name}, nil
	}
	users, err := db.Users(ctx)
	if err != nil {
		return incident.Actor{}, err
	}
	for _, u := range users {
		if u.Role == auth.Admin && !u.Disabled {
			return incident.Actor{UserID: u.ID, Name: u.Name}, nil
		}
	}
	return incident.Actor{}, &exitError{code: 2, err: errors.New("no administrator to record the import under: add one first (breachdesk user add --role admin …) or give --as EMAIL")}
}
