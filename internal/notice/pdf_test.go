package notice

import (
	"bytes"
	"os"
	"os/exec"
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
