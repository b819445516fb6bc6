// Package pdftest reads PDFs back for tests with poppler's pdftotext: the
// words with their boxes, to check that text reads as written and that no
// text is printed over another.
package pdftest

import (
	"encoding/xml"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Word is one word of a page and its box, in points from the top left.
type Word struct {
	Page                   int
	Text                   string
	XMin, YMin, XMax, YMax float64
}

// Words returns the words of pdf, page by page. The test is skipped when
// pdftotext is not installed, and fails then under CI=true.
func Words(t testing.TB, pdf []byte) []Word {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI=true but pdftotext (poppler-utils) is missing")
		}
		t.Skip("pdftotext not installed (poppler-utils)")
	}
	f := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(f, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-bbox", f, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	var doc struct {
		Pages []struct {
			Words []struct {
				XMin float64 `xml:"xMin,attr"`
				YMin float64 `xml:"yMin,attr"`
				XMax float64 `xml:"xMax,attr"`
				YMax float64 `xml:"yMax,attr"`
				Text string  `xml:",chardata"`
			} `xml:"word"`
		} `xml:"body>doc>page"`
	}
	dec := xml.NewDecoder(strings.NewReader(string(out)))
	dec.Strict = false
	dec.AutoClose = xml.HTMLAutoClose
	dec.Entity = xml.HTMLEntity
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("reading pdftotext's words: %v", err)
	}
	var words []Word
	for i, p := range doc.Pages {
		for _, w := range p.Words {
			words = append(words, Word{Page: i + 1, Text: w.Text, XMin: w.XMin, YMin: w.YMin, XMax: w.XMax, YMax: w.YMax})
		}
	}
	return words
}

// Text joins the words of every page with spaces, for looking for phrases.
func Text(words []Word) string {
	parts := make([]string, len(words))
	for i, w := range words {
		parts[i] = w.Text
	}
	return strings.Join(parts, " ")
}

// Overlaps lists the pairs of words printed over each other: boxes on the
// same page that cross by more than a sliver (a quarter of a point).
func Overlaps(words []Word) []string {
	const slack = 0.25
	var out []string
	for i := range words {
		a := words[i]
		for j := i + 1; j < len(words); j++ {
			b := words[j]
			if a.Page != b.Page {
				continue
			}
			if a.XMin+slack < b.XMax && b.XMin+slack < a.XMax && a.YMin+slack < b.YMax && b.YMin+slack < a.YMax {
				out = append(out, fmt.Sprintf("page %d: %q over %q", a.Page, a.Text, b.Text))
			}
		}
	}
	return out
}
