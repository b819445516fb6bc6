// Package datadir guards the data folder: one breachdesk server at a time
// may use it. A second server would take the first one's running jobs and
// run them again; several servers belong to the PostgreSQL deployment.
package datadir

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// LockName is the lock file in the data folder.
const LockName = "breachdesk.lock"

// Lock is the data folder held by this process until Release.
type Lock struct{ f *os.File }

// ErrInUse is returned when another process holds the folder.
var ErrInUse = errors.New("the data folder is in use")

// Acquire takes the data folder for this process, for what it will do
// (e.g. "serve"), or says which process holds it. The lock is the
// operating system's (flock), so it ends with the process however the
// process ends: a crash leaves no stale lock behind.
func Acquire(dir, what string) (*Lock, error) {
	path := filepath.Join(dir, LockName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("cannot open the lock file %s: %w", path, err)
	}
	if err := tryLock(f); err != nil {
		holder, _ := os.ReadFile(path)
		f.Close()
		who := strings.TrimSpace(string(holder))
		if who == "" {
			who = "another process"
		}
		return nil, fmt.Errorf("%w: %s holds %s. Stop it first, or give this one another --data folder (several servers on one database need the PostgreSQL deployment): %w",
			ErrInUse, who, dir, err)
	}
	host, _ := os.Hostname() // only named to the next process refused; "" if it cannot be read
	note := fmt.Sprintf("breachdesk %s (pid %d on %s, since %s)\n", what, os.Getpid(), host, time.Now().UTC().Format(time.RFC3339))
	// The note names this process to the next one refused; the lock
	// itself does not depend on it.
	err = f.Truncate(0)
	if err == nil {
		_, err = f.WriteAt([]byte(note), 0)
	}
	if err != nil {
		unlock(f)
		f.Close()
		return nil, fmt.Errorf("cannot write the lock file %s: %w", path, err)
	}
	return &Lock{f: f}, nil
}

// Release lets another process take the folder.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	l.f.Truncate(0)
	err := unlock(l.f)
	if cerr := l.f.Close(); err == nil {
		err = cerr
	}
	l.f = nil
	return err
}
