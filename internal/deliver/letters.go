package deliver

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"

	"github.com/breachdesk/breachdesk/internal/notice"
)

// ManifestHeader is the first row of a print run's manifest, the file a
// mail house reads beside the PDFs.
var ManifestHeader = []string{"reference", "name", "address", "country", "pages", "batch", "sequence"}

// PrintRun lays out letters for a mail house: PDF batches of at most
// BatchSize letters and one manifest row per letter. A full batch is laid
// out and written by a goroutine of its own while the next fills, up to
// GOMAXPROCS batches at once (laying out and writing a batch is most of a
// letter's CPU); manifest rows are written in batch order as batches are
// on file. Memory holds the batches in flight and the one filling,
// whatever the run's size.
type PrintRun struct {
	paper     notice.Paper
	batchSize int
	parallel  int
	open      func(name string) (io.WriteCloser, error)
	manifest  *csv.Writer
	prefix    string

	pending []PrintLetter // the batch filling
	batchNo int           // its number (from 1)
	letters int
	pages   int
	names   []string

	// done carries each batch's result; inflight counts the batches
	// being laid out or written, finished holds those done before an
	// earlier one, written counts the batches on file in order (1 to
	// written), and err keeps the first failure.
	done     chan batchWritten
	inflight int
	finished map[int]batchWritten
	written  int
	err      error
}

type batchWritten struct {
	no      int
	name    string
	letters []PrintLetter
	pages   []int // each letter's
	err     error
}

// NewPrintRun starts a run. open creates each batch file by name (the
// object store); the manifest is written to manifest; prefix starts every
// batch's name (e.g. "INC-0007-stage-1").
func NewPrintRun(paper notice.Paper, batchSize int, prefix string, open func(name string) (io.WriteCloser, error), manifest io.Writer) (*PrintRun, error) {
	if batchSize <= 0 {
		batchSize = 1000
	}
	parallel := runtime.GOMAXPROCS(0)
	r := &PrintRun{paper: paper, batchSize: batchSize, parallel: parallel, open: open, prefix: prefix, manifest: csv.NewWriter(manifest),
		done: make(chan batchWritten, parallel), finished: map[int]batchWritten{}}
	if err := r.manifest.Write(ManifestHeader); err != nil {
		return nil, err
	}
	return r, nil
}

// PrintLetter is one person's letter in a run. The run reads it while
// the letter's batch is laid out: it must not be changed after Add.
type PrintLetter struct {
	Reference string
	Document  notice.Document
	Data      notice.Data // Data.Person holds the name and the address
	Country   string
}

// Add puts one letter in the run. A person without a complete address is
// refused (check addresses before the run: CheckAddress).
func (r *PrintRun) Add(l PrintLetter) error {
	p := l.Data.Person
	if p == nil {
		return errors.New("a letter needs the person it goes to")
	}
	if problems := CheckAddress(p.Address, l.Country); len(problems) > 0 {
		return fmt.Errorf("the letter to reference %s cannot be printed: %s", l.Reference, strings.Join(problems, "; "))
	}
	if len(r.pending) == 0 {
		r.batchNo++
		r.pending = make([]PrintLetter, 0, r.batchSize)
	}
	r.pending = append(r.pending, l)
	r.letters++
	if len(r.pending) == r.batchSize {
		return r.flush()
	}
	return nil
}

func (r *PrintRun) batchName(n int) string { return fmt.Sprintf("%s-batch-%04d.pdf", r.prefix, n) }

// flush hands the filling batch to a goroutine, once one of the run's
// slots is free.
func (r *PrintRun) flush() error {
	for r.inflight >= r.parallel {
		r.took(<-r.done)
	}
	if r.err != nil || len(r.pending) == 0 {
		return r.err
	}
	w := batchWritten{no: r.batchNo, name: r.batchName(r.batchNo), letters: r.pending}
	r.pending = nil
	r.inflight++
	go func() {
		w.pages, w.err = r.write(w.letters, w.name)
		r.done <- w
	}()
	return nil
}

// write lays out one batch and puts it on file; it returns each letter's
// pages.
func (r *PrintRun) write(letters []PrintLetter, name string) ([]int, error) {
	b := notice.NewBatch(r.paper)
	pages := make([]int, len(letters))
	for i, l := range letters {
		before := b.Pages()
		b.AddLetter(l.Document, l.Data)
		pages[i] = b.Pages() - before
	}
	w, err := r.open(name)
	if err != nil {
		return nil, fmt.Errorf("batch %s: %w", name, err)
	}
	if err := b.Write(w); err != nil {
		w.Close()
		return nil, fmt.Errorf("batch %s: %w", name, err)
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("batch %s: %w", name, err)
	}
	return pages, nil
}

// took records a batch's result, and writes the manifest rows of the
// batches now on file in order.
func (r *PrintRun) took(w batchWritten) {
	r.inflight--
	if w.err != nil {
		if r.err == nil {
			r.err = w.err
		}
		return
	}
	r.finished[w.no] = w
	for {
		w, ok := r.finished[r.written+1]
		if !ok || r.err != nil {
			return
		}
		delete(r.finished, w.no)
		for i, l := range w.letters {
			p := l.Data.Person
			row := []string{l.Reference, csvSafe(p.Name), csvSafe(strings.Join(p.Address, " | ")), csvSafe(l.Country), strconv.Itoa(w.pages[i]), w.name, strconv.Itoa(i + 1)}
			if err := r.manifest.Write(row); err != nil {
				r.err = err
				return
			}
			r.pages += w.pages[i]
		}
		r.names = append(r.names, w.name)
		r.written = w.no
	}
}

// Batch is the number of the batch the last letter added went into
// (from 1).
func (r *PrintRun) Batch() int { return r.batchNo }

// Written returns how many batches are complete on file (batches 1 to
// n), without waiting, and the error of a batch that could not be
// written. A letter is printed only once its batch is written.
func (r *PrintRun) Written() (int, error) {
	for {
		select {
		case w := <-r.done:
			r.took(w)
		default:
			return r.written, r.err
		}
	}
}

// Close writes the last batch and the manifest's end, and waits for
// every batch to be on file. It returns the batch files' names.
func (r *PrintRun) Close() ([]string, error) {
	err := r.flush()
	for r.inflight > 0 {
		r.took(<-r.done)
	}
	if err != nil {
		return nil, err
	}
	if r.err != nil {
		return nil, r.err
	}
	r.manifest.Flush()
	return r.names, r.manifest.Error()
}

// Counts says how many letters were added to the run, and how many pages
// the batches on file hold.
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
