package discover

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// needTesseract skips a test when Tesseract is not installed, but under
// CI, which installs it, fails it.
func needTesseract(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("tesseract"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI=true but tesseract is not installed")
		}
		t.Skip("tesseract is not installed")
	}
}

// renderPage draws lines of text in black on a white page, as a scanner
// would see a printed form at 300 dpi.
func renderPage(t testing.TB, lines []string) *image.Gray {
	t.Helper()
	f, err := opentype.Parse(goregular.TTF)
	if err != nil {
		t.Fatal(err)
	}
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: 11, DPI: 300, Hinting: font.HintingFull})
	if err != nil {
		t.Fatal(err)
	}
	img := image.NewGray(image.Rect(0, 0, 2480, 280+len(lines)*110))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	d := &font.Drawer{Dst: img, Src: image.NewUniform(color.Black), Face: face}
	for i, l := range lines {
		d.Dot = fixed.P(180, 220+i*110)
		d.DrawString(l)
	}
	return img
}

// scannedForm is one person's form: the lines and what they plant.
func scannedForm(x person) ([]string, []planted) {
	lines := []string{
		"Application for a refund",
		"Name: " + x.first + " " + x.last,
		"Email: " + x.email,
		"IRD number: " + dashedIRD(x.ird),
		"Card number: " + spaced(x.card, 4, 4, 4, 4),
		"Mobile: " + x.phone,
		"Signed on 12 March 2026",
	}
	return lines, []planted{{t: Email, norm: x.email}, {t: NZIRD, norm: x.ird}, {t: CreditCard, norm: x.card}, {t: Phone, norm: x.phoneNorm}}
}

