package discover

import "strings"

// wordTable finds words and two-word phrases in text without copying or
// hashing it: a word is compared, in any case, with the few entries of
// its first letter and length. Context words, medical terms and the
// words of addresses are looked up this way, once per word of text.
type wordTable struct {
	byLetter [26][]tableWord
	// lengths has, per first letter, a bit for each length of its
	// entries: most words in text fail it and are never compared.
	lengths [26]uint64
}

// tableWord is one entry: the value it stands for on its own (0 if
// none), and the phrases it ends ("file" ends "tax file").
type tableWord struct {
	word    string
	value   uint32
	phrases []tablePhrase
}

// tablePhrase is a two-word phrase, found at its second word.
type tablePhrase struct {
	first string
	value uint32
}

// add puts a lower-case word, or two words joined by a space, in the
// table; values of the same entry are ORed.
func (t *wordTable) add(w string, value uint32) {
	first, second, phrase := strings.Cut(w, " ")
	if !phrase {
		second = w
	}
	e := t.entry(second)
	if phrase {
		e.phrases = append(e.phrases, tablePhrase{first: first, value: value})
		return
	}
	e.value |= value
}

func (t *wordTable) entry(w string) *tableWord {
	c := w[0] - 'a'
	for k := range t.byLetter[c] {
		if t.byLetter[c][k].word == w {
			return &t.byLetter[c][k]
		}
	}
	t.byLetter[c] = append(t.byLetter[c], tableWord{word: w})
	t.lengths[c] |= 1 << len(w)
	return &t.byLetter[c][len(t.byLetter[c])-1]
}

// lookup returns the value of the word w, or of the phrase prev w when
// there is one (phrase set), or 0.
func (t *wordTable) lookup(prev, w []byte) (value uint32, phrase bool) {
	c := w[0] | 0x20 - 'a'
	if c >= 26 || len(w) >= 64 || t.lengths[c]&(1<<len(w)) == 0 {
		return 0, false
	}
	for k := range t.byLetter[c] {
		e := &t.byLetter[c][k]
		if len(e.word) != len(w) || !equalFold(w, e.word) {
			continue
		}
		for _, ph := range e.phrases {
			if len(prev) == len(ph.first) && equalFold(prev, ph.first) {
				return ph.value | e.value, true
			}
		}
		return e.value, false
	}
	return 0, false
}

// equalFold compares ASCII text with a lower-case word.
func equalFold(b []byte, lower string) bool {
	for i := range b {
		c := b[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

// nextWord returns the bounds of the first word of text at or after i:
// ASCII letters and, when dots is set, dots inside a short word
// ("d.o.b"). ws is -1 when there is none.
func nextWord(text []byte, i int, dots bool) (ws, we int) {
	for i < len(text) && !isAlpha(text[i]) {
		i++
	}
	if i == len(text) {
		return -1, -1
	}
	ws = i
	for i < len(text) && (isAlpha(text[i]) || dots && text[i] == '.' && i-ws < 4) {
		i++
	}
	return ws, i
}
