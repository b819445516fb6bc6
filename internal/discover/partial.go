package discover

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
)

// A scan split into parts (one per file, or per archive member, that any
// worker can take) resolves its people once all parts are done: each part
// is scanned with Options.Partial set, which writes the records that name
// people, exactly as they would reach the resolver, and the parts are
// then added to one resolver in the order of their files. Resolution
// depends only on the records and their order, so the people are those
// one scan of the same files finds.
//
// The format, after partialMagic: per record, a byte 1, its file (a
// uvarint 0 for the same file as the record before, else the name's
// length plus one and the name), the number of values, and each value's
// kind, basis, name part, prose flag, confidence (float32 bits,
// little-endian), place, normalised and shown bytes (each a uvarint
// length and the bytes); then a byte 0. It holds raw contact details
// when the scan keeps them (Options.PeopleValues): a caller stores it
// sealed.
const partialMagic = "breachdesk partial people v1\n"

// Bounds on what a partial result may hold, checked before anything is
// built from it.
const (
	maxPartialValues = 1 << 16
	maxPartialText   = 1 << 16
)

type partialWriter struct {
	w    *bufio.Writer
	last string
	buf  []byte
	err  error
}

func newPartialWriter(w io.Writer) *partialWriter {
	p := &partialWriter{w: bufio.NewWriterSize(w, 256<<10)}
	_, p.err = p.w.WriteString(partialMagic)
	return p
}

func (p *partialWriter) record(path string, vs []personValue, text []byte) {
	if p.err != nil {
		return
	}
	b := append(p.buf[:0], 1)
	if path == p.last {
		b = binary.AppendUvarint(b, 0)
	} else {
		b = binary.AppendUvarint(b, uint64(len(path))+1)
		b = append(b, path...)
		p.last = path
	}
	b = binary.AppendUvarint(b, uint64(len(vs)))
	bytesOf := func(r textRef) []byte { return text[r.off : r.off+r.n] }
	for i := range vs {
		v := &vs[i]
		prose := byte(0)
		if v.prose {
			prose = 1
		}
		b = append(b, byte(v.kind), v.basis, byte(v.part), prose)
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(v.confidence))
		b = binary.AppendUvarint(b, uint64(len(v.place)))
		b = append(b, v.place...)
		for _, r := range []textRef{v.norm, v.show} {
			b = binary.AppendUvarint(b, uint64(r.n))
			b = append(b, bytesOf(r)...)
		}
	}
	p.buf = b
	_, p.err = p.w.Write(b)
}

func (p *partialWriter) close() error {
	if p.err == nil {
		p.err = p.w.WriteByte(0)
	}
	if p.err == nil {
		p.err = p.w.Flush()
	}
	return p.err
}

// MergeResolver returns an empty resolver for the parts of a scan made
// with opt (the same contract and key as each part's), to add their
// partial results to with AddPartial. total is the bytes the parts read
// in all: the resolver is sized for them up front, as Scan sizes its own
// (growing it step by step made merging three times slower).
func MergeResolver(opt Options, total int64) (*Resolver, error) {
	version := opt.Contract
	switch version {
	case 0:
		version = ContractVersion
	case 1, 2:
	default:
		return nil, fmt.Errorf("no scan contract version %d: there are versions 1 and 2", opt.Contract)
	}
	r := newResolver(int(min(total/128, 1<<20)))
	r.version = version
	if version >= 2 && !opt.FindingHMAC {
		if len(opt.Key) == 0 {
			return nil, errors.New("the parts of a scan share its key: merging needs it")
		}
		r.identifierKey = opt.Key
	}
	return r, nil
}

// errPartial says a partial result is not one this version wrote.
var errPartial = errors.New("not a partial result of a scan, or a damaged one")

