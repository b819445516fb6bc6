package law

import (
	"strconv"
	"unsafe"
)

// An assessment writes about 260 obligations, each with a few short
// lists (reasons, missing facts, flips, exceptions) and strings (due
// rules). Allocated one by one, they were a third of the objects an
// assessment made, and the collector's work on them a good part of its
// time. A shelf hands out the backing arrays of many short lists from
// a few larger ones, and a texts writes many strings into a few byte
// buffers; neither ever writes where it handed out before, so what the
// assessment returns is as safe to keep and share as separately
// allocated lists and strings.

// shelf holds the free capacity lists are carved from.
type shelf[T any] struct {
	free []T
	n    int // how many elements a fresh block holds
}

// open is an empty list whose appends go into the shelf's free capacity
// while it lasts (and into an array of their own after).
func (s *shelf[T]) open() []T {
	if cap(s.free)-len(s.free) < 8 {
		s.free = make([]T, 0, max(s.n, 8))
	}
	return s.free[len(s.free):len(s.free)]
}

// close takes a list opened from the shelf back, with what was appended
// to it, and returns it with its capacity cut to its length, so that an
// append by its reader never writes into another list.
func (s *shelf[T]) close(l []T) []T {
	if len(l) == 0 {
		return l[:0:0]
	}
	rest := s.free[len(s.free):cap(s.free)]
	if len(rest) > 0 && unsafe.SliceData(l) == unsafe.SliceData(rest) {
		s.free = s.free[:len(s.free)+len(l)]
	}
	return l[:len(l):len(l)]
}

// put is a list of one element.
func (s *shelf[T]) put(v T) *T {
	l := append(s.open(), v)
	l = s.close(l)
	return &l[0]
}

// texts writes strings into shared byte buffers.
type texts struct {
	buf   []byte
	chunk int // how many bytes a fresh buffer holds (4 KB if not set)
}

// room makes sure the next n bytes fit in the current buffer, so that a
// string being written is never split over two.
func (t *texts) room(n int) {
	if cap(t.buf)-len(t.buf) < n {
		t.buf = make([]byte, 0, max(t.chunk, 4<<10, n))
	}
}

// join is the parts written one after the other.
func (t *texts) join(parts ...string) string {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	if n == 0 {
		return ""
	}
	t.room(n)
	start := len(t.buf)
	for _, p := range parts {
		t.buf = append(t.buf, p...)
	}
	return t.since(start)
}

// since is the string written from start, which is never written again.
func (t *texts) since(start int) string {
	if len(t.buf) == start {
		return ""
	}
	return unsafe.String(&t.buf[start], len(t.buf)-start)
}

// int is n in decimal, appended.
func (t *texts) int(n int64) { t.buf = strconv.AppendInt(t.buf, n, 10) }
