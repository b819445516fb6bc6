package discover

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"
)

// Parquet files (data-lake and warehouse exports): every row group's
// rows as records named by their columns' paths, read a few rows at a
// time with parquet-go, so memory is bounded by the file's pages, and
// those are bounded before anything is read.

// parquetMagic starts and ends every Parquet file.
var parquetMagic = []byte("PAR1")

// Bounds on what a Parquet file may make the reader hold: its footer
// (the schema and the row groups' metadata, read whole), and one column
// chunk of a row group once uncompressed (a page is read whole, and a
// chunk bounds its pages).
const (
	maxParquetFooter = 64 << 20
	maxParquetChunk  = 256 << 20
	parquetBatch     = 64 // rows read at a time
)

// parquetFile reads a Parquet file from ra (size bytes).
func (src *source) parquetFile(name string, ra io.ReaderAt, size int64) error {
	if size < 12 {
		return fmt.Errorf("not a readable Parquet file (too short)")
	}
	var tail [8]byte
	if _, err := ra.ReadAt(tail[:], size-8); err != nil {
		return err
	}
	if !bytes.Equal(tail[4:], parquetMagic) {
		return fmt.Errorf("not a readable Parquet file (no PAR1 at its end)")
	}
	if footer := int64(binary.LittleEndian.Uint32(tail[:4])); footer > maxParquetFooter || footer > size-12 {
		return unsupported(fmt.Sprintf("Parquet footer over %d MiB or larger than the file", maxParquetFooter>>20))
	}
	f, err := parquet.OpenFile(ra, size, parquet.SkipPageIndex(true), parquet.SkipBloomFilters(true))
	if err != nil {
		return fmt.Errorf("not a readable Parquet file (%v)", err)
	}
	for _, rg := range f.Metadata().RowGroups {
		for _, c := range rg.Columns {
			if c.MetaData.TotalUncompressedSize > maxParquetChunk || c.MetaData.TotalUncompressedSize < 0 {
				return unsupported(fmt.Sprintf("Parquet column chunk over %d MiB once uncompressed", maxParquetChunk>>20))
			}
		}
	}
	leaves := f.Schema().Columns()
	cols := make([]column, len(leaves))
	dates := make([]bool, len(leaves))
	for k, path := range leaves {
		n := strings.Join(path, ".")
		cols[k] = column{name: n, hint: ClassifyField(n), place: placeField(n)}
		if leaf, ok := f.Schema().Lookup(path...); ok {
			if lt := leaf.Node.Type().LogicalType(); lt != nil {
				_, dates[k] = lt.Value.(*format.DateType)
			}
		}
	}
	buf := make([]parquet.Row, parquetBatch)
	var arena []byte
	var fields []Field
	type span struct{ start, end, col int }
	var spans []span
	row := 0
	for _, rg := range f.RowGroups() {
		rows := rg.Rows()
		for {
			n, err := rows.ReadRows(buf)
			for _, r := range buf[:n] {
				row++
				arena, spans = arena[:0], spans[:0]
				for _, v := range r {
					c := v.Column()
					if v.IsNull() || c < 0 || c >= len(cols) {
						continue
					}
					start := len(arena)
					arena = appendParquetValue(arena, v, dates[c])
					spans = append(spans, span{start, len(arena), c})
				}
				fields = fields[:0]
				for _, s := range spans {
					v := arena[s.start:s.end]
					fields = append(fields, Field{Name: cols[s.col].name, Hint: cols[s.col].confirm(v), Classified: true, Value: v, place: cols[s.col].place})
				}
				src.rec = Record{Path: name, Line: row, Fields: fields}
				src.record(&src.rec)
			}
			if err == io.EOF {
				break
			}
			if err != nil {
				rows.Close()
				return fmt.Errorf("a broken Parquet row group (%v)", err)
			}
			if src.ctx.Err() != nil {
				rows.Close()
				return nil
			}
		}
		if err := rows.Close(); err != nil {
			return fmt.Errorf("a broken Parquet row group (%v)", err)
		}
	}
	return nil
}

// appendParquetValue writes a value as text: byte arrays as they are,
// numbers in decimal, dates (days since 1970) as YYYY-MM-DD.
func appendParquetValue(b []byte, v parquet.Value, date bool) []byte {
	switch v.Kind() {
	case parquet.ByteArray, parquet.FixedLenByteArray:
		return append(b, v.ByteArray()...)
	case parquet.Int32:
		if date {
			return time.Unix(int64(v.Int32())*86400, 0).UTC().AppendFormat(b, "2006-01-02")
		}
		return strconv.AppendInt(b, int64(v.Int32()), 10)
	case parquet.Int64:
		return strconv.AppendInt(b, v.Int64(), 10)
	case parquet.Boolean:
		return strconv.AppendBool(b, v.Boolean())
	case parquet.Float:
		return strconv.AppendFloat(b, float64(v.Float()), 'g', -1, 32)
	case parquet.Double:
		return strconv.AppendFloat(b, v.Double(), 'g', -1, 64)
	}
	return append(b, v.String()...)
}
