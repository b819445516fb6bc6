package app

import (
	"context"
	"runtime"
	"sync"
)

// mergeTurns lets the merges of split scans running in this process go
// before new parts. A merge adds each part as soon as it and those before
// it are done; on a worker where the merge and the parts share the cores,
// the merge takes turns with them and falls behind, and a merge that ends
// seconds after the last part leaves every other worker idle meanwhile.
// So while a merge here has parts ready to add, at most GOMAXPROCS-1
// parts start scanning in this process (none on a one-core worker),
// leaving it a core; parts already scanning go on. A part done here also
// tells the merges at once, rather than at their next look.
type mergeTurns struct {
	cores   int // the cores to share (0: GOMAXPROCS)
	mu      sync.Mutex
	behind  int           // parts ready for this process's merges, not yet added
	running int           // parts scanning in this process
	turn    chan struct{} // closed (and replaced) when a part may start again
	done    chan struct{} // closed (and replaced) when a part here is done
}

// startPart waits until a part may start scanning and returns the
// function that says it has ended; an error is the context's.
func (m *mergeTurns) startPart(ctx context.Context) (func(), error) {
	for {
		m.mu.Lock()
		cores := m.cores
		if cores == 0 {
			cores = runtime.GOMAXPROCS(0)
		}
		if m.behind == 0 || m.running < cores-1 {
			m.running++
			m.mu.Unlock()
			return func() {
				m.mu.Lock()
				m.running--
				m.wake() // a core for a part that waits, when there are several
				m.mu.Unlock()
			}, nil
		}
		turn := m.waitTurn()
		m.mu.Unlock()
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-turn:
		}
	}
}

// partDone says a part was done here, waking the merges that wait.
func (m *mergeTurns) partDone() {
	m.mu.Lock()
	if m.done != nil {
		close(m.done)
		m.done = nil
	}
	m.mu.Unlock()
}

// parts returns a channel closed when a part is next done here.
func (m *mergeTurns) parts() <-chan struct{} {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.done == nil {
		m.done = make(chan struct{})
	}
	return m.done
}

// add counts n more parts ready for a merge here (less, when negative,
// as they are added), letting parts start once none is left.
func (m *mergeTurns) add(n int) {
	m.mu.Lock()
	m.behind += n
	if m.behind <= 0 {
		m.wake()
	}
	m.mu.Unlock()
}

// wake lets the parts that wait look again; m.mu is held.
func (m *mergeTurns) wake() {
	if m.turn != nil {
		close(m.turn)
		m.turn = nil
	}
}

// waitTurn returns the channel a waiting part waits on; m.mu is held.
func (m *mergeTurns) waitTurn() <-chan struct{} {
	if m.turn == nil {
		m.turn = make(chan struct{})
	}
	return m.turn
}
