package discover

import (
	"bytes"
	"compress/zlib"
	"encoding/ascii85"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// pdf reads the text layer of a PDF: every stream is found by its
// "stream"/"endstream" keywords (so cross-reference tables and object
// streams need not be parsed), Flate-decoded, ToUnicode CMaps are
// collected, and the text operators of content streams (Tj, TJ, ', ")
// give the text, a line per text line. Scanned images have no text layer
// and yield nothing; streams under filters other than Flate, LZW,
// ASCIIHex, ASCII85 and RunLength are passed over.
func (src *source) pdf(name string, r io.Reader) error {
	b, err := io.ReadAll(io.LimitReader(r, maxInMemory+1))
	if err != nil {
		return err
	}
	if len(b) > maxInMemory {
		return unsupported(fmt.Sprintf("PDF larger than %d MiB", maxInMemory>>20))
	}
	if !bytes.HasPrefix(bytes.TrimLeft(b, " \r\n\t"), []byte("%PDF")) {
		return fmt.Errorf("not a PDF file")
	}
	if bytes.Contains(b, []byte("/Encrypt")) {
		return unsupported("encrypted PDF")
	}
	// Streams are sorted as they are decoded, so images and fonts are
	// dropped at once and only text and its CMaps are held.
	cmap := map[uint16]rune{}
	var contents [][]byte
	held := 0
	// Page-sized images, as files Tesseract reads, and smaller ones in
	// case the PDF has no text layer; they count towards the text bound.
	var images, smallImages [][]byte
	err = pdfStreams(b, func(dict, s []byte) error {
		if bytes.Contains(dict, []byte("/Image")) {
			if len(images)+len(smallImages) >= maxPDFImages {
				return nil
			}
			img, w, h := pdfImage(dict, s)
			switch {
			case img == nil:
			case held+len(img) > maxPDFText:
				return errPDFTooMuch
			case w >= minPageImage && h >= minPageImage:
				held += len(img)
				images = append(images, img)
			default:
				held += len(img)
				smallImages = append(smallImages, img)
			}
			return nil
		}
		if bytes.Contains(s, []byte("begincmap")) {
			parseCMap(s, cmap)
		} else if bytes.Contains(s, []byte("BT")) && (bytes.Contains(s, []byte("Tj")) || bytes.Contains(s, []byte("TJ"))) {
			if held += len(s); held > maxPDFText {
				return errPDFTooMuch
			}
			contents = append(contents, s)
		}
		return nil
	})
	line, texts := 0, 0
	fields := []Field{{}}
	var pt pdfTextReader
	for _, c := range contents {
		pt.lines(c, cmap, func(l []byte) {
			line++
			if len(bytes.TrimSpace(l)) == 0 {
				return
			}
			texts++
			fields[0].Value = l
			src.rec = Record{Path: name, Line: line, Fields: fields}
			src.record(&src.rec)
		})
	}
	// Scanned pages: the page-sized images, and when the PDF has no text
	// layer at all, every image.
	if texts == 0 {
		images = append(images, smallImages...)
	}
	for k, img := range images {
		if src.ctx.Err() != nil {
			break
		}
		inner := member(name, "image-"+strconv.Itoa(k+1))
		if oerr := src.ocrText(inner, img); oerr != nil {
			var u unsupportedError
			if errors.As(oerr, &u) && src.s.ocrErr != nil {
				// No Tesseract: the PDF's images are listed once, together.
				src.s.skip(name, fmt.Sprintf("%d scanned page images not read: Tesseract OCR is not installed (%s)", len(images), tesseractHelp))
				break
			}
			src.fail(inner, oerr)
		}
	}
	return err
}

// pdfImage turns an image stream into a file Tesseract reads: a JPEG
// (DCTDecode) as it is; 8-bit grey or RGB samples (undone from Flate,
// with or without PNG predictors) as a PNG. Other images (CCITT fax,
// JBIG2, indexed colours, masks) give nil.
func pdfImage(dict, data []byte) ([]byte, int, int) {
	w, h := pdfInt(dict, "/Width"), pdfInt(dict, "/Height")
	if w <= 0 || h <= 0 || float64(w)*float64(h) > maxOCRPixels || bytes.Contains(dict, []byte("/ImageMask true")) {
		return nil, 0, 0
	}
	filters := pdfFilters(dict)
	if n := len(filters); n > 0 && (filters[n-1] == "DCTDecode" || filters[n-1] == "DCT") {
		return data, w, h
	}
	colors := 0
	switch {
	case bytes.Contains(dict, []byte("/DeviceGray")):
		colors = 1
	case bytes.Contains(dict, []byte("/DeviceRGB")):
		colors = 3
	default:
		return nil, 0, 0
	}
	if pdfInt(dict, "/BitsPerComponent") != 8 {
		return nil, 0, 0
	}
	if pdfInt(dict, "/Predictor") >= 10 {
		var ok bool
		if data, ok = pngUnfilter(data, w*colors, colors, h); !ok {
			return nil, 0, 0
		}
	}
	if len(data) < w*h*colors {
		return nil, 0, 0
	}
	var img image.Image
	if colors == 1 {
		img = &image.Gray{Pix: data[:w*h], Stride: w, Rect: image.Rect(0, 0, w, h)}
	} else {
		rgba := image.NewNRGBA(image.Rect(0, 0, w, h))
		for i, j := 0, 0; i < w*h*3; i, j = i+3, j+4 {
			rgba.Pix[j], rgba.Pix[j+1], rgba.Pix[j+2], rgba.Pix[j+3] = data[i], data[i+1], data[i+2], 0xff
		}
		img = rgba
	}
	var out bytes.Buffer
	if err := png.Encode(&out, img); err != nil {
		return nil, 0, 0
	}
	return out.Bytes(), w, h
}

// pdfInt is the integer after a key in a dictionary, -1 if none.
func pdfInt(dict []byte, key string) int {
	k := bytes.Index(dict, []byte(key))
	if k < 0 {
		return -1
	}
	rest := bytes.TrimLeft(dict[k+len(key):], " \r\n\t")
	n := 0
	for n < len(rest) && isDigit(rest[n]) {
		n++
	}
	v, err := strconv.Atoi(string(rest[:n]))
	if err != nil {
		return -1
	}
	return v
}

// pngUnfilter undoes PNG's row filters (PDF's predictors 10-15): each
// row of stride bytes starts with its filter type.
func pngUnfilter(data []byte, stride, bpp, rows int) ([]byte, bool) {
	if len(data) < rows*(stride+1) {
		return nil, false
	}
	out := make([]byte, rows*stride)
	prev := make([]byte, stride)
	for r := 0; r < rows; r++ {
		f, in := data[r*(stride+1)], data[r*(stride+1)+1:(r+1)*(stride+1)]
		cur := out[r*stride : (r+1)*stride]
		for i := range cur {
			var a, c byte
			if i >= bpp {
				a, c = cur[i-bpp], prev[i-bpp]
			}
			b := prev[i]
			switch f {
			case 0:
				cur[i] = in[i]
			case 1:
				cur[i] = in[i] + a
			case 2:
				cur[i] = in[i] + b
			case 3:
				cur[i] = in[i] + byte((int(a)+int(b))/2)
			case 4:
				cur[i] = in[i] + paeth(a, b, c)
			default:
				return nil, false
			}
		}
		prev = cur
	}
	return out, true
}

func paeth(a, b, c byte) byte {
	p := int(a) + int(b) - int(c)
	pa, pb, pc := abs(p-int(a)), abs(p-int(b)), abs(p-int(c))
	switch {
	case pa <= pb && pa <= pc:
		return a
	case pb <= pc:
		return b
	}
	return c
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// Bounds on what one PDF's streams may decode to: compressed streams
// can expand a thousandfold, so a small hostile file could otherwise fill
// memory, or keep a worker inflating for minutes.
const (
	maxPDFDecoded = 1 << 30         // all streams, text or not
	maxPDFText    = 2 * maxInMemory // the text streams held for reading
)

const errPDFTooMuch = stopError("the PDF's streams decode to more than its bounds (1 GiB in all, 128 MiB of text)")

// pdfStreams calls fn with every stream's data, its filters undone;
// streams under filters it cannot undo are left out. It stops at fn's
// first error, or with errPDFTooMuch once the streams have decoded to
// more than maxPDFDecoded bytes.
func pdfStreams(b []byte, fn func(dict, data []byte) error) error {
	decoded := 0
	for at := 0; ; {
		k := bytes.Index(b[at:], []byte("stream"))
		if k < 0 {
			return nil
		}
		k += at
		at = k + 6
		if k >= 3 && string(b[k-3:k]) == "end" {
			continue
		}
		start := at
		if start < len(b) && b[start] == '\r' {
			start++
		}
		if start < len(b) && b[start] == '\n' {
			start++
		}
		end := bytes.Index(b[start:], []byte("endstream"))
		if end < 0 {
			return nil
		}
		data := bytes.TrimRight(b[start:start+end], "\r\n")
		at = start + end + 9
		dictStart := bytes.LastIndex(b[max(0, k-2048):k], []byte("obj"))
		dict := b[max(0, k-2048)+max(0, dictStart) : k]
		filters := pdfFilters(dict)
		if n := len(filters); n > 0 && (filters[n-1] == "DCTDecode" || filters[n-1] == "DCT") {
			// A JPEG image: its data is handed on as it is, once the
			// filters before DCT are undone. It is never text.
			if !bytes.Contains(dict, []byte("/Image")) {
				continue
			}
			if dec, ok := pdfDecode(data, filters[:n-1], pdfEarlyChange(dict)); ok {
				if err := fn(dict, dec); err != nil {
					return err
				}
			}
			continue
		}
		if dec, ok := pdfDecode(data, filters, pdfEarlyChange(dict)); ok {
			if decoded += len(dec); decoded > maxPDFDecoded {
				return errPDFTooMuch
			}
			if err := fn(dict, dec); err != nil {
				return err
			}
		}
	}
}

// pdfFilters returns the names of a stream's filters, in the order they
// undo the encoding: "/Filter /FlateDecode" or "/Filter [/A85 /Fl]".
func pdfFilters(dict []byte) []string {
	k := bytes.Index(dict, []byte("/Filter"))
	if k < 0 {
		return nil
	}
	rest := bytes.TrimLeft(dict[k+len("/Filter"):], " \r\n\t")
	array := len(rest) > 0 && rest[0] == '['
	if array {
		rest = rest[1:]
	}
	var names []string
	for {
		rest = bytes.TrimLeft(rest, " \r\n\t")
		if len(rest) == 0 || rest[0] != '/' {
			return names
		}
		e := 1
		for e < len(rest) && !bytes.ContainsRune([]byte(" \r\n\t/[]<>()"), rune(rest[e])) {
			e++
		}
		names = append(names, string(rest[1:e]))
		rest = rest[e:]
		if !array {
			return names
		}
	}
}

// pdfEarlyChange is the EarlyChange of a stream's LZW parameters: 1
// unless its dictionary says 0.
func pdfEarlyChange(dict []byte) int {
	k := bytes.Index(dict, []byte("/EarlyChange"))
	if k >= 0 && bytes.HasPrefix(bytes.TrimLeft(dict[k+len("/EarlyChange"):], " \r\n\t"), []byte("0")) {
		return 0
	}
	return 1
}

// pdfDecode undoes the filters breachdesk reads (Flate, LZW, ASCIIHex,
// ASCII85, RunLength, with their abbreviations); ok is false for any
// other (the image filters), whose streams hold no text it can read.
func pdfDecode(data []byte, filters []string, earlyChange int) ([]byte, bool) {
	for _, f := range filters {
		var err error
		switch f {
		case "FlateDecode", "Fl":
			var zr io.ReadCloser
			if zr, err = zlib.NewReader(bytes.NewReader(data)); err == nil {
				data, err = io.ReadAll(io.LimitReader(zr, maxInMemory))
				if len(data) > 0 {
					err = nil // a truncated stream still gives what came before
				}
			}
		case "LZWDecode", "LZW":
			data = lzwDecode(data, earlyChange)
		case "ASCIIHexDecode", "AHx":
			if e := bytes.IndexByte(data, '>'); e >= 0 {
				data = data[:e]
			}
			data = hexBytes(data)
		case "ASCII85Decode", "A85":
			data, err = ascii85Decode(data)
		case "RunLengthDecode", "RL":
			data = runLengthDecode(data)
		default:
			return nil, false
		}
		if err != nil {
			return nil, false
		}
	}
	return data, true
}

// ascii85Decode reads PDF's ASCII base-85, which ends at "~>".
func ascii85Decode(data []byte) ([]byte, error) {
	data = bytes.TrimPrefix(bytes.TrimSpace(data), []byte("<~"))
	if e := bytes.Index(data, []byte("~>")); e >= 0 {
		data = data[:e]
	}
	out := make([]byte, 4*len(data)/5+8+4*bytes.Count(data, []byte("z")))
	n, _, err := ascii85.Decode(out, data, true)
	return out[:n], err
}

// runLengthDecode undoes PDF's RunLengthDecode: a length byte n below 128
// copies n+1 bytes, above 128 repeats the next byte 257-n times, 128 ends.
func runLengthDecode(data []byte) []byte {
	var out []byte
	for i := 0; i < len(data) && len(out) < maxInMemory; {
		n := int(data[i])
		i++
		switch {
		case n < 128:
			end := min(i+n+1, len(data))
			out = append(out, data[i:end]...)
			i = end
		case n > 128 && i < len(data):
			out = append(out, bytes.Repeat(data[i:i+1], 257-n)...)
			i++
		default:
			return out
		}
	}
	return out
}

// identityCode marks a CMap that maps every code to itself.
const identityCode = 0xFFFF

// parseCMap adds a ToUnicode CMap's bfchar and bfrange entries to m.
func parseCMap(s []byte, m map[uint16]rune) {
	toks := pdfTokens(s)
	for i := 0; i < len(toks); i++ {
		switch string(toks[i]) {
		case "beginbfchar":
			for i++; i+1 < len(toks) && string(toks[i]) != "endbfchar"; i += 2 {
				if src, ok := hexCode(toks[i]); ok {
					if dst := hexRunes(toks[i+1]); len(dst) > 0 {
						m[src] = dst[0]
					}
				}
			}
		case "beginbfrange":
			for i++; i+2 < len(toks) && string(toks[i]) != "endbfrange"; i += 3 {
				lo, ok1 := hexCode(toks[i])
				hi, ok2 := hexCode(toks[i+1])
				if !ok1 || !ok2 || hi < lo {
					continue
				}
				if hi-lo > 10000 {
					// A range this wide maps codes to themselves (as fpdf
					// writes it): codes are UTF-16 as they stand.
					if dst := hexRunes(toks[i+2]); len(dst) > 0 && dst[0] == rune(lo) {
						m[identityCode] = 1
					}
					continue
				}
				if string(toks[i+2]) == "[" { // an array of destinations
					k := i + 3
					for c := lo; k < len(toks) && string(toks[k]) != "]"; c, k = c+1, k+1 {
						if dst := hexRunes(toks[k]); len(dst) > 0 {
							m[c] = dst[0]
						}
					}
					i = k - 2
					continue
				}
				if dst := hexRunes(toks[i+2]); len(dst) > 0 {
					for c := lo; c <= hi; c++ {
						m[c] = dst[0] + rune(c-lo)
						if c == 0xffff {
							break
						}
					}
				}
			}
		}
	}
}

func hexCode(t []byte) (uint16, bool) {
	if len(t) < 3 || t[0] != '<' {
		return 0, false
	}
	v, err := strconv.ParseUint(string(t[1:len(t)-1]), 16, 16)
	return uint16(v), err == nil
}

func hexRunes(t []byte) []rune {
	if len(t) < 3 || t[0] != '<' {
		return nil
	}
	raw := hexBytes(t[1 : len(t)-1])
	var out []rune
	for i := 0; i+1 < len(raw); i += 2 {
		out = append(out, rune(raw[i])<<8|rune(raw[i+1]))
	}
	return out
}

// hexDigit is the value of a hex digit, -1 for any other byte.
func hexDigit(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c|0x20 >= 'a' && c|0x20 <= 'f':
		return int(c|0x20-'a') + 10
	}
	return -1
}

// hexBytes reads hex digits in pairs, passing over anything else.
func hexBytes(h []byte) []byte { return appendHex(nil, h) }

// hexValue is each byte's value as a hex digit, -1 for other bytes.
var hexValue = func() (t [256]int8) {
	for c := range t {
		t[c] = int8(hexDigit(byte(c)))
	}
	return t
}()

// appendHex appends the bytes hex digits in pairs write, passing over
// anything else.
func appendHex(out, h []byte) []byte {
	i := 0
	// Pairs of digits, as hex strings mostly are, two at a time.
	for i+1 < len(h) {
		a, b := hexValue[h[i]], hexValue[h[i+1]]
		if a < 0 || b < 0 {
			break
		}
		out = append(out, byte(a)<<4|byte(b))
		i += 2
	}
	var hi byte
	half := false
	for _, c := range h[i:] {
		d := hexValue[c]
		if d < 0 {
			continue
		}
		if half {
			out = append(out, hi<<4|byte(d))
		} else {
			hi = byte(d)
		}
		half = !half
	}
	if half {
		out = append(out, hi<<4)
	}
	return out
}

// pdfTokens splits PDF syntax into tokens: strings (with their brackets),
// hex strings, names, numbers, operators and array brackets.
func pdfTokens(s []byte) [][]byte {
	var out [][]byte
	for i := 0; ; {
		t, next := pdfToken(s, i)
		if t == nil {
			return out
		}
		out = append(out, t)
		i = next
	}
}

// pdfDelims end a name, a number or an operator.
var pdfDelims = func() (t [256]bool) {
	for _, c := range []byte(" \n\r\t\f\x00()<>[]{}/%") {
		t[c] = true
	}
	return t
}()

// pdfToken returns the token at or after i and where the next one may
// start; nil at the end.
func pdfToken(s []byte, i int) ([]byte, int) {
	for i < len(s) {
		c := s[i]
		switch {
		case c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0:
			i++
		case c == '%':
			for i < len(s) && s[i] != '\n' && s[i] != '\r' {
				i++
			}
		case c == '(':
			j, depth := i+1, 1
			for j < len(s) && depth > 0 {
				switch s[j] {
				case '\\':
					j++
				case '(':
					depth++
				case ')':
					depth--
				}
				j++
			}
			return s[i:min(j, len(s))], j
		case c == '<' && i+1 < len(s) && s[i+1] == '<', c == '>' && i+1 < len(s) && s[i+1] == '>':
			return s[i : i+2], i + 2
		case c == '<':
			j := bytes.IndexByte(s[i:], '>')
			if j < 0 {
				return nil, len(s)
			}
			return s[i : i+j+1], i + j + 1
		case c == '[' || c == ']' || c == '{' || c == '}':
			return s[i : i+1], i + 1
		default:
			j := i + 1
			for j < len(s) && !pdfDelims[s[j]] {
				j++
			}
			return s[i:j], j
		}
	}
	return nil, len(s)
}

// appendLiteral appends a (string) token's bytes, its escapes undone.
func appendLiteral(out, t []byte) []byte {
	t = t[1:]
	if len(t) > 0 && t[len(t)-1] == ')' {
		t = t[:len(t)-1]
	}
	for i := 0; i < len(t); i++ {
		c := t[i]
		if c != '\\' || i+1 >= len(t) {
			out = append(out, c)
			continue
		}
		i++
		switch e := t[i]; e {
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'b', 'f':
		case '\r', '\n':
		default:
			if e >= '0' && e <= '7' {
				v := 0
				k := 0
				for ; k < 3 && i+k < len(t) && t[i+k] >= '0' && t[i+k] <= '7'; k++ {
					v = v*8 + int(t[i+k]-'0')
				}
				i += k - 1
				out = append(out, byte(v))
			} else {
				out = append(out, e)
			}
		}
	}
	return out
}

// decodeString turns a shown string into UTF-8: through the ToUnicode
// codes when every two-byte code has one, else as Latin-1.
func decodeString(raw []byte, cmap map[uint16]rune, out []byte) []byte {
	if len(raw)%2 == 0 && len(raw) > 0 {
		if _, identity := cmap[identityCode]; identity {
			// UTF-16 as it stands, surrogate pairs joined.
			for i := 0; i < len(raw); i += 2 {
				r := rune(raw[i])<<8 | rune(raw[i+1])
				if utf16.IsSurrogate(r) && i+3 < len(raw) {
					if d := utf16.DecodeRune(r, rune(raw[i+2])<<8|rune(raw[i+3])); d != utf8.RuneError {
						out = utf8.AppendRune(out, d)
						i += 2
						continue
					}
				}
				if utf16.IsSurrogate(r) {
					r = utf8.RuneError
				}
				out = utf8.AppendRune(out, r)
			}
			return out
		}
		if len(cmap) > 0 {
			start := len(out)
			for i := 0; i < len(raw); i += 2 {
				r, found := cmap[uint16(raw[i])<<8|uint16(raw[i+1])]
				if !found {
					out = out[:start]
					goto latin1
				}
				out = utf8.AppendRune(out, r)
			}
			return out
		}
	}
latin1:
	for _, c := range raw {
		out = utf8.AppendRune(out, rune(c))
	}
	return out
}

// pdfTextReader runs content streams' text operators into lines,
// reusing its buffers from one stream to the next.
type pdfTextReader struct {
	cur, raw []byte
	operands [][]byte
}

// pdfText is a content stream's lines (for tests).
func pdfText(s []byte, cmap map[uint16]rune) [][]byte {
	var out [][]byte
	var pt pdfTextReader
	pt.lines(s, cmap, func(l []byte) { out = append(out, append([]byte(nil), l...)) })
	return out
}

// lines calls fn with each line of a content stream's text (valid during
// the call).
func (pt *pdfTextReader) lines(s []byte, cmap map[uint16]rune, fn func([]byte)) {
	pt.cur, pt.operands = pt.cur[:0], pt.operands[:0]
	newline := func() {
		fn(pt.cur)
		pt.cur = pt.cur[:0]
	}
	show := func(t []byte) {
		switch {
		case len(t) > 0 && t[0] == '(':
			pt.raw = appendLiteral(pt.raw[:0], t)
		case len(t) > 1 && t[0] == '<':
			pt.raw = appendHex(pt.raw[:0], t[1:len(t)-1])
		default:
			return
		}
		pt.cur = decodeString(pt.raw, cmap, pt.cur)
	}
	for i := 0; ; {
		t, next := pdfToken(s, i)
		if t == nil {
			break
		}
		i = next
		switch string(t) {
		case "Tj":
			if len(pt.operands) > 0 {
				show(pt.operands[len(pt.operands)-1])
			}
		case "'", "\"":
			newline()
			if len(pt.operands) > 0 {
				show(pt.operands[len(pt.operands)-1])
			}
		case "TJ":
			for _, o := range pt.operands {
				if c := o[0]; c == '-' || c == '.' || isDigit(c) {
					if n, err := strconv.ParseFloat(string(o), 64); err == nil && n < -200 {
						pt.cur = append(pt.cur, ' ')
					}
					continue
				}
				show(o)
			}
		case "Td", "TD", "T*", "ET", "Tm":
			if len(pt.cur) > 0 {
				newline()
			}
		default:
			c := t[0]
			if c == '(' || c == '<' || c == '[' || c == ']' || c == '/' || c == '-' || c == '.' || (c >= '0' && c <= '9') {
				if c != '[' && c != ']' {
					pt.operands = append(pt.operands, t)
				} else if c == '[' {
					pt.operands = pt.operands[:0]
				}
				continue
			}
		}
		if c := t[0]; c != '[' && c != ']' {
			pt.operands = pt.operands[:0]
		}
	}
	if len(pt.cur) > 0 {
		newline()
	}
}
