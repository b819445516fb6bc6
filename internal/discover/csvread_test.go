package discover

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
)

// checkCSV reads text with csvReader and with encoding/csv (with the
// scanner's settings) and compares every record and the offset after
// it; then csvCut at every offset against encoding/csv's offsets (at a
// few for long text).
func checkCSV(t *testing.T, text []byte, comma byte) {
	t.Helper()
	std := csv.NewReader(bytes.NewReader(text))
	std.Comma, std.FieldsPerRecord, std.LazyQuotes = rune(comma), -1, true
	ours := newCSVReader(bytes.NewReader(bytes.Clone(text)), comma)
	offs := []int64{0}
	for {
		want, werr := std.Read()
		got, gerr := ours.next()
		if werr != nil || gerr != nil {
			if werr != io.EOF || gerr != io.EOF {
				t.Fatalf("%q: encoding/csv says %v, csvReader %v", text, werr, gerr)
			}
			break
		}
		if fmt.Sprintf("%q", want) != fmt.Sprintf("%q", got) || std.InputOffset() != ours.offset {
			t.Fatalf("%q: record %d: encoding/csv reads %q ending at %d, csvReader %q ending at %d", text, len(offs), want, std.InputOffset(), got, ours.offset)
		}
		offs = append(offs, ours.offset)
	}
	step := int64(1)
	if len(text) > 1000 {
		step = int64(len(text)) / 97
	}
	for at := int64(0); at <= int64(len(text)); at += step {
		wantCut, wantRecs := int64(len(text)), len(offs)-1
		for k, o := range offs {
			if o >= at {
				wantCut, wantRecs = o, k
				break
			}
		}
		cut, recs, err := csvCut(bytes.NewReader(text), comma, at)
		if err != nil || cut != wantCut || recs != wantRecs {
			t.Fatalf("%q at %d: got cut %d after %d records (%v), encoding/csv says %d after %d", text, at, cut, recs, err, wantCut, wantRecs)
		}
	}
}

func TestCSVReaderAgreesWithEncodingCSV(t *testing.T) {
	for _, s := range []string{
		"a,b\n1,2\n", "a,b\n\n\n1,2\n", "a,\"x\ny\",c\n2,3", "\"a\"\"b\",c\r\nd,e\r\n", "a\"b,c\nd\n",
		"\"unterminated,x\ny\n", "\"a\"b\",c\nd\n", "x\r\n\r\ny\r", "\n\na\n", "a\rb\nc\n", ",\n,\n", "\"\"\n\"\n\"\n",
	} {
		checkCSV(t, []byte(s), ',')
	}
	// Random text from the characters that matter.
	r := rand.New(rand.NewPCG(3, 4))
	alphabet := []byte("ab,;\"\"\n\n\r ")
	// Lines longer than the reader's buffer.
	long := strings.Repeat("x", 70000)
	checkCSV(t, []byte(long+",y\n\""+long+"\n"+long+"\",z\r\n"+long), ',')
	for n := 0; n < 1000; n++ {
		b := make([]byte, r.IntN(40))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		checkCSV(t, b, ',')
		checkCSV(t, b, ';')
	}
}

func FuzzCSVReader(f *testing.F) {
	f.Add([]byte("a,\"x\ny\",c\n2,3"))
	f.Add([]byte("\"a\"\"b\",c\r\nd,e\r\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > 200 {
			b = b[:200] // every offset is checked: keep it quadratic in little
		}
		checkCSV(t, b, ',')
	})
}
