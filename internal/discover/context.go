package discover

import "strings"

// contextWords are the words that, shortly before a value, say what it
// is ("IRD number", "tax file number", "card ending"). They raise the
// confidence of a value that validates, and are required for the values
// whose check one random number in ten passes.
var contextWords = map[Type][]string{
	AUTFN:         {"tfn", "tax file"},
	NZIRD:         {"ird", "inland revenue"},
	AUABN:         {"abn", "business number"},
	AUMedicare:    {"medicare"},
	USSSN:         {"ssn", "social security"},
	NZNHI:         {"nhi", "national health index", "health index"},
	CreditCard:    {"card", "visa", "mastercard", "amex", "credit"},
	Phone:         {"phone", "mobile", "mob", "tel", "cell", "ph", "call", "text"},
	DateOfBirth:   {"born", "dob", "d.o.b", "birth"},
	Passport:      {"passport"},
	DriverLicence: {"licence", "license", "driver", "dl"},
	IPAddress:     {"ip", "address", "client", "from", "remote", "src"},
	NZBankAccount: {"account", "acct", "bank", "acc"},
	AUBSBAccount:  {"bsb"},
}

// otherWords label numbers that are not personal data, so a number that
// follows them is not guessed to be an identifier from its shape alone.
var otherWords = []string{"order", "invoice", "inv", "ref", "ticket", "tracking", "sku", "po", "receipt", "batch", "serial", "part", "txn", "transaction", "checksum", "hash", "crc", "nonce", "uuid", "id"}

// window is how far before a value context words are looked for.
const window = 40

// otherBit marks otherWords in a context mask; nearOtherBit says the
// keyword nearest the value is one of them ("IRD 49-091-850, batch
// 123456789": the batch number is not an IRD number).
const (
	otherBit     = 1 << 31
	nearOtherBit = 1 << 30
)

// keyword is one context word: the bits it sets on its own, and the
// phrases it ends ("file" ends "tax file").
type keyword struct {
	word    string
	mask    uint32
	phrases []phrase
}

// phrase is a two-word context phrase, found at its second word.
type phrase struct {
	first string
	mask  uint32
}

// keywords holds the context words by their first letter: a word in text
// is compared with the few of its letter and length, without hashing or
// copying it.
var keywords = func() (t [26][]keyword) {
	entry := func(w string) *keyword {
		c := w[0] - 'a'
		for k := range t[c] {
			if t[c][k].word == w {
				return &t[c][k]
			}
		}
		t[c] = append(t[c], keyword{word: w})
		return &t[c][len(t[c])-1]
	}
	add := func(w string, m uint32) {
		if first, second, ok := strings.Cut(w, " "); ok {
			e := entry(second)
			e.phrases = append(e.phrases, phrase{first: first, mask: m})
			return
		}
		entry(w).mask |= m
	}
	for t, ws := range contextWords {
		for _, w := range ws {
			add(w, 1<<uint(t.index()))
		}
	}
	for _, w := range otherWords {
		add(w, otherBit)
	}
	return t
}()

// kwFilter has, per first letter, a bit for each length of a context
// word: most words in text fail it and are never compared.
var kwFilter = func() (f [26]uint64) {
	for c, ws := range keywords {
		for _, w := range ws {
			f[c] |= 1 << len(w.word)
		}
	}
	return f
}()

// lookupKeyword returns the context word w is (in any case), or nil.
func lookupKeyword(w []byte) *keyword {
	c := w[0] | 0x20 - 'a'
	if c >= 26 || len(w) >= 64 || kwFilter[c]&(1<<len(w)) == 0 {
		return nil
	}
	for k := range keywords[c] {
		if kw := &keywords[c][k]; len(kw.word) == len(w) && equalFold(w, kw.word) {
			return kw
		}
	}
	return nil
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

// contextMask reads the words shortly before start once and returns the
// bits of every type (and otherBit) they speak for.
func contextMask(text []byte, start int) uint32 {
	lo := max(0, start-window)
	var mask uint32
	prev := []byte(nil) // the word before the current one, for phrases
	ws := -1            // start of the current word, -1 between words
	word := func(w []byte) {
		if kw := lookupKeyword(w); kw != nil {
			if kw.mask != 0 {
				mask = mask&^nearOtherBit | kw.mask
				if kw.mask&^otherBit == 0 {
					mask |= nearOtherBit
				}
			}
			for _, ph := range kw.phrases {
				if len(prev) == len(ph.first) && equalFold(prev, ph.first) {
					mask = mask&^nearOtherBit | ph.mask
				}
			}
		}
		prev = w
	}
	for i := lo; i < start; i++ {
		c := text[i]
		if isAlpha(c) || c == '.' && ws >= 0 && i-ws < 4 {
			if ws < 0 {
				ws = i
			}
			continue
		}
		if ws >= 0 {
			word(text[ws:i])
			ws = -1
		}
	}
	if ws >= 0 {
		word(text[ws:start]) // a word cut at the window's start may be partial, which only loses context
	}
	return mask
}

func isAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// healthWords are medical terms that, in a record about a person, make it
// health information.
var healthWords = map[string]bool{}

func init() {
	for _, w := range []string{"diagnosis", "diagnosed", "hiv", "aids", "diabetes", "diabetic", "cancer", "depression", "anxiety",
		"pregnant", "pregnancy", "medication", "prescription", "schizophrenia", "bipolar", "hepatitis", "asthma",
		"epilepsy", "dementia", "disability", "surgery", "therapy", "treatment", "addiction", "overdose", "abortion",
		"miscarriage", "chemotherapy", "psychiatric", "std", "sti", "mental health"} {
		healthWords[w] = true
	}
}

// words calls fn with each lower-cased word of text and, after the
// first, with the pair "previous word" joined by a space; fn returns
// false to stop. It allocates nothing.
func words(text []byte, fn func(w []byte) bool) {
	var buf, pair [64]byte
	w, p := buf[:0], pair[:0]
	emit := func() bool {
		if len(w) == 0 {
			return true
		}
		if !fn(w) {
			return false
		}
		if len(p) > 0 && len(p)+1+len(w) <= len(pair) {
			p = append(append(p, ' '), w...)
			if !fn(p) {
				return false
			}
		}
		p = append(p[:0], w...)
		w = w[:0]
		return true
	}
	for _, c := range text {
		switch {
		case c >= 'A' && c <= 'Z':
			if len(w) < len(buf) {
				w = append(w, c+'a'-'A')
			}
		case c >= 'a' && c <= 'z':
			if len(w) < len(buf) {
				w = append(w, c)
			}
		default:
			if !emit() {
				return
			}
		}
	}
	emit()
}

// healthTerm returns the first medical term in text, or "".
func healthTerm(text []byte) string {
	found := ""
	words(text, func(w []byte) bool {
		if len(w) >= 3 && healthWords[string(w)] {
			found = string(w)
			return false
		}
		return true
	})
	return found
}
