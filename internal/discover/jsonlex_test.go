package discover

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf8"
)

// lexTokens is the lexer's tokens in json.Decoder's terms, reading one
// byte at a time when slow is set (every token then crosses a refill).
func lexTokens(b []byte, slow bool) ([]string, error) {
	var r io.Reader = bytes.NewReader(b)
	if slow {
		r = iotest.OneByteReader(r)
	}
	l := newJSONLexer(r)
	var out []string
	for {
		kind, tok, err := l.next(nil)
		if err != nil {
			return out, err
		}
		switch kind {
		case tEOF:
			return out, nil
		case tBeginObject:
			out = append(out, "{")
		case tEndObject:
			out = append(out, "}")
		case tBeginArray:
			out = append(out, "[")
		case tEndArray:
			out = append(out, "]")
		case tKey, tString:
			out = append(out, "s:"+string(tok))
		default:
			out = append(out, "v:"+string(tok))
		}
	}
}

// decoderTokens is json.Decoder's tokens, numbers as written; input
// that ends inside an object or array is an error (Token does not say).
func decoderTokens(b []byte) ([]string, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var out []string
	depth := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			if depth > 0 {
				return out, io.ErrUnexpectedEOF
			}
			return out, nil
		}
		if err != nil {
			return out, err
		}
		switch t := tok.(type) {
		case json.Delim:
			out = append(out, t.String())
			if t == '{' || t == '[' {
				depth++
			} else {
				depth--
			}
		case string:
			out = append(out, "s:"+t)
		case json.Number:
			out = append(out, "v:"+string(t))
		case bool:
			out = append(out, fmt.Sprint("v:", t))
		case nil:
			out = append(out, "v:null")
		}
	}
}

// randomJSON writes a random value: objects, arrays, strings with
// escapes and non-ASCII text, numbers in every shape, literals.
func randomJSON(r *rand.Rand, b *bytes.Buffer, depth int) {
	space := func() {
		for range r.IntN(3) {
			b.WriteByte(" \t\n\r"[r.IntN(4)])
		}
	}
	str := func() {
		var s strings.Builder
		for range r.IntN(12) {
			switch r.IntN(8) {
			case 0:
				s.WriteString([]string{`\"`, `\\`, `\/`, `\b`, `\f`, `\n`, `\r`, `\t`, `\u00e9`, `\ud83d\ude00`, `\ud800`, `\u0041`}[r.IntN(12)])
			case 1:
				s.WriteString("ā😀é")
			default:
				s.WriteByte("abcXYZ019 @.-"[r.IntN(13)])
			}
		}
		b.WriteString(`"` + s.String() + `"`)
	}
	space()
	switch k := r.IntN(8); {
	case k < 2 && depth < 6:
		b.WriteByte('{')
		for i := range r.IntN(4) {
			if i > 0 {
				b.WriteByte(',')
			}
			space()
			str()
			space()
			b.WriteByte(':')
			randomJSON(r, b, depth+1)
		}
		space()
		b.WriteByte('}')
	case k < 4 && depth < 6:
		b.WriteByte('[')
		for i := range r.IntN(4) {
			if i > 0 {
				b.WriteByte(',')
			}
			randomJSON(r, b, depth+1)
		}
		space()
		b.WriteByte(']')
	case k < 6:
		str()
	case k == 6:
		b.WriteString([]string{"0", "-0", "12", "-3.25", "1e9", "2.5E-3", "4111111111111111", "1E+2", "0.0"}[r.IntN(9)])
	default:
		b.WriteString([]string{"true", "false", "null"}[r.IntN(3)])
	}
	space()
}

// The lexer reads what json.Decoder reads, token for token, and refuses
// what it refuses.
func TestJSONLexerAgreesWithEncodingJSON(t *testing.T) {
	texts := []string{`{}`, `[]`, `[1,2,3]`, `{"a":{"b":[true,false,null]}}`, `"x" 1 {"y":2}` + "\n[3]", `{"a":"\u00e9\ud83d\ude00\ud800x"}`,
		`  {"a" : [ ] , "b" : { } }  `}
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		var b bytes.Buffer
		randomJSON(r, &b, 0)
		texts = append(texts, b.String())
	}
	for _, text := range texts {
		want, werr := decoderTokens([]byte(text))
		for _, slow := range []bool{false, true} {
			got, err := lexTokens([]byte(text), slow)
			if (err != nil) != (werr != nil) || fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("%q (slow %v):\n got %v (%v)\nwant %v (%v)", text, slow, got, err, want, werr)
			}
		}
	}
	for _, bad := range []string{`{"a" 1}`, `[1,]`, `{"a":1,}`, `[1 2]`, `{1:2}`, `1.`, `-`, `1e`, `tru`, `nul`, `"a`, "\"a\x01\"", `"\x"`, `"\u12"`,
		`{"a":1]`, `[}`, `]`, `{"a":}`, `[1`, `{"a"`, `truex`, `1a`, `[01]`} {
		if _, err := lexTokens([]byte(bad), false); err == nil {
			t.Errorf("%q: no error", bad)
		}
		if _, err := decoderTokens([]byte(bad)); err == nil {
			t.Errorf("%q: encoding/json takes it: the case is wrong", bad)
		}
	}
}

func FuzzJSONLexer(f *testing.F) {
	for _, s := range []string{`{"a":[1,"x\n",true]}`, `[{"given":["A"],"family":"B"}]`, `"\ud83d\ude00"`, "1 2\n{}"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := lexTokens(b, false)
		if !utf8.Valid(b) {
			return // encoding/json replaces invalid UTF-8; the lexer keeps it
		}
		want, werr := decoderTokens(b)
		if werr == nil && (err != nil || fmt.Sprint(got) != fmt.Sprint(want)) {
			t.Fatalf("%q: got %v (%v), want %v", b, got, err, want)
		}
		if werr != nil && err == nil && json.Valid(b) {
			t.Fatalf("%q: json.Valid but the decoder failed: %v", b, werr)
		}
	})
}
