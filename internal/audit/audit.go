// Package audit is the tamper-evident record of every change: an
// append-only log in which each entry carries the hash of the one before,
// so that altering, removing or reordering any entry breaks the chain at
// that entry, and the verifier names it.
package audit

import (
	"bufio"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Genesis is the previous hash of the first entry.
const Genesis = "0000000000000000000000000000000000000000000000000000000000000000"

// Entry is one recorded change.
type Entry struct {
	Seq        int64
	At         time.Time
	ActorID    int64
	Actor      string
	Action     string // e.g. incident.triage, task.done
	Object     string // e.g. incident:12, task:40
	IncidentID int64  // 0 for changes outside any incident
	Details    string // JSON; never personal data of affected people
	PrevHash   string
	Hash       string
	// MAC is HMAC-SHA256 of Hash under the audit key, which is kept apart
	// from the database: whoever can write the database but does not hold
	// the key cannot make a changed or added entry check. Empty for
	// entries written before the key existed.
	MAC string
}

// ComputeMAC returns the MAC of a hash under key.
func ComputeMAC(key []byte, hash string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(hash))
	return hex.EncodeToString(m.Sum(nil))
}

// ComputeHash returns the hash of e's content chained to e.PrevHash. Every
// field takes part, each length-prefixed so no two entries encode alike.
func (e Entry) ComputeHash() string {
	var b strings.Builder
	for _, f := range []string{
		e.PrevHash, strconv.FormatInt(e.Seq, 10), e.At.UTC().Format(time.RFC3339Nano),
		strconv.FormatInt(e.ActorID, 10), e.Actor, e.Action, e.Object,
		strconv.FormatInt(e.IncidentID, 10), e.Details,
	} {
		b.WriteString(strconv.Itoa(len(f)))
		b.WriteByte(':')
		b.WriteString(f)
		b.WriteByte('\n')
	}
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:])
}

// Seal fills in PrevHash and Hash so e follows prev (nil for the first).
func (e *Entry) Seal(prev *Entry) {
	e.PrevHash = Genesis
	e.Seq = 1
	if prev != nil {
		e.PrevHash, e.Seq = prev.Hash, prev.Seq+1
	}
	e.Hash = e.ComputeHash()
}

// Break describes the first entry at which the chain does not hold.
type Break struct {
	Seq    int64
	Reason string
}

func (b *Break) Error() string { return fmt.Sprintf("audit entry %d: %s", b.Seq, b.Reason) }

// Verifier checks entries one at a time, in order, so a chain of any length
// is verified in constant memory.
type Verifier struct {
	prev  *Entry
	Count int64
	// Key, when set, is the audit key: every entry from the first that
	// carries a MAC on must carry the right one.
	Key    []byte
	macked bool
	// Unsigned counts the entries written before the audit key existed.
	Unsigned int64
}

// Next checks one entry against the one before; it returns a *Break at the
// first entry that was altered, removed, inserted or reordered.
func (v *Verifier) Next(e Entry) error {
	want := int64(1)
	prevHash := Genesis
	if v.prev != nil {
		want, prevHash = v.prev.Seq+1, v.prev.Hash
	}
	switch {
	case e.Seq != want:
		return &Break{Seq: e.Seq, Reason: fmt.Sprintf("expected entry %d here: an entry is missing or out of order", want)}
	case e.PrevHash != prevHash:
		return &Break{Seq: e.Seq, Reason: "its link to the previous entry does not match: the previous entry was changed or removed"}
	case e.ComputeHash() != e.Hash:
		return &Break{Seq: e.Seq, Reason: "its content does not match its hash: the entry was changed"}
	}
	if v.Key != nil {
		switch {
		case e.MAC == "" && v.macked:
			return &Break{Seq: e.Seq, Reason: "it has no MAC although the entries before it have: it was added or rewritten without the audit key"}
		case e.MAC == "":
			v.Unsigned++
		case !hmac.Equal([]byte(e.MAC), []byte(ComputeMAC(v.Key, e.Hash))):
			return &Break{Seq: e.Seq, Reason: "its MAC does not match under the audit key: the entry (or one before it) was rewritten and its hashes recomputed"}
		default:
			v.macked = true
		}
	}
	cp := e
	v.prev = &cp
	v.Count++
	return nil
}

