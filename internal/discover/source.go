package discover

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"
	"sync"
)

// source reads one file of a scan, following it into archives.
type source struct {
	s   *Scanner
	p   *processor
	ctx context.Context
	rec Record
	// sink, when set, takes the records instead of the scan: the
	// readers' own speed is measured so.
	sink func(*Record)
	// bodyOfSender says the message being read is its sender's own, so
	// its body goes on the sender's record.
	bodyOfSender bool
}

// Limits that keep a hostile file from exhausting memory or time.
const (
	maxDepth      = 5        // archives inside archives
	maxMember     = 4 << 30  // bytes read from one archive member
	maxInMemory   = 64 << 20 // a nested zip, XLSX or DOCX is read into memory up to this
	maxLine       = 16 << 20 // a CSV or SQL line longer than this stops that file
	maxRatio      = 200      // uncompressed/compressed beyond which a zip member is a bomb
	maxJSONDepth  = 64
	textChunk     = 64 << 10
	sniffBytes    = 512
	maxSQLColumns = 1024
)

// stopError is a reason a file stopped part-way: what came before it was
// scanned. Bounds on hostile input are these.
type stopError string

func (e stopError) Error() string { return string(e) }

const (
	errTooLong      = stopError("a line or record longer than 16 MiB")
	errValueTooLong = stopError("a single value longer than 16 MiB")
)

// runGuard fails a read once a run of bytes without any of its ends
// passes maxLine, so that a reader which holds a whole line (or an XML
// token) in memory cannot be made to hold gigabytes.
type runGuard struct {
	r    io.Reader
	kind *runKind
	run  int
}

// runKind is what ends a run and the error for one too long.
type runKind struct {
	ends [256]bool
	err  error
	// line says the only end is '\n', which is looked for a word at a
	// time rather than byte by byte.
	line bool
}

var lineRuns = &runKind{ends: [256]bool{'\n': true}, err: errTooLong, line: true}

func (g *runGuard) Read(p []byte) (int, error) {
	n, err := g.r.Read(p)
	if g.kind.line && n <= maxLine {
		// A run that starts and ends within p is shorter than maxLine:
		// only the one p continues can be too long.
		q := p[:n]
		if i := bytes.IndexByte(q, '\n'); i < 0 {
			g.run += n
		} else if g.run+i > maxLine {
			return 0, g.kind.err
		} else {
			g.run = n - 1 - bytes.LastIndexByte(q, '\n')
		}
		if g.run > maxLine {
			return 0, g.kind.err
		}
		return n, err
	}
	for _, c := range p[:n] {
		if g.kind.ends[c] {
			g.run = 0
		} else if g.run++; g.run > maxLine {
			return 0, g.kind.err
		}
	}
	return n, err
}

// countingReader counts what a scan has read, for progress, and how much
// it has counted itself.
type countingReader struct {
	r io.Reader
	s *Scanner
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.s.bytes.Add(int64(n))
	c.n += int64(n)
	return n, err
}

// settle makes the scan's count exact once a piece is done: a piece's
// reader reads a little past its end, which the next piece counts too.
func (c *countingReader) settle(exact int64) { c.s.bytes.Add(exact - c.n) }

// textReaders are the buffers text is read through, reused: a mailbox
// of thousands of messages, or an archive of thousands of members, would
// otherwise allocate (and clear) 64 KiB for each, which was half the
// time a mailbox took.
var textReaders = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, textChunk) }}

// textReader returns r buffered for reading text: r itself if it is a
// large enough *bufio.Reader already, else a reader from the pool, which
// releaseReader gives back once nothing reads from it any more.
func textReader(r io.Reader) *bufio.Reader {
	if br, ok := r.(*bufio.Reader); ok && br.Size() >= textChunk {
		return br
	}
	br := textReaders.Get().(*bufio.Reader)
	br.Reset(r)
	return br
}

// releaseReader gives back a reader textReader returned for r.
func releaseReader(br *bufio.Reader, r io.Reader) {
	if own, ok := r.(*bufio.Reader); ok && own == br {
		return // not the pool's
	}
	br.Reset(nil)
	textReaders.Put(br)
}

