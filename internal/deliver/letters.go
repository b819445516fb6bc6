package deliver

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/breachdesk/breachdesk/internal/notice"
)

// ManifestHeader is the first row of a print run's manifest, the file a
// mail house reads beside the PDFs.
var ManifestHeader = []string{"reference", "name", "address", "country", "pages", "batch", "sequence"}

// PrintRun lays out letters for a mail house: PDF batches of at most
// BatchSize letters, each written out as soon as it is full, and one
// manifest row per letter. Memory holds two batches at most (one laid out
// while the one before is written), whatever the run's size.
type PrintRun struct {
	paper     notice.Paper
	batchSize int
	open      func(name string) (io.WriteCloser, error)
	manifest  *csv.Writer
	prefix    string

	batch   *notice.Batch
	inBatch int
	batchNo int
	letters int
	pages   int
	names   []string

	// A full batch is compressed and written by its own goroutine while
	// the next one is laid out (compressing the pages is half of a
	// letter's cost): writing carries its result, written counts the
	// batches known to be on file, and err keeps the first failure.
	writing chan batchWritten
	written int
	err     error
}

type batchWritten struct {
	no   int
	name string
	err  error
}

// NewPrintRun starts a run. open creates each batch file by name (the
// object store); the manifest is written to manifest; prefix starts every
// batch's name (e.g. "INC-0007-stage-1").
func NewPrintRun(paper notice.Paper, batchSize int, prefix string, open func(name string) (io.WriteCloser, error), manifest io.Writer) (*PrintRun, error) {
	if batchSize <= 0 {
		batchSize = 1000
	}
	r := &PrintRun{paper: paper, batchSize: batchSize, open: open, prefix: prefix, manifest: csv.NewWriter(manifest)}
	if err := r.manifest.Write(ManifestHeader); err != nil {
		return nil, err
	}
	return r, nil
}

// PrintLetter is one person's letter in a run.
type PrintLetter struct {
	Reference string
	Document  notice.Document
	Data      notice.Data // Data.Person holds the name and the address
	Country   string
}

// Add lays out one letter. A person without a complete address is refused
// (check addresses before the run: CheckAddress).
func (r *PrintRun) Add(l PrintLetter) error {
	p := l.Data.Person
	if p == nil {
		return errors.New("a letter needs the person it goes to")
	}
	if problems := CheckAddress(p.Address, l.Country); len(problems) > 0 {
		return fmt.Errorf("the letter to reference %s cannot be printed: %s", l.Reference, strings.Join(problems, "; "))
	}
	if r.batch == nil {
		r.batch = notice.NewBatch(r.paper)
		r.batchNo++
	}
	before := r.batch.Pages()
	r.batch.AddLetter(l.Document, l.Data)
	pages := r.batch.Pages() - before
	r.inBatch++
	r.letters++
	r.pages += pages
	row := []string{l.Reference, csvSafe(p.Name), csvSafe(strings.Join(p.Address, " | ")), csvSafe(l.Country), strconv.Itoa(pages), r.batchName(r.batchNo), strconv.Itoa(r.inBatch)}
	if err := r.manifest.Write(row); err != nil {
		return err
	}
	if r.inBatch == r.batchSize {
		return r.flush()
	}
	return nil
}

func (r *PrintRun) batchName(n int) string { return fmt.Sprintf("%s-batch-%04d.pdf", r.prefix, n) }

func (r *PrintRun) flush() error {
	if err := r.wait(); err != nil {
		return err
	}
	if r.batch == nil {
		return nil
	}
	b, no, name := r.batch, r.batchNo, r.batchName(r.batchNo)
	r.batch, r.inBatch = nil, 0
	r.writing = make(chan batchWritten, 1)
	go func(done chan<- batchWritten) {
		done <- batchWritten{no: no, name: name, err: r.write(b, name)}
	}(r.writing)
	return nil
}

