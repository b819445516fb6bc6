package discover

// keyIndex maps the resolver's 64-bit keys to the first record that had
// them. It does what a map[uint64]int32 would, in the way this one use
// needs: lookups of random keys in a table far larger than the caches,
// each of which a Go map pays with two or three cache misses (its control
// word, then the slot). Here a bucket is one 64-byte cache line holding
// five keys and their records, so most lookups read one line.
//
// The keys are split by their top byte into 256 segments that grow one
// at a time, so growing copies a 256th of the table and never holds two
// copies of all of it: with tens of millions of keys that is what keeps a
// large scan under its memory limit.
type keyIndex struct {
	segs [256]keySegment
}

// bucketSlots is how many keys a bucket holds: five keys (40 bytes) and
// five records (20 bytes) fill a 64-byte cache line.
const bucketSlots = 5

type keyBucket struct {
	keys [bucketSlots]uint64 // 0 is an empty slot; slots fill in order
	recs [bucketSlots]int32
	_    uint32
}

type keySegment struct {
	buckets []keyBucket // a power of two of them
	n       int         // keys held
}

// maxLoad is the share of slots a segment fills before it doubles.
// Probing runs over whole buckets, so a high load costs little.
const maxLoad = 0.85

// newKeyIndex sizes the index for about keys keys.
func newKeyIndex(keys int) *keyIndex {
	t := &keyIndex{}
	per := keys / len(t.segs)
	for i := range t.segs {
		t.segs[i].resize(per)
	}
	return t
}

// resize makes the segment's table big enough for keys keys below the
// load limit, moving the keys it holds.
func (s *keySegment) resize(keys int) {
	n := 1
	for float64(n*bucketSlots)*maxLoad < float64(keys) {
		n *= 2
	}
	old := s.buckets
	s.buckets = make([]keyBucket, n)
	for i := range old {
		b := &old[i]
		for j := 0; j < bucketSlots && b.keys[j] != 0; j++ {
			s.place(b.keys[j], b.recs[j])
		}
	}
}

// place puts a key known to be absent into the first free slot of its
// probe sequence.
func (s *keySegment) place(k uint64, rec int32) {
	mask := uint64(len(s.buckets) - 1)
	for i := k & mask; ; i = (i + 1) & mask {
		b := &s.buckets[i]
		for j := range bucketSlots {
			if b.keys[j] == 0 {
				b.keys[j], b.recs[j] = k, rec
				return
			}
		}
	}
}

// firstOrAdd returns the record already held for k and true, or holds
// rec for k and returns rec and false. Key 0 marks empty slots, so it is
// stored as 1: two values whose hashes are 0 and 1 share a key, a chance
// of 2^-64 per pair like any other collision of the hashes.
func (t *keyIndex) firstOrAdd(k uint64, rec int32) (int32, bool) {
	if k == 0 {
		k = 1
	}
	s := &t.segs[k>>56]
	if float64(s.n+1) > float64(len(s.buckets)*bucketSlots)*maxLoad {
		s.resize(2 * s.n)
	}
	mask := uint64(len(s.buckets) - 1)
	for i := k & mask; ; i = (i + 1) & mask {
		b := &s.buckets[i]
		for j := range bucketSlots {
			switch b.keys[j] {
			case k:
				return b.recs[j], true
			case 0:
				b.keys[j], b.recs[j] = k, rec
				s.n++
				return rec, false
			}
		}
	}
}

// touch reads the first bucket k would be looked for in, so that the
// cache misses of a record's keys overlap rather than come one after
// another: the caller looks them all up after touching them all.
func (t *keyIndex) touch(k uint64) uint64 {
	s := &t.segs[k>>56]
	return s.buckets[k&uint64(len(s.buckets)-1)].keys[0]
}
