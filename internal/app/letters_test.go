package app_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/internal/app"
	"github.com/breachdesk/breachdesk/internal/deliver"
	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/notice"
	"github.com/breachdesk/breachdesk/internal/store"
)

// TestPrintRunAndReturnedMail: the letters of 12 people, 5 of them left
// by a print run that stopped, print into a run whose manifest names each
// reference once; the mail house's file of
// returned references marks those letters returned, and a file of
// references that are no letter of the incident is refused whole, naming
// the first ten lines and how many there are.
func TestPrintRunAndReturnedMail(t *testing.T) {
	ctx := context.Background()
	a := demoApp(t)
	var b strings.Builder
	b.WriteString("name,address,city,postcode,country\n")
	for i := 0; i < 12; i++ {
		fmt.Fprintf(&b, "Person %d,%d Queen Street,Auckland,1010,NZ\n", i, i+1)
	}
	if _, err := a.ImportPeople(ctx, app.System, 4, strings.NewReader(b.String())); err != nil {
		t.Fatal(err)
	}
	c, err := a.StartCampaign(ctx, app.System, 4, app.CampaignRequest{Option: notice.OptionAll, Practicable: "We hold every postal address.",
		Fallback: []deliver.Channel{deliver.Letter}, Override: "test"})
	if err != nil {
		t.Fatal(err)
	}
	// A worker queues the campaign's letters.
	wctx, cancel := context.WithCancel(ctx)
	stopped := make(chan error)
	go func() { stopped <- a.RunDelivery(wctx, &deliver.Worker{Owner: "test", Poll: 50 * time.Millisecond}) }()
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(50 * time.Millisecond) {
		v, err := a.Campaign(ctx, app.System, 4, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if v.Counts.Total("") == 12 && v.Status == deliver.CampaignRunning {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("letters not queued: %+v", v.Counts)
		}
	}
	cancel()
	if err := <-stopped; err != nil {
		t.Fatal(err)
	}
	// A print run that stopped half way holds 5 letters; once its lease
	// runs out the next run takes them with the 7 still queued.
	if es, err := a.Store.ClaimLetters(ctx, c.ID, "print stopped", 5); err != nil || len(es) != 5 {
		t.Fatalf("claimed %d: %v", len(es), err)
	}
	a.Store.(*store.DB).Now = func() time.Time { return time.Now().Add(31 * time.Minute) }
	run, err := a.PrintLetters(ctx, app.System, 4, c.ID, notice.A4)
	if err != nil {
		t.Fatal(err)
	}
	if run.Letters != 12 || len(run.Batches) != 1 || run.Pages < 12 {
		t.Fatalf("print run %+v", run)
	}
	f, err := a.PrintFile(ctx, app.System, 4, run.Manifest)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	refs := map[string]bool{}
	for _, r := range rows[1:] {
		refs[r[0]] = true
	}
	if len(rows) != 13 || len(refs) != 12 {
		t.Fatalf("manifest: %d rows, %d references", len(rows), len(refs))
	}
	returned := func() int {
		v, err := a.Campaign(ctx, app.System, 4, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		return v.Counts.Total(deliver.Returned)
	}
	n, err := a.ImportReturned(ctx, app.System, 4, strings.NewReader("reference,reason\n"+rows[1][0]+",Moved away\n"+rows[2][0]+",\n"))
	if err != nil || n != 2 || returned() != 2 {
		t.Fatalf("returned %d (%d counted): %v", n, returned(), err)
	}
	var wrong strings.Builder
	wrong.WriteString("reference\n" + rows[3][0] + "\n")
	for i := 0; i < 12; i++ {
		fmt.Fprintf(&wrong, "7Q2MK9DT4XRBH%03d\n", i)
	}
	_, err = a.ImportReturned(ctx, app.System, 4, strings.NewReader(wrong.String()))
	if fault.CodeOf(err) != fault.Invalid || !strings.HasPrefix(fault.MessageOf(err), "12 references are not letters of this incident, the first at line 3, line 4,") ||
		strings.Contains(fault.MessageOf(err), "line 13,") {
		t.Fatalf("unknown references: %v", err)
	}
	if returned() != 2 {
		t.Fatalf("a refused file marked letters returned: %d", returned())
	}
}