// file reads one file or archive member. ra is set when r can be read at
// random (a file on disk), which zip needs.
func (src *source) file(name string, r io.Reader, size int64, depth int, ra io.ReaderAt) {
	if src.ctx.Err() != nil {
		return
	}
	if depth == 0 {
		r = &countingReader{r: r, s: src.s}
	}
	ext := strings.ToLower(path.Ext(name))
	if textual(ext) {
		br := textReader(r)
		defer releaseReader(br, r)
		r = br // it holds what it peeked
		head, _ := br.Peek(512)
		if ok, big, mark := utf16Order(head); ok {
			r = newUTF16Reader(br, big, mark)
		}
	}
	var err error
	switch {
	case ext == ".csv" || ext == ".tsv" || ext == ".psv":
		err = src.csv(name, r)
	case ext == ".json" || ext == ".ndjson" || ext == ".jsonl":
		err = src.json(name, r, ext != ".json")
	case ext == ".sql":
		err = src.sql(name, r)
	case ext == ".eml":
		err = src.mail(name, r, depth)
	case ext == ".mbox":
		err = src.mbox(name, r, depth)
	case ext == ".zip" || ext == ".docx" || ext == ".xlsx":
		err = src.zipFile(name, ext, r, size, depth, ra)
	case ext == ".tar":
		err = src.tar(name, r, depth)
	case ext == ".tgz" || strings.HasSuffix(strings.ToLower(name), ".tar.gz"):
		err = src.tgz(name, r, depth)
	case ext == ".gz":
		err = src.gz(name, r, depth)
	case ext == ".pdf":
		err = src.pdf(name, r)
	case ext == ".parquet" || ext == ".pq":
		err = src.parquet(name, r, size, depth, ra)
	case imageExt(ext):
		err = src.image(name, r)
	default:
		br := textReader(r)
		defer releaseReader(br, r)
		head, _ := br.Peek(sniffBytes)
		switch {
		case bytes.HasPrefix(head, sqliteMagic):
			// .db, .sqlite, and app backups under any name.
			path := diskPath(ra, depth)
			if path != "" {
				src.s.bytes.Add(size - int64(br.Buffered())) // SQLite reads the rest
			}
			err = src.sqliteFile(name, path, br)
		case bytes.HasPrefix(head, parquetMagic):
			if diskPath(ra, depth) != "" {
				src.s.bytes.Add(-int64(br.Buffered())) // parquet counts the whole file
			}
			err = src.parquet(name, br, size, depth, ra)
		case imageMagic(head):
			err = src.image(name, br)
		case sqliteExt(ext):
			err = fmt.Errorf("not a readable SQLite database (no SQLite header)")
		case !looksLikeText(head):
			err = unsupported("unsupported binary file")
		case mboxStart(head):
			// A mailbox without the .mbox extension (Thunderbird's Inbox).
			err = src.mbox(name, br, depth)
		default:
			err = src.text(name, br)
		}
	}
	src.fail(name, err)
}

// sqliteExt says whether a file name's extension is a SQLite database's.
func sqliteExt(ext string) bool {
	switch ext {
	case ".db", ".sqlite", ".sqlite3", ".db3", ".sqlitedb":
		return true
	}
	return false
}

// diskPath is the path of a file read from disk (at the top of the
// scan), "" for an archive's member.
func diskPath(ra io.ReaderAt, depth int) string {
	if f, ok := ra.(*os.File); ok && depth == 0 {
		return f.Name()
	}
	return ""
}

// mboxStart says whether text starts as a mailbox does: a "From " line
// and then a header line.
func mboxStart(head []byte) bool {
	if !bytes.HasPrefix(head, []byte("From ")) {
		return false
	}
	nl := bytes.IndexByte(head, '\n')
	if nl < 0 {
		return false
	}
	next := head[nl+1:]
	colon := bytes.IndexByte(next, ':')
	return colon > 0 && colon < 40 && bytes.IndexByte(next[:colon], ' ') < 0
}

// parquet reads a Parquet file: in place from disk, or, inside an
// archive, from memory up to maxInMemory.
func (src *source) parquet(name string, r io.Reader, size int64, depth int, ra io.ReaderAt) error {
	if ra == nil || depth > 0 {
		b, err := io.ReadAll(io.LimitReader(r, maxInMemory+1))
		if err != nil {
			return err
		}
		if len(b) > maxInMemory {
			return unsupported(fmt.Sprintf("Parquet file inside an archive larger than %d MiB", maxInMemory>>20))
		}
		return src.parquetFile(name, bytes.NewReader(b), int64(len(b)))
	}
	src.s.bytes.Add(size) // read at random, not through the counter
	return src.parquetFile(name, ra, size)
}

// textual says whether files with the extension are text of some kind,
// which may come in UTF-16: everything but archives, office files, PDFs
// and emails (whose bodies say their own encoding).
func textual(ext string) bool {
	switch ext {
	case ".zip", ".docx", ".xlsx", ".tar", ".tgz", ".gz", ".pdf", ".eml", ".mbox", ".parquet", ".pq":
		return false
	}
	return !imageExt(ext) && !sqliteExt(ext)
}

// fail lists a file the scan could not finish, with the reason.
func (src *source) fail(name string, err error) {
	var u unsupportedError
	switch {
	case err == nil:
	case errors.As(err, &u):
		src.s.skip(name, string(u))
	case errors.As(err, new(stopError)):
		src.s.skip(name, "stopped: "+err.Error()+"; what came before it was scanned")
	default:
		src.s.skip(name, "corrupt or unreadable: "+reason(err)+"; what came before it was scanned")
	}
}

type unsupportedError string

func (u unsupportedError) Error() string { return string(u) }

func unsupported(why string) error { return unsupportedError(why) }

// looksLikeText says whether the start of a file is text: no NUL bytes
// and few control characters (UTF-8 and Latin-1 both pass).
func looksLikeText(b []byte) bool {
	if bytes.IndexByte(b, 0) >= 0 {
		return false
	}
	ctl := 0
	for _, c := range b {
		if c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' {
			ctl++
		}
	}
	return ctl <= len(b)/20
}

