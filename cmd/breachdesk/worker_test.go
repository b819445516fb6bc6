package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/internal/app"
	"github.com/breachdesk/breachdesk/internal/jobs"
)

// TestMain lets a test run this binary's main in a child process, so a
// test can kill it with SIGKILL as an operator's crash would.
func TestMain(m *testing.M) {
	if args := os.Getenv("BREACHDESK_TEST_MAIN"); args != "" {
		os.Exit(run(context.Background(), strings.Split(args, "\x1f"), os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// child starts breachdesk with args in a child process.
func child(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "BREACHDESK_TEST_MAIN="+strings.Join(args, "\x1f"))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
		if t.Failed() {
			t.Logf("%s:\n%s", args[0], out.String())
		}
	})
	return cmd
}

// waitFor polls cond every 20 ms until it holds or limit passes.
func waitFor(t *testing.T, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(limit); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("after %v: %s", limit, what)
		}
	}
}

// A worker killed with SIGKILL in the middle of a scan, and another
// killed the moment a scan's outcome is stored, leave jobs River runs
// again in the next worker; each scan's people, note and audit entries
// are applied once.
func TestKilledWorkerAppliesEachScanOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for River's rescuer (up to a minute)")
	}
	ctx := context.Background()
	data := t.TempDir()
	if code, _, errs := runCLI(t, "", "demo", "--data", data); code != 0 {
		t.Fatal(errs)
	}
	db, _, err := openData(ctx, &dataPlace{Dir: data})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	a, err := newApp(ctx, db, &dataPlace{Dir: data}, app.Config{}, 0, smtpFromEnv(), nil)
	if err != nil {
		t.Fatal(err)
	}
	qf := addQueueFlags(newFlags("test", &bytes.Buffer{}))
	if _, err := openQueue(ctx, db, a, qf, false, nil); err != nil {
		t.Fatal(err)
	}
	const rows = 40000
	var csv bytes.Buffer
	csv.WriteString("name,email,phone\n")
	for k := range rows {
		fmt.Fprintf(&csv, "Person %d,person%d@example.co.nz,+64 21 %03d %04d\n", k, k, k/10000, k%10000)
	}
	var ids []int64
	for k := range 2 {
		j, err := a.StartScan(ctx, app.System, 1, "", bytes.NewReader(csv.Bytes()), fmt.Sprintf("people-%d.csv", k))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, j.ID)
	}
	job := func(id int64) *jobs.Job {
		j, err := db.Job(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return j
	}
	worker := func() *exec.Cmd {
		return child(t, "worker", "--data", data, "--rescue-after", "5s", "--job-workers", "1")
	}
	// Killed mid-scan: the first scan is running, nothing is stored yet.
	w := worker()
	waitFor(t, 30*time.Second, "the first scan never started", func() bool { return job(ids[0]).State == jobs.Running })
	w.Process.Signal(syscall.SIGKILL)
	w.Wait()
	if j := job(ids[0]); j.Ended() {
		t.Skip("the scan ended before the kill: the machine is too fast for this input")
	}
	// Killed the moment the second scan's outcome is stored, before or
	// after River marks its job complete.
	w = worker()
	waitFor(t, 90*time.Second, "the first scan was not run again after the kill", func() bool { return job(ids[0]).Ended() })
	waitFor(t, 60*time.Second, "the second scan never ended", func() bool { return job(ids[1]).Ended() })
	w.Process.Signal(syscall.SIGKILL)
	w.Wait()
	w = worker()
	waitFor(t, 90*time.Second, "River's jobs were not all completed", func() bool {
		ds, err := db.QueueDepth(ctx)
		return err == nil && len(ds) == 0
	})
	w.Process.Signal(syscall.SIGTERM)
	w.Wait()

	people, err := db.AffectedPeople(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	perScan := map[string]int{}
	for _, p := range people {
		perScan[p.Source]++
	}
	for k, id := range ids {
		j := job(id)
		if j.State != jobs.Done || !strings.Contains(j.Result, fmt.Sprintf(`"listed":%d`, rows)) {
			t.Errorf("scan %d: %s %s %.200s", k, j.State, j.Error, j.Result)
		}
		if n := perScan[fmt.Sprintf("scan of people-%d.csv", k)]; n != rows {
			t.Errorf("scan %d added %d people, want %d once", k, n, rows)
		}
	}
	entries, err := db.Timeline(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	finished := 0
	for _, e := range entries {
		if strings.HasPrefix(e.Text, "Scan of people-") && strings.Contains(e.Text, "finished") {
			finished++
		}
	}
	if finished != 2 {
		t.Errorf("%d notes of a scan's end, want 2", finished)
	}
	if code, out, errs := runCLI(t, "", "audit", "verify", "--data", data); code != 0 {
		t.Errorf("audit chain: %s %s", out, errs)
	}
}
