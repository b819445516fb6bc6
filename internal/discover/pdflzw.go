package discover

// lzwDecode undoes PDF's LZWDecode filter: codes of 9 to 12 bits, most
// significant bit first, 256 clears the table and 257 ends the data.
// compress/lzw reads the same codes but widens them one code later than
// PDF does by default: PDF's EarlyChange 1 (TIFF's way) widens as soon as
// the next code would not fit, EarlyChange 0 as compress/lzw does. A code
// that is not in the table ends the stream with what came before, as a
// truncated Flate stream does.
func lzwDecode(data []byte, earlyChange int) []byte {
	const (
		clearCode = 256
		endCode   = 257
		first     = 258
		maxCode   = 1 << 12
	)
	var (
		prefix [maxCode]uint16 // the code whose string this one extends
		suffix [maxCode]byte   // the byte it adds
		size   [maxCode]uint16 // its string's length
	)
	for c := range 256 {
		suffix[c], size[c] = byte(c), 1
	}
	var out []byte
	width, next, prev := 9, first, -1
	var acc uint32
	bits := 0
	// emit appends the string of code c and returns its first byte.
	emit := func(c int) byte {
		n := int(size[c])
		out = append(out, make([]byte, n)...)
		at := len(out) - 1
		for ; c >= first; c = int(prefix[c]) {
			out[at] = suffix[c]
			at--
		}
		out[at] = byte(c)
		return byte(c)
	}
	for i := 0; len(out) < maxInMemory; {
		for bits < width {
			if i == len(data) {
				return out
			}
			acc = acc<<8 | uint32(data[i])
			i++
			bits += 8
		}
		bits -= width
		code := int(acc>>bits) & (1<<width - 1)
		switch {
		case code == clearCode:
			width, next, prev = 9, first, -1
			continue
		case code == endCode:
			return out
		case code < 256 || code >= first && code < next:
			head := emit(code)
			if prev >= 0 && next < maxCode {
				prefix[next], suffix[next], size[next] = uint16(prev), head, size[prev]+1
				next++
			}
		case code == next && prev >= 0 && next < maxCode:
			// The code being defined: the previous string and its own first byte.
			head := emit(prev)
			out = append(out, head)
			prefix[next], suffix[next], size[next] = uint16(prev), head, size[prev]+1
			next++
		default:
			return out
		}
		if next+earlyChange >= 1<<width && width < 12 {
			width++
		}
		prev = code
	}
	return out[:maxInMemory]
}