// Store reads the log back. Appending happens inside the other stores'
// transactions, next to the change it records.
type Store interface {
	// EachAudit calls fn for every entry in order, stopping at fn's error.
	EachAudit(ctx context.Context, fn func(Entry) error) error
	AuditForIncident(ctx context.Context, incidentID int64) ([]Entry, error)
	// VerifyAll checks the whole log: the chain, each entry's MAC under
	// the audit key and the heads in the head file.
	VerifyAll(ctx context.Context) (Report, error)
}

// Report is what a full check found, up to the first break (the error).
type Report struct {
	// Entries checked, and of them those written before the audit key.
	Count, Unsigned int64
	// Signed says the MACs were checked (an audit key was given).
	Signed bool
	// Heads checked in the head file, and the last of them; HeadFile
	// is where the heads are ("" when none are kept).
	Heads    int
	LastHead Head
	HeadFile string
	// Last is the log's last entry: record it outside breachdesk to
	// detect later truncation too.
	Last Head
}

// Verify walks the whole log and returns the number of entries checked and
// the first break, if any. With a key it checks each entry's MAC too.
func Verify(ctx context.Context, s Store, key []byte) (int64, error) {
	v := Verifier{Key: key}
	err := s.EachAudit(ctx, v.Next)
	return v.Count, err
}

// Head is the end of the chain as a moment saw it: how many entries there
// were and the last one's hash. Appended to a file apart from the
// database after each change, the heads show a log cut short or rewritten
// even by someone who holds the audit key.
type Head struct {
	Seq  int64
	Hash string
}

// String is the head's line in the head file.
func (h Head) String() string { return strconv.FormatInt(h.Seq, 10) + " " + h.Hash }

// ParseHead reads a line of the head file.
func ParseHead(line string) (Head, error) {
	seq, hash, ok := strings.Cut(strings.TrimSpace(line), " ")
	n, err := strconv.ParseInt(seq, 10, 64)
	if !ok || err != nil || n <= 0 || len(hash) != 64 {
		return Head{}, fmt.Errorf("%q is not a head line (SEQ HASH)", line)
	}
	return Head{Seq: n, Hash: hash}, nil
}

// CheckHeads compares the heads recorded in a head file with the log:
// each head's entry must be in the log with the same hash, so entries
// removed from the end, or rewritten, show. The lines may come in any
// order (processes append as they commit). hashAt returns the hash of
// entry seq and whether it exists. It returns the number of heads
// checked and the furthest one.
func CheckHeads(r io.Reader, hashAt func(seq int64) (string, bool, error)) (n int, last Head, err error) {
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		h, err := ParseHead(sc.Text())
		if err != nil {
			return n, last, fmt.Errorf("head file line %d: %w", line, err)
		}
		hash, ok, err := hashAt(h.Seq)
		if err != nil {
			return n, last, err
		}
		if !ok {
			return n, last, &Break{Seq: h.Seq, Reason: fmt.Sprintf("the head file records entry %d, which the log no longer has: entries were removed from its end", h.Seq)}
		}
		if hash != h.Hash {
			return n, last, &Break{Seq: h.Seq, Reason: fmt.Sprintf("entry %d's hash is not the one the head file recorded: the log was rewritten from there or before", h.Seq)}
		}
		n++
		// Several processes may append to one head file (servers and
		// workers sharing a data folder), so lines need not be in order:
		// each is checked against the log on its own, and the furthest
		// is the last.
		if h.Seq > last.Seq {
			last = h
		}
	}
	return n, last, sc.Err()
}