// write puts one batch on file.
func (r *PrintRun) write(b *notice.Batch, name string) error {
	w, err := r.open(name)
	if err != nil {
		return fmt.Errorf("batch %s: %w", name, err)
	}
	if err := b.Write(w); err != nil {
		w.Close()
		return fmt.Errorf("batch %s: %w", name, err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("batch %s: %w", name, err)
	}
	return nil
}

// wait waits for the batch being written, if any, and returns the first
// error of any batch.
func (r *PrintRun) wait() error {
	if r.writing != nil {
		r.took(<-r.writing)
	}
	return r.err
}

func (r *PrintRun) took(w batchWritten) {
	r.writing = nil
	if w.err != nil {
		if r.err == nil {
			r.err = w.err
		}
		return
	}
	r.names = append(r.names, w.name)
	r.written = w.no
}

// Batch is the number of the batch the last letter added went into
// (from 1).
func (r *PrintRun) Batch() int { return r.batchNo }

// Written returns how many batches are complete on file (batches 1 to
// n), without waiting, and the error of a batch that could not be
// written. A letter is printed only once its batch is written.
func (r *PrintRun) Written() (int, error) {
	if r.writing != nil {
		select {
		case w := <-r.writing:
			r.took(w)
		default:
		}
	}
	return r.written, r.err
}

// Close writes the last batch and the manifest's end, and waits for
// every batch to be on file. It returns the batch files' names.
func (r *PrintRun) Close() ([]string, error) {
	if err := r.flush(); err != nil {
		return nil, err
	}
	if err := r.wait(); err != nil {
		return nil, err
	}
	r.manifest.Flush()
	return r.names, r.manifest.Error()
}

// Counts says how many letters and pages the run holds so far.
func (r *PrintRun) Counts() (letters, pages int) { return r.letters, r.pages }

// csvSafe keeps a spreadsheet from taking a value for a formula.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// ReturnedLetter is one row of a mail house's returned-mail file.
type ReturnedLetter struct {
	Line      int
	Reference string // normalised
	Reason    string
}

// MaxReturnedRows bounds a returned-mail file.
const MaxReturnedRows = 1_000_000

// ParseReturned reads a returned-mail file: CSV with a column named
// reference and optionally one named reason (or the first two columns
// when there is no header). Rows whose reference is not well formed are
// listed as problems and nothing is returned, so a file is taken whole
// or not at all.
func ParseReturned(r io.Reader) ([]ReturnedLetter, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	refCol, reasonCol := 0, 1
	var out []ReturnedLetter
	var problems []string
	for line := 1; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("line %d: %v", line, err)
		}
		if line == 1 {
			if col := column(rec, "reference", "ref", "your reference"); col >= 0 {
				refCol, reasonCol = col, column(rec, "reason", "return reason", "status")
				continue
			}
		}
		if len(out) >= MaxReturnedRows {
			return nil, fmt.Errorf("more than %d rows: split the file", MaxReturnedRows)
		}
		if refCol >= len(rec) || strings.TrimSpace(strings.Join(rec, "")) == "" {
			continue
		}
		ref := NormaliseReference(rec[refCol])
		if ref == "" {
			problems = append(problems, fmt.Sprintf("line %d: %q is not a reference", line, rec[refCol]))
			if len(problems) == 10 {
				break
			}
			continue
		}
		rl := ReturnedLetter{Line: line, Reference: ref, Reason: "returned to sender"}
		if reasonCol >= 0 && reasonCol < len(rec) && strings.TrimSpace(rec[reasonCol]) != "" {
			rl.Reason = strings.TrimSpace(rec[reasonCol])
			if len(rl.Reason) > 200 {
				rl.Reason = rl.Reason[:200]
			}
		}
		out = append(out, rl)
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("nothing was imported; correct these rows: %s", strings.Join(problems, "; "))
	}
	return out, nil
}

func column(header []string, names ...string) int {
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if contains(names, h) {
			return i
		}
	}
	return -1
}
