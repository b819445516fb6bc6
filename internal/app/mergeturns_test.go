package app

import (
	"context"
	"testing"
	"time"
)

// While a merge in the process has parts ready to add, parts leave it a
// core: none starts on one core, one on two; parts already scanning go
// on, and waiting parts start once the merge has caught up or a running
// part has ended. A part done
// here wakes the merge at once. (A cancelled context shows whether a part
// would wait: it returns the context's error only then.)
func TestMergeTurnsLeaveTheMergeACore(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	mayStart := func(m *mergeTurns) (func(), bool) {
		end, err := m.startPart(cancelled)
		return end, err == nil
	}
	one := &mergeTurns{cores: 1}
	end, ok := mayStart(one)
	if !ok {
		t.Fatal("a part waited with no merge behind")
	}
	one.add(2) // the part above goes on scanning
	if _, ok := mayStart(one); ok {
		t.Fatal("a part started on one core while the merge had 2 parts to add")
	}
	one.add(-1)
	if _, ok := mayStart(one); ok {
		t.Fatal("a part started while the merge had a part to add")
	}
	started := make(chan error, 1)
	go func() {
		_, err := one.startPart(context.Background())
		started <- err
	}()
	one.add(-1)
	select {
	case err := <-started:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a waiting part did not start once the merge caught up")
	}
	end()

	two := &mergeTurns{cores: 2}
	two.add(1)
	end, ok = mayStart(two)
	if !ok {
		t.Fatal("no part started on two cores with the merge behind")
	}
	if _, ok := mayStart(two); ok {
		t.Fatal("a second part started on two cores with the merge behind")
	}
	two.mu.Lock()
	waiting := two.waitTurn() // what the part refused above waits on
	two.mu.Unlock()
	end() // the first part's core is free again
	select {
	case <-waiting:
	default:
		t.Fatal("a part ending did not wake the parts that wait")
	}
	if _, ok := mayStart(two); !ok {
		t.Fatal("no part started on two cores once the running one ended")
	}

	here := one.parts()
	one.partDone()
	select {
	case <-here:
	default:
		t.Fatal("a part done here did not wake the merge")
	}
}
