package discover

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"image"
	_ "image/gif" // image.DecodeConfig reads the sizes of the formats Tesseract takes
	_ "image/jpeg"
	_ "image/png"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// Scanned images (passport and licence scans, signed forms) and the
// images of image-only PDF pages are read through Tesseract, run as a
// separate process per image, with a time and a memory bound. When
// Tesseract is not installed the images are listed as not read, with
// the reason.

// Bounds on one image and on its OCR process.
const (
	maxOCRImage   = 64 << 20 // bytes of an image file
	maxOCRPixels  = 100e6    // width times height
	maxOCRText    = 16 << 20 // text Tesseract may write
	ocrTimeout    = 2 * time.Minute
	ocrMemory     = 2 << 30 // address space of the Tesseract process
	minPageImage  = 500     // a PDF image this wide and high is a scanned page
	maxPDFImages  = 200     // images of one PDF read
	tesseractHelp = "apt-get install tesseract-ocr tesseract-ocr-eng"
)

// imageExt says whether a file name's extension is an image Tesseract reads.
func imageExt(ext string) bool {
	switch ext {
	case ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".gif", ".pnm", ".pbm", ".pgm", ".ppm", ".webp", ".jp2":
		return true
	}
	return false
}

// imageMagic says whether the start of a file is an image's.
func imageMagic(head []byte) bool {
	for _, m := range [][]byte{{0x89, 'P', 'N', 'G'}, {0xff, 0xd8, 0xff}, []byte("II*\x00"), []byte("MM\x00*"), []byte("GIF87a"), []byte("GIF89a")} {
		if bytes.HasPrefix(head, m) {
			return true
		}
	}
	return false
}

// tesseract is the path of the Tesseract command (BREACHDESK_TESSERACT,
// else tesseract on the PATH), looked up once per scan.
func (s *Scanner) tesseract() (string, error) {
	s.ocrOnce.Do(func() {
		name := os.Getenv("BREACHDESK_TESSERACT")
		if name == "" {
			name = "tesseract"
		}
		s.ocrPath, s.ocrErr = exec.LookPath(name)
		if s.ocrErr != nil {
			s.ocrErr = unsupported("image not read: Tesseract OCR is not installed (" + tesseractHelp + ")")
		}
		s.prlimit, _ = exec.LookPath("prlimit")
	})
	return s.ocrPath, s.ocrErr
}

// image reads an image file through OCR, its text as lines.
func (src *source) image(name string, r io.Reader) error {
	if _, err := src.s.tesseract(); err != nil {
		return err
	}
	data, err := io.ReadAll(io.LimitReader(r, maxOCRImage+1))
	if err != nil {
		return err
	}
	if len(data) > maxOCRImage {
		return unsupported(fmt.Sprintf("image larger than %d MiB", maxOCRImage>>20))
	}
	return src.ocrText(name, data)
}

// ocrText runs OCR on one image and scans its text.
func (src *source) ocrText(name string, data []byte) error {
	if cfg, _, err := image.DecodeConfig(bytes.NewReader(data)); err == nil && float64(cfg.Width)*float64(cfg.Height) > maxOCRPixels {
		return unsupported(fmt.Sprintf("image of more than %.0f million pixels", maxOCRPixels/1e6))
	}
	text, err := src.s.ocr(src.ctx, data)
	if err != nil {
		return err
	}
	text = ocrClean(text)
	return src.text(name, bufio.NewReaderSize(bytes.NewReader(text), textChunk))
}

// ocr runs Tesseract on an image and returns its text.
func (s *Scanner) ocr(ctx context.Context, data []byte) ([]byte, error) {
	tess, err := s.tesseract()
	if err != nil {
		return nil, err
	}
	tmp, err := os.CreateTemp("", "breachdesk-ocr-*")
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(data)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, ocrTimeout)
	defer cancel()
	args := []string{tmp.Name(), "stdout", "-l", "eng", "--psm", "3"}
	cmd := exec.CommandContext(ctx, tess, args...)
	if s.prlimit != "" {
		// The memory bound is the process's address space.
		cmd = exec.CommandContext(ctx, s.prlimit, append([]string{"--as=" + strconv.Itoa(ocrMemory), "--", tess}, args...)...)
	}
	// One thread each: the workers already run one image each at once.
	cmd.Env = append(os.Environ(), "OMP_THREAD_LIMIT=1")
	var out, stderr limitedBuffer
	out.max, stderr.max = maxOCRText, 4<<10
	cmd.Stdout, cmd.Stderr = &out, &stderr
	start := time.Now()
	err = cmd.Run()
	s.ocrPages.Add(1)
	s.ocrNanos.Add(int64(time.Since(start)))
	switch {
	case ctx.Err() == context.DeadlineExceeded:
		return nil, stopError(fmt.Sprintf("OCR took longer than %s", ocrTimeout))
	case err != nil:
		why := strings.TrimSpace(stderr.String())
		if i := strings.LastIndexByte(why, '\n'); i >= 0 {
			why = why[i+1:]
		}
		return nil, fmt.Errorf("OCR failed (%v: %s)", err, why)
	case out.over:
		return nil, stopError("OCR text over 16 MiB")
	}
	return out.Bytes(), nil
}

// ocrDashes are the dashes OCR reads a hyphen as.
var ocrDashes = strings.NewReplacer("\u2010", "-", "\u2011", "-", "\u2012", "-", "\u2013", "-", "\u2014", "-", "\u2015", "-", "\u2212", "-")

// ocrClean mends what OCR commonly does to the values the scanner looks
// for: a hyphen read as a dash ("12—764-065"), and an email's @ read
// with spaces around it or twice ("noah.nguyen2 @ example.com.au").
func ocrClean(text []byte) []byte {
	text = []byte(ocrDashes.Replace(string(text)))
	out := text[:0:0]
	for i := 0; i < len(text); i++ {
		c := text[i]
		if c != '@' {
			out = append(out, c)
			continue
		}
		// Drop the spaces before and after the @ (and a second @) when
		// a word is on both sides within the line.
		j := i + 1
		for j < len(text) && (text[j] == ' ' || text[j] == '@') {
			j++
		}
		k := len(out)
		for k > 0 && out[k-1] == ' ' {
			k--
		}
		if k > 0 && j < len(text) && isEmailChar(out[k-1]) && isEmailChar(text[j]) {
			out = append(out[:k], '@')
			i = j - 1
			continue
		}
		out = append(out, c)
	}
	return out
}

func isEmailChar(c byte) bool { return isAlpha(c) || isDigit(c) || c == '.' || c == '_' || c == '-' }

// limitedBuffer keeps at most max bytes of what is written to it.
type limitedBuffer struct {
	bytes.Buffer
	max  int
	over bool
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if room := b.max - b.Len(); len(p) > room {
		b.over = true
		b.Buffer.Write(p[:max(room, 0)])
		return len(p), nil
	}
	return b.Buffer.Write(p)
}
