package discover

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

// contextIndex maps each context word, and each two-word phrase, to the
// bits of the types it speaks for.
var contextIndex = func() map[string]uint32 {
	m := map[string]uint32{}
	for t, ws := range contextWords {
		for _, w := range ws {
			m[w] |= 1 << uint(t.index())
		}
	}
	for _, w := range otherWords {
		m[w] |= otherBit
	}
	return m
}()

// kwFilter has, per first letter, a bit for each length of a word or
// phrase in contextIndex: most words in text fail it and skip the map.
var kwFilter = func() (f [26]uint64) {
	for w := range contextIndex {
		if c := w[0] - 'a'; c < 26 && len(w) < 64 {
			f[c] |= 1 << len(w)
		}
	}
	return f
}()

func maybeKeyword(w []byte) bool {
	c := w[0] - 'a'
	return c < 26 && len(w) < 64 && kwFilter[c]&(1<<len(w)) != 0
}

// contextMask reads the words shortly before start once and returns the
// bits of every type (and otherBit) they speak for.
func contextMask(text []byte, start int) uint32 {
	lo := max(0, start-window)
	var buf, pair [2*window + 1]byte
	var mask uint32
	w, p := buf[:0], pair[:0]
	flush := func() {
		if len(w) == 0 {
			return
		}
		if maybeKeyword(w) {
			if m := contextIndex[string(w)]; m != 0 { // no allocation: the compiler looks up without converting
				mask = mask&^nearOtherBit | m
				if m&^otherBit == 0 {
					mask |= nearOtherBit
				}
			}
		}
		if len(p) > 0 {
			p = append(append(p, ' '), w...)
			if maybeKeyword(p) {
				if m := contextIndex[string(p)]; m != 0 {
					mask = mask&^nearOtherBit | m
				}
			}
		}
		p = append(p[:0], w...)
		w = w[:0]
	}
	for _, c := range text[lo:start] {
		switch {
		case c >= 'A' && c <= 'Z':
			w = append(w, c+'a'-'A')
		case c >= 'a' && c <= 'z', c == '.' && len(w) > 0 && len(w) < 4:
			w = append(w, c)
		default:
			flush()
		}
	}
	flush() // a word cut at the window's start may be partial, which only loses context
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
