// Package audit is the tamper-evident record of every change: an
// append-only log in which each entry carries the hash of the one before,
// so that altering, removing or reordering any entry breaks the chain at
// that entry, and the verifier names it.
package audit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
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
}

// Verify walks the whole log and returns the number of entries checked and
// the first break, if any.
func Verify(ctx context.Context, s Store) (int64, error) {
	var v Verifier
	err := s.EachAudit(ctx, v.Next)
	return v.Count, err
}