// AddPartial adds one part's records, as written by a scan with
// Options.Partial, to the people. Parts are added in the order of their
// files, so that the people are those of one scan of all of them.
func (r *Resolver) AddPartial(rd io.Reader) error {
	br := bufio.NewReaderSize(rd, 256<<10)
	head := make([]byte, len(partialMagic))
	if _, err := io.ReadFull(br, head); err != nil || string(head) != partialMagic {
		return errPartial
	}
	var (
		path   string
		vs     []personValue
		text   []byte
		places = map[string]string{}
		fixed  [8]byte // a value's fixed fields, read into one buffer for all
	)
	readBytes := func() ([]byte, error) {
		n, err := binary.ReadUvarint(br)
		if err != nil {
			return nil, err
		}
		if n > maxPartialText {
			return nil, errPartial
		}
		start := len(text)
		text = append(text, make([]byte, n)...)
		_, err = io.ReadFull(br, text[start:])
		return text[start:], err
	}
	for {
		tag, err := br.ReadByte()
		if err != nil {
			return fmt.Errorf("%w: it ends before its last record", errPartial)
		}
		if tag == 0 {
			return nil
		}
		if tag != 1 {
			return errPartial
		}
		text, vs = text[:0], vs[:0]
		n, err := binary.ReadUvarint(br)
		if err != nil {
			return errPartial
		}
		if n > 0 {
			if n-1 > maxPartialText {
				return errPartial
			}
			name := make([]byte, n-1)
			if _, err := io.ReadFull(br, name); err != nil {
				return errPartial
			}
			path = string(name)
		}
		count, err := binary.ReadUvarint(br)
		if err != nil || count > maxPartialValues {
			return errPartial
		}
		for range count {
			if _, err := io.ReadFull(br, fixed[:]); err != nil {
				return errPartial
			}
			v := personValue{kind: int8(fixed[0]), basis: fixed[1], part: namePart(fixed[2]), prose: fixed[3] == 1,
				confidence: math.Float32frombits(binary.LittleEndian.Uint32(fixed[4:]))}
			if int(v.kind) >= len(Types) || v.kind < -1 || int(v.basis) >= len(basisNames) {
				return errPartial
			}
			place, err := readBytes()
			if err != nil {
				return errPartial
			}
			if len(place) > 0 {
				p, ok := places[string(place)]
				if !ok {
					p = string(place)
					places[p] = p
				}
				v.place = p
			}
			text = text[:len(text)-len(place)]
			for _, ref := range []*textRef{&v.norm, &v.show} {
				start := len(text)
				b, err := readBytes()
				if err != nil {
					return errPartial
				}
				*ref = textRef{off: uint32(start), n: uint32(len(b))}
			}
			vs = append(vs, v)
		}
		r.add(path, vs, text)
	}
}

// Add counts another part's summary into s: the files, bytes, findings
// and their counts, what was skipped and the OCR done. The people, time
// and rate are the caller's to set for the whole.
func (s *Summary) Add(o *Summary) {
	s.Files += o.Files
	s.Bytes += o.Bytes
	s.Findings += o.Findings
	s.OCRImages += o.OCRImages
	s.OCRSeconds += o.OCRSeconds
	if s.Counts == nil {
		s.Counts = map[Type]*Count{}
	}
	for t, c := range o.Counts {
		sc := s.Counts[t]
		if sc == nil {
			sc = &Count{}
			s.Counts[t] = sc
		}
		sc.Validated += c.Validated
		sc.Unvalidated += c.Unvalidated
	}
	s.Skipped = append(s.Skipped, o.Skipped...)
	sort.Slice(s.Skipped, func(a, b int) bool { return s.Skipped[a].Path < s.Skipped[b].Path })
	s.ContractVersion, s.FindingHMAC = o.ContractVersion, o.FindingHMAC
}

// MemberName names a member of an archive as the scan's output does
// ("export.zip!/hr/staff.csv"), for a caller that stores an archive's
// members apart to scan them in parts.
func MemberName(archive, inner string) string { return member(archive, inner) }

// MaxMember is the most the scanner reads of one archive member.
const MaxMember = maxMember
