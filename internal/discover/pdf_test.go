package discover

import (
	"bytes"
	"compress/zlib"
	"encoding/ascii85"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"
)

// pdfOf writes a minimal PDF holding the given streams; compressed ones
// are Flate-encoded. The reader needs no cross-reference table.
func pdfOf(streams []string, compress bool) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	for i, s := range streams {
		data := []byte(s)
		filter := ""
		if compress {
			var z bytes.Buffer
			zw := zlib.NewWriter(&z)
			zw.Write(data)
			zw.Close()
			data, filter = z.Bytes(), " /Filter /FlateDecode"
		}
		fmt.Fprintf(&b, "%d 0 obj\n<</Length %d%s>>\nstream\n", i+1, len(data), filter)
		b.Write(data)
		b.WriteString("\nendstream\nendobj\n")
	}
	b.WriteString("trailer\n<<>>\n%%EOF\n")
	return b.Bytes()
}

// utf16Hex writes s as the hex string of its UTF-16BE code units.
func utf16Hex(s string) string {
	var b strings.Builder
	b.WriteByte('<')
	for _, u := range utf16.Encode([]rune(s)) {
		fmt.Fprintf(&b, "%04X", u)
	}
	b.WriteByte('>')
	return b.String()
}

func TestPDFTextLayer(t *testing.T) {
	identity := "/CIDInit /ProcSet findresource begin 12 dict begin begincmap 1 begincodespacerange <0000> <FFFF> endcodespacerange 1 beginbfrange <0000> <FFFF> <0000> endbfrange endcmap end end"
	remap := "begincmap 2 beginbfchar <0001> <0041> <0002> <0042> endbfchar 1 beginbfrange <0010> <0012> <0061> endbfrange endcmap"
	cases := []struct {
		name string
		pdf  []byte
		want []string
	}{
		{"literal strings, uncompressed", pdfOf([]string{`BT /F1 12 Tf 72 720 Td (Contact jo@example.org \(home\)) Tj T* (TFN: 123 456 782) Tj ET`}, false),
			[]string{"jo@example.org", "au_tfn"}},
		{"UTF-16 through an identity CMap, compressed", pdfOf([]string{identity, "BT /F1 12 Tf 72 720 Td " + utf16Hex("Māori client: aroha@example.nz, IRD 49-091-850") + " Tj ET"}, true),
			[]string{"aroha@example.nz", "nz_ird"}},
		{"TJ arrays with kerning and a remapping CMap", pdfOf([]string{remap, "BT [<00010002> -300 <001000110012>] TJ ET BT [(ben@) 20 (example.au)] TJ ET"}, true),
			[]string{"ben@example.au"}},
	}
	for _, c := range cases {
		_, out := scanOne(t, "doc.pdf", c.pdf)
		for _, w := range c.want {
			if !strings.Contains(out, w) {
				t.Errorf("%s: %q not found in %s", c.name, w, out)
			}
		}
	}
	lines := pdfText([]byte("BT [<00010002> -300 <001000110012>] TJ ET"), map[uint16]rune{1: 'A', 2: 'B', 0x10: 'a', 0x11: 'b', 0x12: 'c'})
	if len(lines) != 1 || string(lines[0]) != "AB abc" {
		t.Fatalf("TJ: %q", lines)
	}
	for name, body := range map[string][]byte{"not a PDF": []byte("hello"), "encrypted": []byte("%PDF-1.4\n1 0 obj <</Encrypt 2 0 R>> endobj")} {
		if sum, _ := scanOne(t, "x.pdf", body); len(sum.Skipped) != 1 {
			t.Errorf("%s: %+v", name, sum.Skipped)
		}
	}
}

// pdfFiltered writes a PDF with one content stream under the given
// /Filter value, its data already encoded.
func pdfFiltered(filter string, data []byte) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%%PDF-1.4\n1 0 obj\n<</Length %d /Filter %s>>\nstream\n", len(data), filter)
	b.Write(data)
	b.WriteString("\nendstream\nendobj\ntrailer\n<<>>\n%%EOF\n")
	return b.Bytes()
}

