package discover

import (
	"math/rand/v2"
	"testing"
)

// TestKeyIndex checks the index against a Go map through many growths,
// with keys that share segments and buckets, and key 0.
func TestKeyIndex(t *testing.T) {
	for _, hint := range []int{0, 1000, 1 << 16} {
		idx := newKeyIndex(hint)
		want := map[uint64]int32{}
		r := rand.New(rand.NewPCG(5, uint64(hint)))
		var keys []uint64
		for i := range 200_000 {
			var k uint64
			switch {
			case len(keys) > 0 && r.IntN(3) == 0:
				k = keys[r.IntN(len(keys))] // seen before
			case r.IntN(50) == 0:
				k = uint64(r.IntN(1<<12)) << 40 // one segment, one home bucket: a long probe
			default:
				k = r.Uint64()
			}
			if k == 0 {
				k = 1 // as the index stores it
			}
			keys = append(keys, k)
			got, had := idx.firstOrAdd(k, int32(i))
			first, ok := want[k]
			if !ok {
				want[k] = int32(i)
				first = int32(i)
			}
			if had != ok || got != first {
				t.Fatalf("hint %d, key %#x at %d: got (%d, %v), want (%d, %v)", hint, k, i, got, had, first, ok)
			}
		}
		held := 0
		for i := range idx.segs {
			held += idx.segs[i].n
		}
		if held != len(want) {
			t.Fatalf("hint %d: the index holds %d keys, want %d", hint, held, len(want))
		}
	}
	idx := newKeyIndex(0)
	idx.firstOrAdd(0, 7)
	if got, had := idx.firstOrAdd(1, 9); !had || got != 7 {
		t.Fatalf("key 0 is stored as 1: got (%d, %v)", got, had)
	}
}
