package audit

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func chain(n int) []Entry {
	var out []Entry
	var prev *Entry
	for i := 0; i < n; i++ {
		e := Entry{At: time.Unix(int64(i), 0), Actor: "po", Action: "incident.triage", Object: "incident:1", IncidentID: 1, Details: `{}`}
		e.Seal(prev)
		out = append(out, e)
		prev = &out[len(out)-1]
	}
	return out
}

func verify(es []Entry) error {
	var v Verifier
	for _, e := range es {
		if err := v.Next(e); err != nil {
			return err
		}
	}
	return nil
}

func TestChainDetectsEachKindOfTampering(t *testing.T) {
	if err := verify(chain(5)); err != nil {
		t.Fatalf("intact chain: %v", err)
	}
	cases := map[string]struct {
		mutate func([]Entry) []Entry
		at     int64
	}{
		"edited":    {func(es []Entry) []Entry { es[2].Actor = "mallory"; return es }, 3},
		"removed":   {func(es []Entry) []Entry { return append(es[:1], es[2:]...) }, 3},
		"reordered": {func(es []Entry) []Entry { es[1], es[2] = es[2], es[1]; return es }, 3},
		"rehashed":  {func(es []Entry) []Entry { es[1].Details = `{"x":1}`; es[1].Hash = es[1].ComputeHash(); return es }, 3},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			var br *Break
			if err := verify(c.mutate(chain(5))); !errors.As(err, &br) || br.Seq != c.at {
				t.Fatalf("want break at %d, got %v", c.at, err)
			}
		})
	}
}

func TestHashCoversEveryField(t *testing.T) {
	base := chain(1)[0]
	for name, f := range map[string]func(*Entry){
		"at": func(e *Entry) { e.At = e.At.Add(time.Nanosecond) }, "actor_id": func(e *Entry) { e.ActorID++ },
		"action": func(e *Entry) { e.Action += "x" }, "object": func(e *Entry) { e.Object += "x" },
		"incident": func(e *Entry) { e.IncidentID++ }, "details": func(e *Entry) { e.Details = "{ }" },
		"seq": func(e *Entry) { e.Seq++ }, "prev": func(e *Entry) { e.PrevHash = "1" + e.PrevHash[1:] },
	} {
		e := base
		f(&e)
		if e.ComputeHash() == base.Hash {
			t.Errorf("changing %s does not change the hash", name)
		}
	}
}

// Heads appended by several processes sharing a data folder may come out
// of order; each is still checked against the log, so a head the log no
// longer has, or one whose hash differs, still shows.
func TestHeadsInAnyOrder(t *testing.T) {
	hashes := map[int64]string{1: strings.Repeat("a", 64), 2: strings.Repeat("b", 64), 3: strings.Repeat("c", 64)}
	at := func(seq int64) (string, bool, error) { h, ok := hashes[seq]; return h, ok, nil }
	file := func(lines ...Head) *strings.Reader {
		var b strings.Builder
		for _, h := range lines {
			b.WriteString(h.String() + "\n")
		}
		return strings.NewReader(b.String())
	}
	n, last, err := CheckHeads(file(Head{1, hashes[1]}, Head{3, hashes[3]}, Head{2, hashes[2]}), at)
	if err != nil || n != 3 || last.Seq != 3 {
		t.Fatalf("heads out of order: %d heads, last %d, %v; want 3, 3, nil", n, last.Seq, err)
	}
	var br *Break
	if _, _, err := CheckHeads(file(Head{3, hashes[3]}, Head{4, strings.Repeat("d", 64)}, Head{2, hashes[2]}), at); !errors.As(err, &br) || br.Seq != 4 {
		t.Fatalf("a head past the log's end: %v", err)
	}
	if _, _, err := CheckHeads(file(Head{2, hashes[2]}, Head{1, strings.Repeat("e", 64)}), at); !errors.As(err, &br) || br.Seq != 1 {
		t.Fatalf("a head whose hash differs: %v", err)
	}
}
