package discover

import (
	"bytes"
	"io"
	"os"
	"unicode/utf16"
	"unicode/utf8"
)

// utf16Reader turns UTF-16 text into UTF-8 as it is read. Excel's
// "Unicode text" and some database tools export UTF-16: read as bytes,
// every other byte is NUL, so a text file looks binary and a CSV's
// emails are split by NULs and never found. Unpaired surrogates and an
// odd last byte become U+FFFD.
type utf16Reader struct {
	r   io.Reader
	big bool // big-endian
	in  []byte
	n   int    // bytes of in not yet decoded
	dec []byte // decoded text
	out []byte // the part of dec not yet returned
	err error
}

// utf16Order says whether text is UTF-16 and in which byte order, and
// whether it starts with a byte order mark. Without a mark (SQL Server's
// bcp -w writes none) it is taken as UTF-16 when its start reads as text
// in one order: at least 16 units, nearly every high byte NUL and the
// low bytes printable, which binary data and UTF-8 text almost never are.
func utf16Order(head []byte) (ok, big, mark bool) {
	switch {
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}) && !bytes.HasPrefix(head, []byte{0xFF, 0xFE, 0, 0}): // not UTF-32
		return true, false, true
	case bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		return true, true, true
	}
	units := min(len(head), 512) / 2
	if units < 16 {
		return false, false, false
	}
	var nul, text [2]int // by the byte's place in its unit
	for i := range units * 2 {
		switch c := head[i]; {
		case c == 0:
			nul[i%2]++
		case c >= 0x20 && c < 0x7F, c == '\n', c == '\r', c == '\t':
			text[i%2]++
		}
	}
	for low := range 2 { // 0: little-endian, the text byte first
		if nul[1-low]*20 >= units*19 && text[low]*10 >= units*9 {
			return true, low == 1, false
		}
	}
	return false, false, false
}

// newUTF16Reader reads r, skipping its byte order mark when it has one.
func newUTF16Reader(r io.Reader, big, mark bool) *utf16Reader {
	if mark {
		io.ReadFull(r, make([]byte, 2))
	}
	return &utf16Reader{r: r, big: big, in: make([]byte, textChunk)}
}

func (u *utf16Reader) unit(b []byte) uint16 {
	if u.big {
		return uint16(b[0])<<8 | uint16(b[1])
	}
	return uint16(b[1])<<8 | uint16(b[0])
}

func (u *utf16Reader) Read(p []byte) (int, error) {
	for len(u.out) == 0 {
		if u.err != nil {
			if u.n > 0 { // an odd byte or half a pair at the end
				u.dec, u.n = utf8.AppendRune(u.dec[:0], utf8.RuneError), 0
				u.out = u.dec
				break
			}
			return 0, u.err
		}
		m, err := u.r.Read(u.in[u.n:])
		u.n += m
		u.err = err
		u.decode()
	}
	k := copy(p, u.out)
	u.out = u.out[k:]
	return k, nil
}

// decode turns the whole units of in into out, keeping an odd byte or
// a high surrogate whose pair has not arrived yet.
func (u *utf16Reader) decode() {
	out := u.dec[:0]
	i := 0
	for ; i+1 < u.n; i += 2 {
		c := u.unit(u.in[i:])
		r := rune(c)
		if utf16.IsSurrogate(r) {
			if c >= 0xDC00 || i+3 >= u.n {
				if c < 0xDC00 && u.err == nil {
					break // the pair's second half comes with the next read
				}
				r = utf8.RuneError
			} else if r = utf16.DecodeRune(r, rune(u.unit(u.in[i+2:]))); r != utf8.RuneError {
				i += 2
			}
		}
		out = utf8.AppendRune(out, r)
	}
	u.n = copy(u.in, u.in[i:u.n])
	u.dec, u.out = out, out
}

// fileIsUTF16 says whether the file at path is UTF-16: such a file is
// not cut into pieces, whose edges could fall inside a character.
func fileIsUTF16(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 512)
	n, _ := io.ReadFull(f, head)
	ok, _, _ := utf16Order(head[:n])
	return ok
}
