package discover

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"path"
	"strings"
)

// limitedMember stops a member at maxMember bytes, so a bomb that
// expands without end is cut off in bounded time.
type limitedMember struct {
	r io.Reader
	n int64
}

func (l *limitedMember) Read(p []byte) (int, error) {
	if l.n <= 0 {
		return 0, fmt.Errorf("archive member larger than %d GiB: the rest was not scanned", maxMember>>30)
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	n, err := l.r.Read(p)
	l.n -= int64(n)
	return n, err
}

// member names a file inside an archive as the contract writes it.
func member(archive, inner string) string {
	return archive + "!/" + strings.TrimPrefix(path.Clean("/"+inner), "/")
}

// zipFile reads a zip archive, or a DOCX or XLSX (which are zips). A zip
// on disk is read in place; one inside another archive is read into
// memory up to maxInMemory.
func (src *source) zipFile(name, ext string, r io.Reader, size int64, depth int, ra io.ReaderAt) error {
	if depth >= maxDepth {
		return unsupported(fmt.Sprintf("archives nested deeper than %d levels", maxDepth))
	}
	if ra == nil {
		if size > maxInMemory {
			return unsupported(fmt.Sprintf("nested archive larger than %d MiB", maxInMemory>>20))
		}
		b, err := io.ReadAll(io.LimitReader(r, maxInMemory+1))
		if err != nil {
			return err
		}
		if len(b) > maxInMemory {
			return unsupported(fmt.Sprintf("nested archive larger than %d MiB", maxInMemory>>20))
		}
		ra, size = bytes.NewReader(b), int64(len(b))
	} else if depth == 0 {
		src.s.bytes.Add(size) // read at random, not through the counter
	}
	zr, err := zip.NewReader(ra, size)
	if err != nil {
		return fmt.Errorf("not a readable zip archive (%v)", err)
	}
	switch ext {
	case ".docx":
		return src.docx(name, zr)
	case ".xlsx":
		return src.xlsx(name, zr)
	}
	for _, f := range zr.File {
		if src.ctx.Err() != nil {
			return nil
		}
		if f.FileInfo().IsDir() {
			continue
		}
		inner := member(name, f.Name)
		if f.Flags&0x1 != 0 {
			src.s.skip(inner, "encrypted")
			continue
		}
		if f.CompressedSize64 > 0 && f.UncompressedSize64/f.CompressedSize64 > maxRatio && f.UncompressedSize64 > 100<<20 {
			src.s.skip(inner, fmt.Sprintf("compression ratio over %d:1 (a zip bomb?)", maxRatio))
			continue
		}
		rc, err := f.Open()
		if err != nil {
			src.s.skip(inner, "unreadable: "+err.Error())
			continue
		}
		src.file(inner, &limitedMember{r: rc, n: maxMember}, int64(f.UncompressedSize64), depth+1, nil)
		rc.Close()
	}
	return nil
}

func (src *source) tar(name string, r io.Reader, depth int) error {
	if depth >= maxDepth {
		return unsupported(fmt.Sprintf("archives nested deeper than %d levels", maxDepth))
	}
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("not a readable tar archive (%v)", err)
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		src.file(member(name, h.Name), &limitedMember{r: tr, n: maxMember}, h.Size, depth+1, nil)
		if src.ctx.Err() != nil {
			return nil
		}
	}
}

func (src *source) tgz(name string, r io.Reader, depth int) error {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return fmt.Errorf("not a readable gzip file (%v)", err)
	}
	defer zr.Close()
	return src.tar(name, &limitedMember{r: zr, n: maxMember}, depth)
}

// gz reads a gzipped single file as the file inside it.
func (src *source) gz(name string, r io.Reader, depth int) error {
	if depth >= maxDepth {
		return unsupported(fmt.Sprintf("archives nested deeper than %d levels", maxDepth))
	}
	zr, err := gzip.NewReader(r)
	if err != nil {
		return fmt.Errorf("not a readable gzip file (%v)", err)
	}
	defer zr.Close()
	inner := strings.TrimSuffix(path.Base(name), path.Ext(name))
	if zr.Name != "" {
		inner = path.Base(zr.Name)
	}
	src.file(member(name, inner), &limitedMember{r: zr, n: maxMember}, -1, depth+1, nil)
	return nil
}
