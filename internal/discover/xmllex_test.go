package discover

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"testing/iotest"
)

// xmlEvents is the lexer's tokens, text runs joined as encoding/xml
// joins them.
func xmlEvents(b []byte, slow bool) ([]string, error) {
	var r io.Reader = bytes.NewReader(b)
	if slow {
		r = iotest.OneByteReader(r)
	}
	l := newXMLLexer(r)
	var out []string
	for {
		kind, err := l.next()
		if err != nil || kind == xEOF {
			return out, err
		}
		switch kind {
		case xStart:
			v, _ := l.attr("val")
			out = append(out, "<"+string(l.name)+" "+string(v))
		case xEnd:
			out = append(out, "/"+string(l.name))
		case xText:
			if n := len(out); n > 0 && strings.HasPrefix(out[n-1], "t:") {
				out[n-1] += string(l.text)
			} else {
				out = append(out, "t:"+string(l.text))
			}
		}
	}
}

// decoderEvents is encoding/xml's raw tokens in the same terms.
func decoderEvents(b []byte) ([]string, error) {
	dec := xml.NewDecoder(bytes.NewReader(b))
	var out []string
	for {
		tok, err := dec.RawToken()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			v := ""
			for _, a := range t.Attr {
				if a.Name.Local == "val" {
					v = a.Value
				}
			}
			out = append(out, "<"+t.Name.Local+" "+v)
		case xml.EndElement:
			out = append(out, "/"+t.Name.Local)
		case xml.CharData:
			if n := len(out); n > 0 && strings.HasPrefix(out[n-1], "t:") {
				out[n-1] += string(t)
			} else {
				out = append(out, "t:"+string(t))
			}
		}
	}
}

// The lexer reads office XML as encoding/xml does: names without their
// prefixes, attributes, text with entities and character references
// undone, CDATA, comments and processing instructions passed over,
// across buffer boundaries.
func TestXMLLexerAgreesWithEncodingXML(t *testing.T) {
	docs := []string{
		`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="x"><w:body><w:p><w:r><w:t xml:space="preserve">Dear Ms O&apos;Brien &amp; Mr Lee</w:t></w:r><w:tab/><w:t>&#233;&#x1F600;&lt;b&gt;</w:t></w:p></w:body></w:document>`,
		`<sst><si><t>a</t></si><si><r><t>b</t></r><r><t>c</t></r></si><!-- a comment with <tags> --><si><t><![CDATA[x <y> & z]]></t></si></sst>`,
		`<sheet><row r="2"><c r="B2" t="s" val='single &quot;quoted&quot;'><v>1</v></c><c r="C2"/></row></sheet>`,
	}
	r := rand.New(rand.NewPCG(7, 8))
	for range 200 {
		var b strings.Builder
		b.WriteString("<root>")
		for range r.IntN(400) {
			switch r.IntN(6) {
			case 0:
				fmt.Fprintf(&b, `<w:t val="%d&amp;x">`, r.IntN(100))
			case 1:
				b.WriteString("</w:t>")
			case 2:
				b.WriteString(strings.Repeat("text &amp; more &#233; ", 1+r.IntN(400)))
			case 3:
				b.WriteString("<br/>")
			case 4:
				b.WriteString("<!-- note -->")
			default:
				b.WriteString("<![CDATA[raw <" + strings.Repeat("z", r.IntN(100)) + "]]>")
			}
		}
		b.WriteString("</root>")
		docs = append(docs, b.String())
	}
	for _, d := range docs {
		want, err := decoderEvents([]byte(d))
		if err != nil {
			t.Fatalf("encoding/xml: %v on %q", err, d)
		}
		for _, slow := range []bool{false, true} {
			got, err := xmlEvents([]byte(d), slow)
			if err != nil || fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("slow %v:\n got %.300v (%v)\nwant %.300v", slow, got, err, want)
			}
		}
	}
	// A tag or a text of more than 16 MiB stops the read.
	for _, d := range []string{"<a>" + strings.Repeat("x", maxLine+10) + "</a>", "<a " + strings.Repeat("x", maxLine+10) + ">",
		"<a><![CDATA[" + strings.Repeat("x", maxLine+10) + "]]></a>"} {
		if _, err := xmlEvents([]byte(d), false); err != errValueTooLong {
			t.Errorf("a value of 16 MiB: %v", err)
		}
	}
}

func FuzzXMLLexer(f *testing.F) {
	f.Add([]byte(`<w:p><w:t a="1">x&amp;y</w:t><!-- c --><![CDATA[z]]></w:p>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		xmlEvents(b, false)
	})
}
