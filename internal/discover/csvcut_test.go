package discover

import (
	"bytes"
	"encoding/csv"
	"io"
	"math/rand/v2"
	"testing"
)

// csvOffsets are the offsets encoding/csv stands at between records
// (with the scanner's settings), and the text's length at the end.
func csvOffsets(text []byte, comma rune) []int64 {
	cr := csv.NewReader(bytes.NewReader(text))
	cr.Comma, cr.FieldsPerRecord, cr.LazyQuotes = comma, -1, true
	offs := []int64{0}
	for {
		if _, err := cr.Read(); err != nil {
			if err != io.EOF {
				return nil // csvCut's promise covers only text encoding/csv reads
			}
			return offs
		}
		offs = append(offs, cr.InputOffset())
	}
}

// checkCut compares csvCut at every offset with encoding/csv.
func checkCut(t *testing.T, text []byte, comma rune) {
	offs := csvOffsets(text, comma)
	if offs == nil {
		return
	}
	for at := int64(0); at <= int64(len(text)); at++ {
		wantCut, wantRecs := int64(len(text)), len(offs)-1
		for k, o := range offs {
			if o >= at {
				wantCut, wantRecs = o, k
				break
			}
		}
		cut, recs, err := csvCut(bytes.NewReader(text), byte(comma), at)
		if err != nil || cut != wantCut || recs != wantRecs {
			t.Fatalf("%q at %d: got cut %d after %d records (%v), encoding/csv says %d after %d", text, at, cut, recs, err, wantCut, wantRecs)
		}
	}
}

func TestCSVCutAgreesWithEncodingCSV(t *testing.T) {
	for _, s := range []string{
		"a,b\n1,2\n", "a,b\n\n\n1,2\n", "a,\"x\ny\",c\n2,3", "\"a\"\"b\",c\r\nd,e\r\n", "a\"b,c\nd\n",
		"\"unterminated,x\ny\n", "\"a\"b\",c\nd\n", "x\r\n\r\ny\r", "\n\na\n", "a\rb\nc\n", ",\n,\n", "\"\"\n\"\n\"\n",
	} {
		checkCut(t, []byte(s), ',')
	}
	// Random text from the characters that matter.
	r := rand.New(rand.NewPCG(3, 4))
	alphabet := []byte("ab,;\"\"\n\n\r ")
	for n := 0; n < 3000; n++ {
		b := make([]byte, r.IntN(40))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		checkCut(t, b, ',')
		checkCut(t, b, ';')
	}
}

func FuzzCSVCut(f *testing.F) {
	f.Add([]byte("a,\"x\ny\",c\n2,3"))
	f.Add([]byte("\"a\"\"b\",c\r\nd,e\r\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > 200 {
			b = b[:200] // every offset is checked: keep it quadratic in little
		}
		checkCut(t, b, ',')
	})
}
