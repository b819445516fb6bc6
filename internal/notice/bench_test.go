package notice

import (
	"bytes"
	"testing"
)

// BenchmarkPersonalisedNotices renders a personalised notice as text and
// HTML per iteration; run with -benchtime 1000000x for the million.
func BenchmarkPersonalisedNotices(b *testing.B) {
	tpl, _ := LoadTemplates("en")
	base := example(b, "../../examples/retailer-card-skimming.yaml", Individual)
	people := syntheticPeople(1000)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		d := base
		d.Person = &people[i%len(people)]
		doc, err := tpl.Render(d)
		if err != nil {
			b.Fatal(err)
		}
		_ = doc.Text(72)
		if _, err := doc.HTML("en", ""); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "notices/s")
}

// BenchmarkPDFLetters renders personalised A4 letters with embedded fonts.
func BenchmarkPDFLetters(b *testing.B) {
	tpl, _ := LoadTemplates("en")
	base := example(b, "../../examples/retailer-card-skimming.yaml", Individual)
	people := syntheticPeople(1000)
	var buf bytes.Buffer
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		d := base
		d.Person = &people[i%len(people)]
		doc, _ := tpl.Render(d)
		buf.Reset()
		if err := doc.WriteLetter(&buf, d, A4); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "letters/s")
}

// BenchmarkPDFLetterBatch lays out personalised letters in print runs of
// 1,000 per PDF, the way a mail house takes them.
func BenchmarkPDFLetterBatch(b *testing.B) {
	tpl, _ := LoadTemplates("en")
	base := example(b, "../../examples/retailer-card-skimming.yaml", Individual)
	people := syntheticPeople(1000)
	var buf bytes.Buffer
	b.ResetTimer()
	var batch *Batch
	for i := 0; i < b.N; i++ {
		if i%1000 == 0 {
			if batch != nil {
				buf.Reset()
				if err := batch.Write(&buf); err != nil {
					b.Fatal(err)
				}
			}
			batch = NewBatch(A4)
		}
		d := base
		d.Person = &people[i%len(people)]
		doc, _ := tpl.Render(d)
		batch.AddLetter(doc, d)
	}
	buf.Reset()
	if err := batch.Write(&buf); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "letters/s")
}
