package web

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/internal/app"
	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/blobs/blobstest"
	"github.com/breachdesk/breachdesk/internal/jobs"
)

// splitZip is an export of mixed files in which people appear in more
// than one file (an email in the CRM and in the HR file, a phone in the
// call log), so that only merging the parts joins them.
func splitZip(t *testing.T) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	add := func(name, body string) {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	var crm, hr, calls, notes strings.Builder
	crm.WriteString("first_name,last_name,email,country\n")
	hr.WriteString("[")
	calls.WriteString("when,phone,note\n")
	for i := range 120 {
		fmt.Fprintf(&crm, "Person%d,Family%d,person%d@example.nz,NZ\n", i, i%17, i)
		if i%3 == 0 {
			if i > 0 {
				hr.WriteString(",")
			}
			fmt.Fprintf(&hr, `{"email":"person%d@example.nz","phone":"+64 21 555 %04d","dob":"19%02d-0%d-1%d"}`, i, i, 50+i%40, 1+i%9, i%10)
		}
		if i%4 == 0 {
			fmt.Fprintf(&calls, "2026-11-0%d,+64 21 555 %04d,called back\n", 1+i%9, i)
		}
	}
	hr.WriteString("]")
	for i := range 40 {
		fmt.Fprintf(&notes, "Dear Person%d Family%d, we write about your account. Call us on 0800 555 %03d.\n\n", i, i%17, i)
	}
	add("export/crm/customers.csv", crm.String())
	add("export/hr/staff.json", hr.String())
	add("export/calls/log.csv", calls.String())
	add("export/letters/notes.txt", notes.String())
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// canonical is a scan's people with what depends on the order records
// were read in left out (the ids) and every list sorted, sorted. The
// identifiers are HMACs under each scan's own key, so only their types
// are compared.
func canonical(t *testing.T, people []byte) []string {
	var out []string
	for _, line := range strings.Split(strings.TrimSpace(string(people)), "\n") {
		var p map[string]any
		if err := json.Unmarshal([]byte(line), &p); err != nil {
			t.Fatal(err)
		}
		delete(p, "id")
		if ids, ok := p["identifiers"].([]any); ok {
			for i, id := range ids {
				ids[i] = id.(map[string]any)["type"]
			}
		}
		var sortLists func(v any)
		sortLists = func(v any) {
			switch v := v.(type) {
			case map[string]any:
				for _, x := range v {
					sortLists(x)
				}
			case []any:
				slices.SortFunc(v, func(a, b any) int { return strings.Compare(fmt.Sprint(a), fmt.Sprint(b)) })
			}
		}
		sortLists(p)
		b, _ := json.Marshal(p)
		out = append(out, string(b))
	}
	slices.Sort(out)
	return out
}

// A scan split into parts that two workers share finds the same people
// as one scan of the same upload, on a folder and on an S3-compatible
// store alike; the job counts its parts as they are done, and once it
// ends only its findings and people are left in the store.
func TestSplitScanAcrossWorkers(t *testing.T) {
	for _, kind := range blobstest.Kinds {
		t.Run(kind, func(t *testing.T) {
			f := newFixture(t).withOrg()
			bs, _ := blobstest.Open(t, kind, t.TempDir(), f.db.Sealer)
			f.srv.App.Blobs, f.srv.Files.Blobs = bs, bs
			po := f.user("po@example.org", auth.PrivacyOfficer, true)
			inc := f.incident(po, "Export on a public share")
			ctx := context.Background()
			zb := splitZip(t)
			scan := func(partBytes int64) *jobs.Job {
				f.srv.App.ScanPartBytes = partBytes
				j, err := f.srv.StartScan(ctx, &po, inc.ID, "", bytes.NewReader(zb), "export.zip")
				if err != nil {
					t.Fatal(err)
				}
				// Two workers, as two worker processes would be.
				ws, err := f.srv.Workers()
				if err != nil {
					t.Fatal(err)
				}
				for range 2 {
					q := f.queue(ws)
					if err := q.Start(ctx); err != nil {
						t.Fatal(err)
					}
					defer q.Stop(ctx)
				}
				for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(50 * time.Millisecond) {
					got, err := f.db.Job(ctx, j.ID)
					if err != nil {
						t.Fatal(err)
					}
					if got.Ended() {
						return got
					}
					if time.Now().After(deadline) {
						t.Fatalf("the scan did not end: %+v", got)
					}
				}
			}
			read := func(j *jobs.Job, name string) []byte {
				r, err := f.srv.ScanFile(ctx, &po, inc.ID, j.ID, name)
				if err != nil {
					t.Fatal(err)
				}
				defer r.Close()
				b, err := io.ReadAll(r)
				if err != nil {
					t.Fatal(err)
				}
				return b
			}
			one := scan(1 << 40)
			split := scan(2 << 10)
			if one.State != jobs.Done || split.State != jobs.Done {
				t.Fatalf("states: %s (%s), %s (%s)", one.State, one.Error, split.State, split.Error)
			}
			if one.Parts != 0 || split.Parts < 4 || split.PartsDone != split.Parts {
				t.Fatalf("parts: one scan %d, split %d of which %d done", one.Parts, split.Parts, split.PartsDone)
			}
			onePeople, splitPeople := canonical(t, read(one, "people.jsonl")), canonical(t, read(split, "people.jsonl"))
			if len(onePeople) < 100 || !slices.Equal(onePeople, splitPeople) {
				for i := range min(len(onePeople), len(splitPeople)) {
					if onePeople[i] != splitPeople[i] {
						t.Logf("first difference:\n%s\n%s", onePeople[i], splitPeople[i])
						break
					}
				}
				t.Fatalf("one scan found %d people, the split scan %d, or others", len(onePeople), len(splitPeople))
			}
			// The findings' ids come from each scan's own key, so only their
			// number can be compared across the two scans.
			if n1, n2 := bytes.Count(read(one, "findings.jsonl"), []byte("\n")), bytes.Count(read(split, "findings.jsonl"), []byte("\n")); n1 != n2 || n1 == 0 {
				t.Fatalf("findings: one scan %d, the split scan %d", n1, n2)
			}
			var r1, r2 app.ScanResult
			if err := json.Unmarshal([]byte(one.Result), &r1); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal([]byte(split.Result), &r2); err != nil {
				t.Fatal(err)
			}
			if r1.Listed != r2.Listed || r1.Unreachable != r2.Unreachable || !slices.Equal(r1.Categories, r2.Categories) ||
				fmt.Sprint(r1.ByJurisdiction) != fmt.Sprint(r2.ByJurisdiction) || r1.Summary.Findings != r2.Summary.Findings || !r2.UploadDeleted {
				t.Fatalf("results differ:\n%s\n%s", one.Result, split.Result)
			}
			// Left in the store: each part's findings and the people, no
			// upload, plan, member or partial list of people.
			var left []string
			if err := bs.List(ctx, "scans/", func(k string, _ int64) error { left = append(left, k); return nil }); err != nil {
				t.Fatal(err)
			}
			want := []string{"scans/job-" + strconv.FormatInt(one.ID, 10) + "/findings-00000.jsonl", "scans/job-" + strconv.FormatInt(one.ID, 10) + "/people.jsonl"}
			for k := range split.Parts {
				want = append(want, fmt.Sprintf("scans/job-%d/findings-%05d.jsonl", split.ID, k))
			}
			want = append(want, "scans/job-"+strconv.FormatInt(split.ID, 10)+"/people.jsonl")
			if !slices.Equal(left, want) {
				t.Fatalf("left in the store: %q", left)
			}
		})
	}
}

// A split scan's merge adds each part once however it is run: stopped
// while it waits for a part (as by a kill, or its timeout) and run again,
// and then run twice at once (as when River's rescuer takes a slow merge
// for dead), it finds the people one scan of the upload finds, and they
// are added to the incident's list once.
func TestSplitScanMergeRunAgain(t *testing.T) {
	f := newFixture(t).withOrg()
	po := f.user("po@example.org", auth.PrivacyOfficer, true)
	ctx := context.Background()
	a := f.srv.App
	zb := splitZip(t)
	start := func(title string, partBytes int64) (int64, *jobs.Job) {
		inc := f.incident(po, title)
		a.ScanPartBytes = partBytes
		j, err := f.srv.StartScan(ctx, &po, inc.ID, "", bytes.NewReader(zb), "export.zip")
		if err != nil {
			t.Fatal(err)
		}
		if err := a.RunScanJob(ctx, j.ID); err != nil {
			t.Fatal(err)
		}
		got, err := f.db.Job(ctx, j.ID)
		if err != nil {
			t.Fatal(err)
		}
		return inc.ID, got
	}
	people := func(incID int64, j *jobs.Job) ([]string, int) {
		r, err := f.srv.ScanFile(ctx, &po, incID, j.ID, "people.jsonl")
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		b, err := io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
		listed, err := f.db.AffectedPeople(ctx, incID)
		if err != nil {
			t.Fatal(err)
		}
		return canonical(t, b), len(listed)
	}
	oneInc, one := start("Export, scanned whole", 1<<40)
	if one.State != jobs.Done || one.Parts != 0 {
		t.Fatalf("one scan: %s, %d parts (%s)", one.State, one.Parts, one.Error)
	}
	splitInc, split := start("Export, scanned in parts", 2<<10)
	if split.Parts < 4 || split.Ended() {
		t.Fatalf("split scan: %s, %d parts", split.State, split.Parts)
	}
	half := split.Parts / 2
	for k := range half {
		if err := a.RunScanPart(ctx, split.ID, k, false); err != nil {
			t.Fatal(err)
		}
	}
	// Stopped while it waits for the other half.
	stop, cancel := context.WithTimeout(ctx, time.Second)
	err := a.RunScanMerge(stop, split.ID, false)
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a merge stopped while waiting returned %v", err)
	}
	for k := half; k < split.Parts; k++ {
		if err := a.RunScanPart(ctx, split.ID, k, false); err != nil {
			t.Fatal(err)
		}
	}
	// Run again, twice at once.
	errs := make(chan error, 2)
	for range 2 {
		go func() { errs <- a.RunScanMerge(ctx, split.ID, false) }()
	}
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	split, err = f.db.Job(ctx, split.ID)
	if err != nil || split.State != jobs.Done {
		t.Fatalf("the split scan: %+v (%v)", split, err)
	}
	onePeople, oneListed := people(oneInc, one)
	splitPeople, splitListed := people(splitInc, split)
	if len(onePeople) < 100 || !slices.Equal(onePeople, splitPeople) {
		t.Fatalf("one scan found %d people, the split scan merged again %d, or others", len(onePeople), len(splitPeople))
	}
	if oneListed == 0 || splitListed != oneListed {
		t.Fatalf("people added to the list: %d by one scan, %d by the split scan merged again", oneListed, splitListed)
	}
}
