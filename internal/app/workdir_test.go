package app

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
)

// The working folder of a process killed mid-part holds copies of
// exposed files: the next process on the machine deletes it, and leaves
// those of running processes and of other machines alone.
func TestWorkDirDeletesWhatStoppedProcessesLeft(t *testing.T) {
	a := &App{Config: Config{ScanDir: t.TempDir()}}
	host, _ := os.Hostname()
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Skip("no true command to make a stopped process")
	}
	root := filepath.Join(a.ScanDir, "work")
	names := map[string]bool{
		host + "~" + strconv.Itoa(dead.Process.Pid):   false, // deleted
		host + "~" + strconv.Itoa(os.Getppid()):       true,  // running
		"elsewhere~" + strconv.Itoa(dead.Process.Pid): true,  // another machine's
	}
	for name := range names {
		if err := os.MkdirAll(filepath.Join(root, name, "part-1"), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, name, "part-1", "clients.csv"), []byte("aroha@example.nz\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	dir := a.workDir()
	if filepath.Base(dir) != host+"~"+strconv.Itoa(os.Getpid()) {
		t.Fatalf("working folder %s", dir)
	}
	for name, kept := range names {
		if _, err := os.Stat(filepath.Join(root, name)); (err == nil) != kept {
			t.Errorf("%s: kept %v, want %v", name, err == nil, kept)
		}
	}
}
