package discover

import (
	"bytes"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf16"
	"unicode/utf8"
)

// encodeUTF16 writes s as UTF-16 with its byte order mark.
func encodeUTF16(s string, big bool) []byte {
	out := []byte{0xFF, 0xFE}
	if big {
		out = []byte{0xFE, 0xFF}
	}
	for _, u := range utf16.Encode([]rune(s)) {
		if big {
			out = append(out, byte(u>>8), byte(u))
		} else {
			out = append(out, byte(u), byte(u>>8))
		}
	}
	return out
}

// TestUTF16Reader decodes random text with characters outside the BMP
// (surrogate pairs) in both byte orders, a byte at a time and all at
// once, and broken input to U+FFFD.
func TestUTF16Reader(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	alphabet := []rune{'a', 'Z', '@', '\n', ',', 'é', 'ā', '€', '中', '😀', '𝄞'}
	for range 200 {
		var b strings.Builder
		for range r.IntN(3000) {
			b.WriteRune(alphabet[r.IntN(len(alphabet))])
		}
		for _, big := range []bool{false, true} {
			enc := encodeUTF16(b.String(), big)
			for _, rd := range []io.Reader{bytes.NewReader(enc), iotest.OneByteReader(bytes.NewReader(enc))} {
				got, err := io.ReadAll(newUTF16Reader(rd, big, true))
				if err != nil || string(got) != b.String() {
					t.Fatalf("big=%v: %d runes came back as %d (%v)", big, utf8.RuneCountInString(b.String()), utf8.RuneCount(got), err)
				}
			}
		}
	}
	for name, c := range map[string]struct {
		in   []byte
		want string
	}{
		"odd last byte":      {[]byte{0xFF, 0xFE, 'a', 0, 'b'}, "a\uFFFD"},
		"lone low half":      {[]byte{0xFF, 0xFE, 0x00, 0xDC, 'a', 0}, "\uFFFDa"},
		"high half at end":   {[]byte{0xFF, 0xFE, 'a', 0, 0x3D, 0xD8}, "a\uFFFD"},
		"high half, no pair": {[]byte{0xFF, 0xFE, 0x3D, 0xD8, 'a', 0}, "\uFFFDa"},
	} {
		got, _ := io.ReadAll(newUTF16Reader(bytes.NewReader(c.in), false, true))
		if string(got) != c.want {
			t.Errorf("%s: %q, want %q", name, got, c.want)
		}
	}
}

// A CSV and a log saved as UTF-16 (Excel's "Unicode text") are read as
// text; a large one is not cut into pieces.
func TestUTF16Files(t *testing.T) {
	csv := "name\temail\tmobile\r\nAroha Ngata\taroha@example.nz\t021 234 5678\r\n"
	for name, body := range map[string][]byte{
		"export.csv": encodeUTF16(csv, false),
		"export.tsv": encodeUTF16(csv, true),
		"notes.txt":  encodeUTF16("Call Ms Ngata on 021 234 5678 or aroha@example.nz\n", false),
	} {
		sum, out := scanOne(t, name, body)
		if len(sum.Skipped) != 0 || !strings.Contains(out, "a***@example.nz") || !strings.Contains(out, `"type":"phone"`) {
			t.Errorf("%s: skipped %+v, found %s", name, sum.Skipped, out)
		}
	}
	// Without a byte order mark (SQL Server's bcp -w), in either order.
	for _, big := range []bool{false, true} {
		body := encodeUTF16(strings.Repeat(csv, 3), big)[2:]
		sum, out := scanOne(t, "bcp.tsv", body)
		if len(sum.Skipped) != 0 || strings.Count(out, "a***@example.nz") != 3 {
			t.Errorf("UTF-16 without a mark (big-endian %v): skipped %+v, found %s", big, sum.Skipped, out)
		}
	}
	// Nor are UTF-8 text, short text and binary taken for UTF-16.
	for _, head := range [][]byte{[]byte(strings.Repeat("plain ascii text, ", 30)), encodeUTF16("short", false)[2:], bytes.Repeat([]byte{0, 1, 2, 0xff}, 128), bytes.Repeat([]byte{'A', 0, 0, 0}, 128)} {
		if ok, _, _ := utf16Order(head); ok {
			t.Errorf("%q... taken for UTF-16", head[:16])
		}
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "big.csv")
	os.WriteFile(p, encodeUTF16(csv, false), 0o644)
	if got := split([]job{{abs: p, rel: "big.csv", size: 4 * splitSize}}, 2); len(got) != 1 {
		t.Errorf("a UTF-16 file was cut into %d pieces", len(got))
	}
	plain := filepath.Join(dir, "plain.csv")
	os.WriteFile(plain, []byte(csv), 0o644)
	if got := split([]job{{abs: plain, rel: "plain.csv", size: 4 * splitSize}}, 2); len(got) != 2 {
		t.Errorf("a UTF-8 file was cut into %d pieces, want 2", len(got))
	}
}
