package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/internal/app"
	"github.com/breachdesk/breachdesk/internal/notice"
	"github.com/breachdesk/breachdesk/internal/notify"
	"github.com/breachdesk/breachdesk/internal/store"
)

// demoWithPeople loads the demo and seals one person on incident 1 under
// the key the server makes on its first start.
func demoWithPeople(t *testing.T) string {
	t.Helper()
	data := t.TempDir()
	if code, _, errs := runCLI(t, "", "demo", "--data", data); code != 0 {
		t.Fatal(errs)
	}
	db, err := startServer(data)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.AddAffected(context.Background(), 0, "test", 1, []notice.Affected{{Person: notice.Person{Name: "Aroha Ngata", Email: "aroha@example.nz"}}}); err != nil {
		t.Fatal(err)
	}
	return data
}

// startServer opens the data folder as serve does, unlocking its data
// key; the caller closes the database.
func startServer(data string) (*store.DB, error) {
	db, _, err := openData(context.Background(), &dataPlace{Dir: data})
	if err != nil {
		return nil, err
	}
	if _, err = newApp(context.Background(), db, &dataPlace{Dir: data}, app.Config{}, 0, notify.SMTP{}, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// serverStarts says whether serve would start on data.
func serverStarts(data string) error {
	db, err := startServer(data)
	if err == nil {
		db.Close()
	}
	return err
}

// With keys/data.key missing the server used to make a new key and start;
// the people sealed before could then never be read.
func TestServeRefusesMissingOrWrongKey(t *testing.T) {
	data := demoWithPeople(t)
	keyFile := filepath.Join(data, "keys", "data.key")
	right, _ := os.ReadFile(keyFile)
	os.Remove(keyFile)
	if err := serverStarts(data); err == nil || !strings.Contains(err.Error(), "missing") || !strings.Contains(err.Error(), "key id") {
		t.Fatalf("started without its key: %v", err)
	}
	os.WriteFile(keyFile, []byte(strings.Repeat("ab", 32)+"\n"), 0o600)
	if err := serverStarts(data); err == nil || !strings.Contains(err.Error(), "holds key id") {
		t.Fatalf("started with a wrong key: %v", err)
	}
	code, out, errs := runCLI(t, "", "key", "check", "--data", data)
	if code != 1 || !strings.Contains(out, "The data needs key id") || !strings.Contains(errs, "holds key id") {
		t.Fatalf("key check with the wrong key: %d %s %s", code, out, errs)
	}
	os.WriteFile(keyFile, right, 0o600)
	if err := serverStarts(data); err != nil {
		t.Fatal(err)
	}
}

func TestKeyRotateAndCheck(t *testing.T) {
	data := demoWithPeople(t)
	keyFile := filepath.Join(data, "keys", "data.key")
	before, _ := os.ReadFile(keyFile)
	code, out, errs := runCLI(t, "", "key", "rotate", "--data", data)
	if code != 0 || !strings.Contains(out, "1 people") {
		t.Fatalf("rotate: %d %s %s", code, out, errs)
	}
	after, _ := os.ReadFile(keyFile)
	if string(before) == string(after) {
		t.Fatal("the key did not change")
	}
	if code, out, _ := runCLI(t, "", "key", "check", "--data", data); code != 0 || !strings.Contains(out, "OK") {
		t.Fatalf("check after rotate: %d %s", code, out)
	}
	db, err := startServer(data)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ps, err := db.AffectedPeople(context.Background(), 1)
	if err != nil || len(ps) != 1 || ps[0].Name != "Aroha Ngata" {
		t.Fatalf("people after rotation: %v %v", ps, err)
	}
	if code, out, _ := runCLI(t, "", "audit", "verify", "--data", data); code != 0 {
		t.Fatalf("audit after rotation: %s", out)
	}
}

// A second server on the same data folder used to start and run the first
// one's scan again; now it is refused and told which process holds it.
func TestSecondServeIsRefused(t *testing.T) {
	data := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	var out, errb syncBuffer
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--data", data}, strings.NewReader(""), &out, &errb)
	}()
	for i := 0; i < 200 && !strings.Contains(out.String(), "running at"); i++ {
		time.Sleep(25 * time.Millisecond)
	}
	code, _, errs := runCLI(t, "", "serve", "--addr", "127.0.0.1:0", "--data", data)
	if code != 1 || !strings.Contains(errs, "pid "+strconv.Itoa(os.Getpid())) || !strings.Contains(errs, "in use") {
		t.Fatalf("second serve: %d %s", code, errs)
	}
	if code, _, errs := runCLI(t, "", "key", "rotate", "--data", data); code != 1 || !strings.Contains(errs, "in use") {
		t.Fatalf("rotate beside a running server: %d %s", code, errs)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("serve exited %d: %s", code, errb.String())
	}
}
