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
	NZNHI:         {"nhi", "health index"}, // "national health index" ends in it
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

// contextTable finds context words in text: a type's bit for each of
// its words, otherBit for otherWords.
var contextTable = func() *wordTable {
	t := &wordTable{}
	for typ, ws := range contextWords {
		for _, w := range ws {
			t.add(w, 1<<uint(typ.index()))
		}
	}
	for _, w := range otherWords {
		t.add(w, otherBit)
	}
	return t
}()

// contextMask reads the words shortly before start once and returns the
// bits of every type (and otherBit) they speak for.
func contextMask(text []byte, start int) uint32 {
	var mask uint32
	var prev []byte // the word before, for phrases
	for i := max(0, start-window); ; {
		// A word cut at the window's start may be partial, which only loses context.
		ws, we := nextWord(text[:start], i, true)
		if ws < 0 {
			return mask
		}
		w := text[ws:we]
		if m, phrase := contextTable.lookup(prev, w); m != 0 {
			mask = mask&^nearOtherBit | m
			if !phrase && m&^otherBit == 0 {
				mask |= nearOtherBit
			}
		}
		prev, i = w, we
	}
}

// isAlpha says c is an ASCII letter: folding the case leaves one range to test.
func isAlpha(c byte) bool { return (c|0x20)-'a' < 26 }

// healthTable holds the medical terms that, in a record about a person,
// make it health information.
var healthTable = func() *wordTable {
	t := &wordTable{}
	for _, w := range []string{"diagnosis", "diagnosed", "hiv", "aids", "diabetes", "diabetic", "cancer", "depression", "anxiety",
		"pregnant", "pregnancy", "medication", "prescription", "schizophrenia", "bipolar", "hepatitis", "asthma",
		"epilepsy", "dementia", "disability", "surgery", "therapy", "treatment", "addiction", "overdose", "abortion",
		"miscarriage", "chemotherapy", "psychiatric", "std", "sti", "mental health"} {
		t.add(w, 1)
	}
	return t
}()

// healthTerm returns the first medical term in text, lower-cased, or "".
// It runs on every field of every record that identifies someone, so
// it walks the bytes once, and only words of three letters or more (the
// shortest term) are looked up.
func healthTerm(text []byte) string {
	var prev []byte
	for i := 0; i < len(text); {
		if !isAlpha(text[i]) {
			i++
			continue
		}
		ws := i
		for i++; i < len(text) && isAlpha(text[i]); i++ {
		}
		w := text[ws:i]
		if len(w) >= 3 {
			if m, phrase := healthTable.lookup(prev, w); m != 0 {
				if phrase {
					return strings.ToLower(string(prev) + " " + string(w))
				}
				return strings.ToLower(string(w))
			}
		}
		prev = w
	}
	return ""
}
