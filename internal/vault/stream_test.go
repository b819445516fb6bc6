package vault

import (
	"bytes"
	"crypto/rand"
	"errors"
	"io"
	"testing"
)

func sealedStream(t *testing.T, s *Sealer, plain []byte, context string) []byte {
	t.Helper()
	var out bytes.Buffer
	w, err := s.SealStream(&out, context)
	if err != nil {
		t.Fatal(err)
	}
	// Written in uneven pieces, as a copy from the network would be.
	for p := plain; len(p) > 0; {
		k := min(len(p), 1+len(p)%7919)
		if _, err := w.Write(p[:k]); err != nil {
			t.Fatal(err)
		}
		p = p[k:]
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func TestStreamRoundTrip(t *testing.T) {
	_, s, err := Generate()
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{0, 1, segmentSize - 1, segmentSize, segmentSize + 1, 3*segmentSize + 17} {
		plain := make([]byte, n)
		rand.Read(plain)
		sealed := sealedStream(t, s, plain, "scans/job-1/people.jsonl")
		if n > 64 && bytes.Contains(sealed, plain[:64]) {
			t.Fatalf("%d bytes: the sealed stream holds the plain text", n)
		}
		r, err := s.OpenStream(bytes.NewReader(sealed), "scans/job-1/people.jsonl")
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(r)
		if err != nil || !bytes.Equal(got, plain) {
			t.Fatalf("%d bytes: got %d bytes back, %v", n, len(got), err)
		}
	}
}

func TestStreamRefusesChanges(t *testing.T) {
	_, s, _ := Generate()
	_, other, _ := Generate()
	plain := bytes.Repeat([]byte("Aroha Ngata, aroha@example.nz\n"), 3*segmentSize/30)
	sealed := sealedStream(t, s, plain, "letters/a.pdf")
	read := func(sealer *Sealer, b []byte, context string) error {
		r, err := sealer.OpenStream(bytes.NewReader(b), context)
		if err != nil {
			return err
		}
		_, err = io.ReadAll(r)
		return err
	}
	seg := segmentSize + tagSize
	head := len(StreamMagic) + saltSize
	flipped := append([]byte(nil), sealed...)
	flipped[head+seg+5] ^= 1
	swapped := append(append(append([]byte(nil), sealed[:head]...), sealed[head+seg:head+2*seg]...), sealed[head+seg:]...)
	copy(swapped[head+seg:], sealed[head:head+seg])
	for name, c := range map[string]struct {
		b       []byte
		sealer  *Sealer
		context string
		want    error
	}{
		"a changed byte":            {flipped, s, "letters/a.pdf", ErrTampered},
		"another key":               {sealed, other, "letters/a.pdf", ErrTampered},
		"another name":              {sealed, s, "letters/b.pdf", ErrTampered},
		"segments swapped":          {swapped, s, "letters/a.pdf", ErrTampered},
		"cut at a segment boundary": {sealed[:head+2*seg], s, "letters/a.pdf", ErrTruncated},
		"cut inside a segment":      {sealed[:head+seg+100], s, "letters/a.pdf", ErrTampered},
		"cut inside the salt":       {sealed[:head-3], s, "letters/a.pdf", ErrTruncated},
	} {
		if err := read(c.sealer, c.b, c.context); !errors.Is(err, c.want) {
			t.Errorf("%s: got %v, want %v", name, err, c.want)
		}
	}
}
