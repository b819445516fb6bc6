package store

import (
	"bytes"
	"context"
	"os"
	"testing"

	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/incident"
	"github.com/breachdesk/breachdesk/internal/notice"
	"github.com/breachdesk/breachdesk/internal/store/schema"
	"github.com/breachdesk/breachdesk/internal/vault"
)

// Affected people are stored encrypted: the database file holds none of
// their details in the clear.
// A scan's list of people goes in batches; every one is stored, in order.
func testAffectedPeopleInBatches(t *testing.T, o opener) {
	ctx := context.Background()
	db, now := o.open(t)
	db.Sealer, _ = vault.Create(t.TempDir())
	po := mustUser(t, db, "po@example.org", auth.PrivacyOfficer)
	inc, err := db.CreateIncident(ctx, incident.Actor{UserID: po.ID, Name: po.Name}, "List", report(*now))
	if err != nil {
		t.Fatal(err)
	}
	n := 2*affectedBatch + 7
	people := make([]notice.Affected, n)
	for i := range people {
		people[i] = notice.Affected{Person: notice.Person{Name: "Person " + itoa(int64(i)), Email: "p" + itoa(int64(i)) + "@example.nz"}, AtRisk: i%2 == 0, Source: "scan"}
	}
	if err := db.AddAffected(ctx, po.ID, po.Name, inc.ID, people); err != nil {
		t.Fatal(err)
	}
	got, err := db.AffectedPeople(ctx, inc.ID)
	if err != nil || len(got) != n {
		t.Fatalf("%d of %d people stored (%v)", len(got), n, err)
	}
	for i, p := range got {
		if p.Email != people[i].Email || p.AtRisk != people[i].AtRisk {
			t.Fatalf("person %d: %+v, want %+v", i, p, people[i])
		}
	}
}

func testAffectedPeopleAreEncryptedAtRest(t *testing.T, o opener) {
	ctx := context.Background()
	db, now := o.open(t)
	po := mustUser(t, db, "po@example.org", auth.PrivacyOfficer)
	inc, _ := db.CreateIncident(ctx, incident.Actor{UserID: po.ID, Name: po.Name}, "List", report(*now))
	people := []notice.Affected{{Person: notice.Person{Name: "Aroha Ngata", Email: "aroha.unique@example.nz", Elements: []string{"health"}}, AtRisk: true, Source: "scan"},
		{Person: notice.Person{Name: "Ben Smith", Address: []string{"4 George St", "Sydney NSW 2000"}}}}
	if err := db.AddAffected(ctx, po.ID, po.Name, inc.ID, people); fault.CodeOf(err) != fault.Conflict {
		t.Fatalf("stored without a key: %v", err)
	}
	db.Sealer, _ = vault.Create(t.TempDir())
	if err := db.AddAffected(ctx, po.ID, po.Name, inc.ID, append(people, notice.Affected{Person: notice.Person{Name: "No Way"}})); fault.CodeOf(err) != fault.Invalid {
		t.Fatalf("a person without contact details: %v", err)
	}
	if err := db.AddAffected(ctx, po.ID, po.Name, inc.ID, people); err != nil {
		t.Fatal(err)
	}
	got, err := db.AffectedPeople(ctx, inc.ID)
	if err != nil || len(got) != 2 || got[0].Email != "aroha.unique@example.nz" || !got[0].AtRisk || got[1].Address[1] != "Sydney NSW 2000" {
		t.Fatalf("%v %+v", err, got)
	}
	if err := db.SetAtRisk(ctx, po.ID, po.Name, inc.ID, map[int64]bool{got[0].ID: false, got[1].ID: true}); err != nil {
		t.Fatal(err)
	}
	got, _ = db.AffectedPeople(ctx, inc.ID)
	if got[0].AtRisk || !got[1].AtRisk {
		t.Fatalf("at risk: %+v", got)
	}
	// What the database holds, as someone reading its files or its rows
	// without the key would see it.
	var raw []byte
	if o.dialect == schema.SQLite {
		if _, err := db.sql.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
			t.Fatal(err)
		}
		var seq int
		var name, file string
		if err := db.sql.QueryRowContext(ctx, "PRAGMA database_list").Scan(&seq, &name, &file); err != nil {
			t.Fatal(err)
		}
		if raw, err = os.ReadFile(file); err != nil || len(raw) == 0 {
			t.Fatalf("read the database file %q: %v", file, err)
		}
	} else {
		rows, err := db.sql.QueryContext(ctx, `SELECT source || encode(sealed, 'escape') FROM affected_people`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var row string
			if err := rows.Scan(&row); err != nil {
				t.Fatal(err)
			}
			raw = append(raw, row...)
		}
		rows.Close()
		if len(raw) == 0 {
			t.Fatal("no rows read")
		}
	}
	if bytes.Contains(raw, []byte("aroha.unique")) || bytes.Contains(raw, []byte("George St")) {
		t.Fatal("the database holds an affected person's details in the clear")
	}
	db.Sealer, _ = vault.Create(t.TempDir())
	if _, err := db.AffectedPeople(ctx, inc.ID); fault.CodeOf(err) != fault.Conflict {
		t.Fatalf("opened with another key: %v", err)
	}
}
