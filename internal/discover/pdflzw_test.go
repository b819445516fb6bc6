package discover

import (
	"bytes"
	"compress/lzw"
	"io"
	"math/rand/v2"
	"testing"
)

// lzwEncode is PDF's LZW encoder, for the tests: it widens codes one code
// earlier when earlyChange is 1, and clears the table when it is full.
func lzwEncode(data []byte, earlyChange int) []byte {
	var out []byte
	var acc uint64
	bits := 0
	width := 9
	put := func(code int) {
		acc = acc<<width | uint64(code)
		bits += width
		for bits >= 8 {
			bits -= 8
			out = append(out, byte(acc>>bits))
		}
	}
	dict := map[string]int{}
	next := 258
	put(256)
	w := ""
	for _, c := range data {
		wc := w + string([]byte{c})
		if _, ok := dict[wc]; ok || len(wc) == 1 {
			w = wc
			continue
		}
		put(code(dict, w))
		dict[wc] = next
		next++
		// The decoder adds this entry one code later, so the encoder
		// widens one code later than the decoder's rule reads.
		if next+earlyChange > 1<<width && width < 12 {
			width++
		}
		if next == 4096 {
			put(256)
			dict, next, width = map[string]int{}, 258, 9
		}
		w = string([]byte{c})
	}
	if w != "" {
		put(code(dict, w))
	}
	put(257)
	if bits > 0 {
		out = append(out, byte(acc<<(8-bits)))
	}
	return out
}

func code(dict map[string]int, w string) int {
	if len(w) == 1 {
		return int(w[0])
	}
	return dict[w]
}

// lzwSamples are texts that repeat enough to fill the code table: a
// short one, the PDF reference's example, and text that passes every
// code width.
func lzwSamples() [][]byte {
	r := rand.New(rand.NewPCG(7, 8))
	words := []string{"Dear ", "Aroha ", "IRD 49-091-850 ", "mere@example.nz ", "(Tj) ", "BT ", "ET\n", "12 0 Td "}
	var long, random []byte
	for len(long) < 200_000 {
		long = append(long, words[r.IntN(len(words))]...)
	}
	for range 30_000 {
		random = append(random, byte(r.IntN(256)))
	}
	return [][]byte{[]byte("a"), []byte("-----A---B"), []byte("abababababababababab"), long, random}
}

// TestLZWDecode checks the decoder both ways PDF writes LZW: EarlyChange
// 0 on compress/lzw's own streams, and both on the test encoder's, whose
// EarlyChange 0 output compress/lzw reads back, so that its EarlyChange 1
// output, the PDF default, can be trusted.
func TestLZWDecode(t *testing.T) {
	for _, text := range lzwSamples() {
		var std bytes.Buffer
		zw := lzw.NewWriter(&std, lzw.MSB, 8)
		zw.Write(text)
		zw.Close()
		if got := lzwDecode(std.Bytes(), 0); !bytes.Equal(got, text) {
			t.Fatalf("compress/lzw's stream of %d bytes decodes to %d bytes that differ", len(text), len(got))
		}
		// compress/lzw reads the test encoder's EarlyChange 0 output, which
		// anchors the encoder; EarlyChange 1 differs from it by one code.
		if got, err := io.ReadAll(lzw.NewReader(bytes.NewReader(lzwEncode(text, 0)), lzw.MSB, 8)); err != nil || !bytes.Equal(got, text) {
			t.Fatalf("compress/lzw reads the test encoder's %d bytes as %d bytes (%v)", len(text), len(got), err)
		}
		for _, early := range []int{0, 1} {
			if got := lzwDecode(lzwEncode(text, early), early); !bytes.Equal(got, text) {
				t.Fatalf("EarlyChange %d: %d bytes decode to %d bytes that differ", early, len(text), len(got))
			}
		}
		if early, late := lzwEncode(text, 1), lzwEncode(text, 0); len(text) > 5000 && bytes.Equal(early, late) {
			t.Fatal("EarlyChange makes no difference: the widths are not exercised")
		}
	}
	// The PDF reference's example (7.4.4.2): "-----A---B" is codes 256 45
	// 258 258 65 259 66 257, written 80 0B 60 50 22 0C 0C 85 01.
	if got := lzwDecode([]byte{0x80, 0x0B, 0x60, 0x50, 0x22, 0x0C, 0x0C, 0x85, 0x01}, 1); string(got) != "-----A---B" {
		t.Fatalf("the reference example decodes to %q", got)
	}
	// A code not yet in the table ends the stream with what came before.
	if got := lzwDecode([]byte{0x80, 0x0B, 0x7F, 0xF0}, 1); string(got) != "-" {
		t.Fatalf("an undefined code: %q", got)
	}
}

// FuzzLZWDecode feeds the decoder any bytes (it must stop, within the
// memory bound, without a panic) and checks that what the test encoder
// writes comes back, both ways.
func FuzzLZWDecode(f *testing.F) {
	for _, s := range lzwSamples()[:3] {
		f.Add(s, lzwEncode(s, 1))
	}
	f.Fuzz(func(t *testing.T, text, stream []byte) {
		if got := lzwDecode(stream, 1); len(got) > maxInMemory {
			t.Fatalf("%d bytes out, over the bound", len(got))
		}
		lzwDecode(stream, 0)
		for _, early := range []int{0, 1} {
			if got := lzwDecode(lzwEncode(text, early), early); !bytes.Equal(got, text) {
				t.Fatalf("EarlyChange %d: %q came back as %q", early, text, got)
			}
		}
	})
}