// record hands one record to the processor and the scanner.
func (src *source) record(r *Record) {
	if src.sink != nil {
		src.sink(r)
		return
	}
	src.p.process(r)
}

// text scans lines of plain text and logs. A line longer than the buffer
// is scanned in pieces under the same line number; a value cut at a piece
// boundary may be missed. Lines that continue a multi-line event (as
// learnt from the file's first lines) continue its record.
func (src *source) text(name string, br *bufio.Reader) error {
	head, _ := br.Peek(textChunk)
	_, err := src.textFrom(name, br, learnStyle(head), 0, -1, false)
	return err
}

// textFrom scans lines numbered from line+1, stopping before the first
// line that starts at or after limit bytes (-1: no limit) and does not
// continue an event, or that is the maxEventLines'th such line past the
// limit. attached says the first line may continue the record before
// it (a message's body, its sender's). It returns the bytes it scanned.
func (src *source) textFrom(name string, br *bufio.Reader, style eventStyle, line int, limit int64, attached bool) (int64, error) {
	var pos int64
	cont := false // the rest of a line longer than the buffer
	eventLines, eventBytes, past := 0, 0, 0
	if attached {
		eventLines = 1
	}
	fields := []Field{{}}
	for {
		if limit >= 0 && !cont && pos >= limit {
			// An event that started before the limit is finished here.
			b, err := br.Peek(1)
			if len(b) == 0 || past >= maxEventLines || !style.continues(peekLine(br)) {
				return pos, nil
			} else if err != nil && err != io.EOF {
				return pos, err
			}
			past++
		}
		b, err := br.ReadSlice('\n')
		if len(b) > 0 {
			continues := cont
			if !cont {
				line++
				continues = eventLines > 0 && eventLines < maxEventLines && eventBytes < maxEventBytes && style.continues(b)
			}
			if !continues {
				eventLines, eventBytes = 0, 0
			}
			if !cont {
				eventLines++
			}
			eventBytes += len(b)
			pos += int64(len(b))
			fields[0].Value = b
			src.rec = Record{Path: name, Line: line, Fields: fields, Continues: continues}
			src.record(&src.rec)
		}
		cont = errors.Is(err, bufio.ErrBufferFull)
		switch {
		case err == nil || cont:
			continue
		case err == io.EOF:
			return pos, nil
		default:
			return pos, err
		}
	}
}

// peekLine is the start of the next line, as much of it as is buffered.
func peekLine(br *bufio.Reader) []byte {
	b, _ := br.Peek(min(br.Buffered(), 256))
	if len(b) == 0 {
		b, _ = br.Peek(1)
	}
	if k := bytes.IndexByte(b, '\n'); k >= 0 {
		b = b[:k+1]
	}
	return b
}

// piece scans the lines of a large text file that start in [from, to):
// it counts the lines before from to number them, and leaves a line
// that started before from, and the lines after it that continue an
// event (at most maxEventLines of them), to the piece before.
func (src *source) piece(j job, f *os.File) error {
	head := make([]byte, textChunk)
	n, err := f.ReadAt(head, 0)
	if err != nil && err != io.EOF {
		return err
	}
	style := learnStyle(head[:n])
	line := 0
	start := j.from
	if j.from > 0 {
		buf := make([]byte, 1<<20)
		sr := io.NewSectionReader(f, 0, j.from)
		for {
			n, err := sr.Read(buf)
			line += bytes.Count(buf[:n], []byte{'\n'})
			if err == io.EOF {
				break
			}
			if err != nil {
				return err
			}
		}
		// The line in progress at from belongs to the previous piece.
		b := buf[:1]
		if _, err := f.ReadAt(b, j.from-1); err != nil {
			return err
		}
		br := bufio.NewReaderSize(io.NewSectionReader(f, j.from, 1<<62), textChunk)
		if b[0] != '\n' {
			n, err := skipLine(br)
			if err != nil {
				return err
			}
			start += n
			line++
		}
		// So do the lines that continue its event.
		for k := 0; k < maxEventLines; k++ {
			if b, _ := br.Peek(1); len(b) == 0 || !style.continues(peekLine(br)) {
				break
			}
			n, err := skipLine(br)
			if err != nil {
				return err
			}
			start += n
			line++
		}
	}
	if start >= j.to {
		return nil
	}
	cr := &countingReader{r: io.NewSectionReader(f, start, 1<<62), s: src.s}
	read, err := src.textFrom(j.rel, bufio.NewReaderSize(cr, textChunk), style, line, j.to-start, false)
	cr.settle(read)
	return err
}

// skipLine reads past the next line break, returning the bytes read.
func skipLine(br *bufio.Reader) (int64, error) {
	var n int64
	for {
		chunk, err := br.ReadSlice('\n')
		n += int64(len(chunk))
		if err == nil || err == io.EOF {
			return n, nil
		}
		if !errors.Is(err, bufio.ErrBufferFull) {
			return n, err
		}
	}
}