// imagePDF writes pages as an image-only PDF, each page one image, as a
// scanner's PDF is: JPEG or PNG (which fpdf stores as Flate with PNG
// predictors).
func imagePDF(t *testing.T, pages []*image.Gray, kind string) []byte {
	t.Helper()
	pdf := fpdf.New("P", "mm", "A4", "")
	for k, img := range pages {
		var b bytes.Buffer
		var err error
		if kind == "JPG" {
			err = jpeg.Encode(&b, img, &jpeg.Options{Quality: 90})
		} else {
			err = png.Encode(&b, img)
		}
		if err != nil {
			t.Fatal(err)
		}
		name := fmt.Sprintf("page%d", k)
		pdf.RegisterImageOptionsReader(name, fpdf.ImageOptions{ImageType: kind}, &b)
		pdf.AddPage()
		pdf.ImageOptions(name, 0, 0, 210, 0, false, fpdf.ImageOptions{ImageType: kind}, 0, "")
	}
	var out bytes.Buffer
	if err := pdf.Output(&out); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// Scanned forms, as images and as image-only PDFs, are read through
// Tesseract: the test prints each type's precision and recall and the
// pages read per second.
func TestOCR(t *testing.T) {
	if testing.Short() {
		t.Skip("OCR of 12 pages takes 10-20 s")
	}
	needTesseract(t)
	r := rand.New(rand.NewPCG(11, 12))
	dir := t.TempDir()
	var truth []planted
	var jpgPages, pngPages []*image.Gray
	n := 12
	for i := 0; i < n; i++ {
		lines, plants := scannedForm(newPerson(r, i))
		img := renderPage(t, lines)
		var path string
		switch i % 4 {
		case 0, 1:
			path = fmt.Sprintf("scans/form-%d.png", i)
			var b bytes.Buffer
			png.Encode(&b, img)
			os.MkdirAll(filepath.Join(dir, "scans"), 0o755)
			os.WriteFile(filepath.Join(dir, path), b.Bytes(), 0o644)
		case 2:
			jpgPages = append(jpgPages, img)
			path = "scans/jpeg.pdf"
		case 3:
			pngPages = append(pngPages, img)
			path = "scans/flate.pdf"
		}
		for _, p := range plants {
			p.path = path
			truth = append(truth, p)
		}
	}
	os.WriteFile(filepath.Join(dir, "scans/jpeg.pdf"), imagePDF(t, jpgPages, "JPG"), 0o644)
	os.WriteFile(filepath.Join(dir, "scans/flate.pdf"), imagePDF(t, pngPages, "PNG"), 0o644)
	key := []byte("ocr test key")
	var out bytes.Buffer
	start := time.Now()
	sum, res, err := Scan(context.Background(), []string{dir}, Options{Key: key, Findings: &out})
	if err != nil {
		t.Fatal(err)
	}
	elapsed := time.Since(start)
	if len(sum.Skipped) != 0 || sum.OCRImages != int64(n) {
		t.Fatalf("%d images read by OCR of %d, skipped %+v", sum.OCRImages, n, sum.Skipped)
	}
	// A PDF's images are numbered in the order its streams hold them,
	// which need not be the pages' order (fpdf writes them from a map):
	// a PDF's findings are scored against the PDF as a whole.
	sc := score(t, truth, key, bytes.NewBuffer(regexp.MustCompile(`!/image-[0-9]+`).ReplaceAll(out.Bytes(), nil)))
	for _, ty := range []Type{Email, NZIRD, CreditCard, Phone} {
		x := sc[""][ty]
		prec, rec := ratio(x.correct, x.reported), ratio(x.correct, x.planted)
		t.Logf("%-12s planted %3d reported %3d precision %.3f recall %.3f", ty, x.planted, x.reported, prec, rec)
		// OCR misreads characters (a 0 or a 1 before an email's @, most
		// often): these bounds catch a broken pipeline, not OCR's errors.
		if prec < 0.5 || rec < 0.5 {
			t.Errorf("%s: precision %.3f, recall %.3f from OCR", ty, prec, rec)
		}
	}
	t.Logf("OCR: %d pages in %.1f s of Tesseract (%.2f pages/s per process), %.1f s in all with %d workers (%.2f pages/s)",
		sum.OCRImages, sum.OCRSeconds, float64(sum.OCRImages)/sum.OCRSeconds, elapsed.Seconds(), runtime.GOMAXPROCS(0), float64(n)/elapsed.Seconds())
	if res.Count() < n {
		t.Errorf("%d people from %d forms", res.Count(), n)
	}
}

// Without Tesseract, images and the scanned pages of PDFs are listed as
// not read, with the reason; the rest of the scan goes on.
func TestOCRWithoutTesseract(t *testing.T) {
	t.Setenv("BREACHDESK_TESSERACT", "/nonexistent/tesseract")
	img := renderPage(t, []string{"Email: aroha@example.nz"})
	var b bytes.Buffer
	png.Encode(&b, img)
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "passport.png"), b.Bytes(), 0o644)
	os.WriteFile(filepath.Join(dir, "scan.pdf"), imagePDF(t, []*image.Gray{img, renderPage(t, []string{"page 2"})}, "JPG"), 0o644)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("ben@example.nz\n"), 0o644)
	sum, _, err := Scan(context.Background(), []string{dir}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Skipped) != 2 || !strings.Contains(sum.Skipped[0].Reason, "Tesseract OCR is not installed") ||
		!strings.Contains(sum.Skipped[1].Reason, "2 scanned page images not read") || sum.Findings != 1 {
		t.Fatalf("skipped %+v, findings %d", sum.Skipped, sum.Findings)
	}
}

func FuzzPDFImages(f *testing.F) {
	f.Add([]byte("/Subtype /Image /Width 4 /Height 2 /ColorSpace /DeviceGray /BitsPerComponent 8 /DecodeParms <</Predictor 15 /Columns 4>>"),
		[]byte{2, 1, 2, 3, 4, 4, 9, 9, 9, 9})
	f.Add([]byte("/Width 2 /Height 1 /ColorSpace /DeviceRGB /BitsPerComponent 8"), []byte{1, 2, 3, 4, 5, 6})
	f.Fuzz(func(t *testing.T, dict, data []byte) {
		if img, _, _ := pdfImage(dict, data); img != nil && !bytes.Contains(dict, []byte("DCT")) {
			if _, err := png.Decode(bytes.NewReader(img)); err != nil {
				t.Fatalf("not an image: %v", err)
			}
		}
	})
}

func TestOCRClean(t *testing.T) {
	for in, want := range map[string]string{
		"Email: noah.nguyen2 @ example.com.au": "Email: noah.nguyen2@example.com.au",
		"xin.brown@@ example.com.au":           "xin.brown@example.com.au",
		"jack @example.co.nz":                  "jack@example.co.nz",
		"IRD number: 12—764-065":               "IRD number: 12-764-065",
		"meet @ 5pm":                           "meet@5pm", // a word on both sides: taken for an address, which the detector then weighs
		"at @ the end @":                       "at@the end @",
	} {
		if got := string(ocrClean([]byte(in))); got != want {
			t.Errorf("ocrClean(%q) = %q, want %q", in, got, want)
		}
	}
}