// Older and hand-made PDFs wrap content in text-safe filters, often
// chained before Flate; each is undone in order.
func TestPDFFilters(t *testing.T) {
	content := []byte("BT /F1 12 Tf 72 720 Td (Write to mere@example.nz about IRD 49-091-850) Tj ET")
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(content)
	zw.Close()
	a85 := func(b []byte) []byte {
		out := make([]byte, ascii85.MaxEncodedLen(len(b)))
		return append(out[:ascii85.Encode(out, b)], "~>"...)
	}
	var rl []byte // RunLength: literal runs of up to 128 bytes, a repeat, the end mark
	for rest := content; len(rest) > 0; {
		n := min(len(rest), 128)
		rl = append(append(rl, byte(n-1)), rest[:n]...)
		rest = rest[n:]
	}
	rl = append(rl, 256-9, ' ', 128) // ten spaces, then the end
	if got := runLengthDecode(append(rl, "ignored after the end"...)); string(got) != string(content)+"          " {
		t.Fatalf("RunLength: %q", got)
	}
	for name, c := range map[string]struct {
		filter string
		data   []byte
		found  bool
	}{
		"ASCII85 then Flate": {"[/ASCII85Decode /FlateDecode]", a85(z.Bytes()), true},
		"abbreviated":        {"[/A85 /Fl]", a85(z.Bytes()), true},
		"ASCIIHex":           {"/ASCIIHexDecode", append([]byte(hex.EncodeToString(content)), '>'), true},
		"RunLength":          {"/RunLengthDecode", rl, true},
		"LZW":                {"/LZWDecode", lzwEncode(content, 1), true},
		"LZW, EarlyChange 0": {"/LZWDecode /DecodeParms << /EarlyChange 0 >>", lzwEncode(content, 0), true},
		"an image filter":    {"/DCTDecode", content, false},
	} {
		sum, out := scanOne(t, "doc.pdf", pdfFiltered(c.filter, c.data))
		if got := strings.Contains(out, "nz_ird") && strings.Contains(out, "m***@example.nz"); got != c.found || len(sum.Skipped) > 0 {
			t.Errorf("%s: found %v, want %v; skipped %v; %s", name, got, c.found, sum.Skipped, out)
		}
	}
}

// A PDF whose streams inflate a thousandfold stops at its bounds, with a
// reason, after reading the text that came before: neither memory nor
// time grows with what the streams claim to hold.
func TestPDFBombStops(t *testing.T) {
	bomb := func(fill byte, prefix string) []byte {
		var z bytes.Buffer
		zw := zlib.NewWriter(&z)
		zw.Write([]byte(prefix))
		chunk := bytes.Repeat([]byte{fill}, 1<<20)
		for range 64 {
			zw.Write(chunk)
		}
		zw.Close()
		return z.Bytes()
	}
	build := func(streams ...[]byte) []byte {
		var b bytes.Buffer
		b.WriteString("%PDF-1.4\n")
		for k, s := range streams {
			fmt.Fprintf(&b, "%d 0 obj\n<</Length %d /Filter /FlateDecode>>\nstream\n", k+1, len(s))
			b.Write(s)
			b.WriteString("\nendstream\nendobj\n")
		}
		b.WriteString("trailer\n<<>>\n%%EOF\n")
		return b.Bytes()
	}
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write([]byte("BT (Write to mere@example.nz) Tj ET"))
	zw.Close()
	text := bomb(' ', "BT (padding) Tj ET") // 64 MiB of text each
	cases := map[string][]byte{"text": build(z.Bytes(), text, text, text)}
	if !testing.Short() {
		image := bomb(0, "") // 64 MiB of an image each: 17 pass the 1 GiB
		cases["images"] = build(append([][]byte{z.Bytes()}, slices.Repeat([][]byte{image}, 17)...)...)
	}
	for name, pdf := range cases {
		sum, out := scanOne(t, "bomb.pdf", pdf)
		if !strings.Contains(out, "m***@example.nz") {
			t.Errorf("%s: the text before the bomb was not read: %s", name, out)
		}
		if len(sum.Skipped) != 1 || !strings.Contains(sum.Skipped[0].Reason, "stopped: the PDF's streams decode to more than its bounds") {
			t.Errorf("%s: skipped %v", name, sum.Skipped)
		}
	}
}
