package notice

import (
	"bytes"
	"math"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestLetterPDF renders a personalised letter on A4 and US Letter and
// reads its text back with pdftotext: the address block comes first (it
// sits in the envelope window), accents survive the embedded font.
func TestLetterPDF(t *testing.T) {
	tpl, _ := LoadTemplates("en")
	d := example(t, "../../examples/retailer-card-skimming.yaml", Individual)
	d.Person = &Person{Name: "Aroha Te Whare-Ngāti", Address: []string{"12 Kōwhai Street", "Ōtaki 5512"}}
	doc, err := tpl.Render(d)
	if err != nil {
		t.Fatal(err)
	}
	for _, paper := range []Paper{A4, Letter} {
		var b bytes.Buffer
		if err := doc.WriteLetter(&b, d, paper); err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(b.Bytes(), []byte("%PDF-")) || !bytes.Contains(b.Bytes(), []byte("/FontFile2")) {
			t.Fatalf("%s: not a PDF with the embedded font", paper)
		}
		pdftotext, err := exec.LookPath("pdftotext")
		if err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatal("CI=true but pdftotext is missing")
			}
			t.Skip("pdftotext not installed")
		}
		f := t.TempDir() + "/letter.pdf"
		os.WriteFile(f, b.Bytes(), 0o644)
		out, err := exec.Command(pdftotext, "-layout", f, "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		text := string(out)
		for _, want := range []string{"Aroha Te Whare-Ngāti", "12 Kōwhai Street", "Ōtaki 5512", "Dear Aroha Te Whare-Ngāti", "What you can do", "your payment card details", "oaic.gov.au"} {
			if !strings.Contains(text, want) {
				t.Errorf("%s letter lacks %q", paper, want)
			}
		}
		if strings.Index(text, "12 Kōwhai Street") > strings.Index(text, "What happened") {
			t.Errorf("%s: the address block must come before the letter body", paper)
		}
	}
}

func TestSMSAndPhoneScript(t *testing.T) {
	d := example(t, "../../examples/retailer-card-skimming.yaml", Individual)
	if _, err := d.SMS(); err == nil {
		t.Fatal("an SMS without a notice page to link to must fail")
	}
	d.NoticeURL = "https://shop.example/notices/2026-03"
	d.Person = &Person{Name: "Mei Chen"}
	s, err := d.SMS()
	if err != nil || SMSSegments(s) > 2 || !strings.HasPrefix(s, "Mei, ") || !strings.Contains(s, d.NoticeURL) {
		t.Fatalf("sms %q: %v", s, err)
	}
	d.NoticeURL = "https://shop.example/" + strings.Repeat("x", 300)
	if _, err := d.SMS(); err == nil {
		t.Fatal("an SMS over two parts must fail")
	}
	if SMSSegments(strings.Repeat("a", 160)) != 1 || SMSSegments(strings.Repeat("a", 161)) != 2 || SMSSegments(strings.Repeat("ā", 71)) != 2 {
		t.Fatal("segment arithmetic")
	}
	tpl, _ := LoadTemplates("en")
	doc, _ := tpl.Render(d)
	script := doc.PhoneScript(d.Org.Name)
	if script.Sections[0].Heading != "Before you start" || script.Section("Say: what you can do") == nil {
		t.Fatalf("phone script: %+v", script.Sections)
	}
}

func TestHTMLIsEscaped(t *testing.T) {
	doc := Document{Title: "<script>x</script>", Sections: []Section{{Heading: "H", Blocks: []Block{{Kind: Paragraph, Text: "a <b>bold</b> claim"}}}}}
	b, err := doc.HTML("en", "desc")
	if err != nil || bytes.Contains(b, []byte("<script>x")) || !bytes.Contains(b, []byte("&lt;b&gt;bold")) {
		t.Fatalf("html not escaped: %s", b)
	}
}

func TestBatchOfLetters(t *testing.T) {
	pdftotext, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Skip("pdftotext not installed")
	}
	tpl, _ := LoadTemplates("en")
	base := example(t, "../../examples/retailer-card-skimming.yaml", Individual)
	b := NewBatch(Letter)
	people := syntheticPeople(3)
	for i := range people {
		d := base
		d.Person = &people[i]
		doc, _ := tpl.Render(d)
		b.AddLetter(doc, d)
	}
	f := t.TempDir() + "/run.pdf"
	out, _ := os.Create(f)
	if err := b.Write(out); err != nil {
		t.Fatal(err)
	}
	out.Close()
	text, err := exec.Command(pdftotext, f, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range people {
		if bytes.Count(text, []byte("Dear "+p.Name)) != 1 {
			t.Errorf("letter for %s missing or repeated", p.Name)
		}
	}
	if bytes.Count(text, []byte("Page 1")) != 3 {
		t.Errorf("each letter's pages are numbered from 1: %d first pages", bytes.Count(text, []byte("Page 1")))
	}
}

