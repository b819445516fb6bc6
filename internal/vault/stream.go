package vault

import (
	"bufio"
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"io"
)

// StreamMagic starts a file sealed by SealStream. It is as long as the
// magic of the whole-file format that came before it, so a reader can
// tell them apart from the same first bytes.
const StreamMagic = "BREACHDESK-SEALED-2\n"

// Segments of a sealed stream: each holds segmentSize bytes of plain text
// (the last fewer, possibly none) and the GCM tag.
const (
	segmentSize = 64 << 10
	saltSize    = 32
	tagSize     = 16
)

// ErrTruncated says a sealed stream ended before its last segment: the
// file was cut short.
var ErrTruncated = errors.New("the encrypted file is cut short: its last part is missing")

// The stream format is the STREAM construction (Hoang, Reyhanitabar,
// Rogaway and Vizár, 2015) over AES-256-GCM, as Tink's streaming AEAD
// uses it: after the magic, a random salt; the stream's own key is
// HKDF-SHA256 of the data key, that salt and the context, so no two
// streams share a key and nonces need no randomness; each segment's
// nonce is its number and a flag marking the last segment, so segments
// cannot be reordered, dropped, or the stream cut at a segment boundary
// without Open noticing.
func (s *Sealer) streamAEAD(salt []byte, context string) (cipher.AEAD, error) {
	key, err := hkdf.Key(sha256.New, s.key, salt, "breachdesk sealed stream v2\x00"+context, 32)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

func segmentNonce(n uint64, last bool) []byte {
	nonce := make([]byte, 12)
	binary.BigEndian.PutUint64(nonce, n)
	if last {
		nonce[11] = 1
	}
	return nonce
}

// SealStream returns a writer that seals what is written to it into w,
// segment by segment, holding one segment (64 KiB) at a time. Close
// writes the last segment and must be called; it does not close w.
// context binds the stream to what it is (e.g. the object's name), as
// for Seal.
func (s *Sealer) SealStream(w io.Writer, context string) (io.WriteCloser, error) {
	salt := make([]byte, saltSize)
	if _, err := rand.Read(salt); err != nil {
		return nil, err
	}
	aead, err := s.streamAEAD(salt, context)
	if err != nil {
		return nil, err
	}
	if _, err := io.WriteString(w, StreamMagic); err != nil {
		return nil, err
	}
	if _, err := w.Write(salt); err != nil {
		return nil, err
	}
	return &sealWriter{w: w, aead: aead, buf: make([]byte, 0, segmentSize), out: make([]byte, 0, segmentSize+tagSize)}, nil
}

type sealWriter struct {
	w      io.Writer
	aead   cipher.AEAD
	n      uint64
	buf    []byte // plain text not yet sealed, at most a segment
	out    []byte
	err    error
	closed bool
}

// Write seals each full segment once more text follows it, since only
// Close knows which segment is the last.
func (sw *sealWriter) Write(p []byte) (int, error) {
	if sw.err != nil {
		return 0, sw.err
	}
	if sw.closed {
		return 0, errors.New("vault: write to a closed sealed stream")
	}
	written := 0
	for len(p) > 0 {
		if len(sw.buf) == segmentSize {
			if sw.err = sw.seal(false); sw.err != nil {
				return written, sw.err
			}
		}
		k := copy(sw.buf[len(sw.buf):segmentSize], p)
		sw.buf = sw.buf[:len(sw.buf)+k]
		p = p[k:]
		written += k
	}
	return written, nil
}

func (sw *sealWriter) seal(last bool) error {
	sw.out = sw.aead.Seal(sw.out[:0], segmentNonce(sw.n, last), sw.buf, nil)
	sw.n++
	sw.buf = sw.buf[:0]
	_, err := sw.w.Write(sw.out)
	return err
}

// Close seals the last segment.
func (sw *sealWriter) Close() error {
	if sw.closed || sw.err != nil {
		return sw.err
	}
	sw.closed = true
	sw.err = sw.seal(true)
	return sw.err
}

// OpenStream returns a reader of the plain text of a stream SealStream
// wrote under the same context. r must start at the magic. A segment that
// was changed, moved or sealed under another key fails with ErrTampered,
// and a stream cut short with ErrTruncated, at the point they are read:
// what was read before is authentic, so a caller that must not act on a
// part reads to the end first.
func (s *Sealer) OpenStream(r io.Reader, context string) (io.Reader, error) {
	head := make([]byte, len(StreamMagic)+saltSize)
	if _, err := io.ReadFull(r, head); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, ErrTruncated
		}
		return nil, err
	}
	if !bytes.Equal(head[:len(StreamMagic)], []byte(StreamMagic)) {
		return nil, errors.New("vault: not a sealed stream")
	}
	aead, err := s.streamAEAD(head[len(StreamMagic):], context)
	if err != nil {
		return nil, err
	}
	return &openReader{r: bufio.NewReaderSize(r, segmentSize+tagSize+1), aead: aead, in: make([]byte, segmentSize+tagSize), buf: make([]byte, 0, segmentSize)}, nil
}

type openReader struct {
	r     *bufio.Reader
	aead  cipher.AEAD
	n     uint64
	in    []byte
	buf   []byte // the opened segment
	plain []byte // opened and not yet read
	done  bool
	err   error
}

func (or *openReader) Read(p []byte) (int, error) {
	for len(or.plain) == 0 {
		if or.err != nil {
			return 0, or.err
		}
		if or.done {
			return 0, io.EOF
		}
		or.err = or.next()
	}
	k := copy(p, or.plain)
	or.plain = or.plain[k:]
	return k, nil
}

// next opens the next segment: a short one is the last, and so is a full
// one that nothing follows.
func (or *openReader) next() error {
	n, err := io.ReadFull(or.r, or.in)
	last := false
	switch {
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		last = true
	case err != nil:
		return err
	default:
		if _, perr := or.r.Peek(1); errors.Is(perr, io.EOF) {
			last = true
		} else if perr != nil {
			return perr
		}
	}
	if n < tagSize {
		return ErrTruncated
	}
	plain, oerr := or.aead.Open(or.buf[:0], segmentNonce(or.n, last), or.in[:n], nil)
	if oerr != nil {
		if last {
			// A segment that opens as a middle one but not as the
			// last: the stream was cut after it.
			if _, merr := or.aead.Open(or.buf[:0], segmentNonce(or.n, false), or.in[:n], nil); merr == nil {
				return ErrTruncated
			}
		}
		return ErrTampered
	}
	or.n++
	or.plain, or.done = plain, last
	return nil
}