// TestBatchLettersReadAsAlone: in a print run the text letters share is
// laid out once and placed on each later letter's pages; every letter
// must still read, word for word and page for page, as the same letter
// printed on its own, each word in the same place and of the same size
// (pdftotext -bbox, to a twentieth of a point), including the blocks that
// cross a page and are laid out in place.
func TestBatchLettersReadAsAlone(t *testing.T) {
	pdftotext, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI=true but pdftotext is missing")
		}
		t.Skip("pdftotext not installed")
	}
	dir := t.TempDir()
	read := func(name string, pdf func(f *os.File) error, first, last int) []pdfWord {
		t.Helper()
		path := dir + "/" + name
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := pdf(f); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(pdftotext, "-bbox", "-f", itoa(first), "-l", itoa(last), path, "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		return pdfWords(t, string(out))
	}
	tpl, err := LoadTemplates("en")
	if err != nil {
		t.Fatal(err)
	}
	base := example(t, "../../examples/retailer-card-skimming.yaml", Individual)
	people := syntheticPeople(4)
	b := NewBatch(A4)
	var first, last []int
	var docs []Document
	for i := range people {
		d := base
		d.Person = &people[i]
		doc, err := tpl.Render(d)
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, doc)
		first = append(first, b.Pages()+1)
		b.AddLetter(doc, d)
		last = append(last, b.Pages())
	}
	var raw bytes.Buffer
	if err := b.Write(&raw); err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(raw.Bytes(), []byte("/Subtype /Form")); n == 0 || n > 40 {
		t.Errorf("the shared text should be laid out once as forms: %d forms", n)
	}
	for i := range people {
		if last[i] == first[i] {
			t.Fatalf("letter %d fits one page: the test needs letters that cross pages", i)
		}
		inBatch := read("run.pdf", func(f *os.File) error { _, err := f.Write(raw.Bytes()); return err }, first[i], last[i])
		d := base
		d.Person = &people[i]
		alone := read("alone.pdf", func(f *os.File) error { return docs[i].WriteLetter(f, d, A4) }, 1, last[i]-first[i]+1)
		if len(inBatch) != len(alone) {
			t.Fatalf("letter %d: %d words in the run, %d alone", i, len(inBatch), len(alone))
		}
		var text []string
		for j, w := range inBatch {
			a := alone[j]
			text = append(text, w.text)
			if w.text != a.text || w.page != a.page || math.Abs(w.x0-a.x0) > 0.05 || math.Abs(w.y0-a.y0) > 0.05 || math.Abs(w.x1-a.x1) > 0.05 || math.Abs(w.y1-a.y1) > 0.05 {
				t.Fatalf("letter %d, word %d: %+v in the run, %+v alone", i, j, w, a)
			}
		}
		if s := strings.Join(text, " "); !strings.Contains(s, "Dear "+people[i].Name) || !strings.Contains(s, "Page 2") {
			t.Errorf("letter %d lacks its greeting or its second page's number", i)
		}
	}
}

// pdfWord is a word pdftotext -bbox read, on its page (from 1).
type pdfWord struct {
	text           string
	page           int
	x0, y0, x1, y1 float64
}

var bboxWord = regexp.MustCompile(`<word xMin="([0-9.]+)" yMin="([0-9.]+)" xMax="([0-9.]+)" yMax="([0-9.]+)">([^<]*)</word>`)

func pdfWords(t *testing.T, html string) []pdfWord {
	t.Helper()
	var out []pdfWord
	for page, p := range strings.Split(html, "<page ")[1:] {
		for _, m := range bboxWord.FindAllStringSubmatch(p, -1) {
			w := pdfWord{text: m[5], page: page + 1}
			for k, f := range []*float64{&w.x0, &w.y0, &w.x1, &w.y1} {
				v, err := strconv.ParseFloat(m[k+1], 64)
				if err != nil {
					t.Fatal(err)
				}
				*f = v
			}
			out = append(out, w)
		}
	}
	if len(out) == 0 {
		t.Fatal("pdftotext read no words")
	}
	return out
}
