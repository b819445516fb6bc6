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
}

// otherWords label numbers that are not personal data, so a number that
// follows them is not guessed to be an identifier from its shape alone.
var otherWords = []string{"order", "invoice", "inv", "ref", "ticket", "tracking", "sku", "po", "receipt", "batch", "serial", "part", "txn", "transaction", "checksum", "hash", "crc", "nonce", "uuid", "id"}

// window is how far before a value context words are looked for.
const window = 40

// hasContext says whether one of t's context words ends shortly before
// start, as a whole word.
func hasContext(text []byte, start int, t Type) bool {
	return anyWord(text, start, contextWords[t])
}

// hasAnyContext says whether any identifying or distracting word comes
// shortly before start.
func hasAnyContext(text []byte, start int) bool {
	for _, ws := range contextWords {
		if anyWord(text, start, ws) {
			return true
		}
	}
	return anyWord(text, start, otherWords)
}

func anyWord(text []byte, start int, words []string) bool {
	lo := max(0, start-window)
	var buf [window]byte
	w := buf[:start-lo]
	for k, c := range text[lo:start] {
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		w[k] = c
	}
	for _, word := range words {
		for from := 0; from+len(word) <= len(w); {
			k := indexFrom(w, word, from)
			if k < 0 {
				break
			}
			before := k == 0 || !isAlpha(w[k-1])
			after := k+len(word) == len(w) || !isAlpha(w[k+len(word)])
			if before && after {
				return true
			}
			from = k + 1
		}
	}
	return false
}

func indexFrom(w []byte, word string, from int) int {
	for k := from; k+len(word) <= len(w); k++ {
		if w[k] == word[0] && string(w[k:k+len(word)]) == word {
			return k
		}
	}
	return -1
}

func isAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// healthWords are medical terms that, in a record about a person, make it
// health information.
var healthWords = []string{"diagnosis", "diagnosed", "hiv", "diabetes", "cancer", "depression", "anxiety", "pregnan",
	"medication", "prescription", "mental health", "schizophrenia", "bipolar", "hepatitis", "asthma", "epilepsy",
	"dementia", "disability", "surgery", "therapy", "treatment", "addiction", "overdose", "abortion", "miscarriage",
	"chemotherapy", "psychiatric", "std", "sti"}

// healthTerm returns the first medical term in text, lower-cased, or "".
func healthTerm(text []byte) string {
	var low []byte
	for _, c := range text {
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		low = append(low, c)
	}
	for _, w := range healthWords {
		for from := 0; ; {
			k := indexFrom(low, w, from)
			if k < 0 {
				break
			}
			if (k == 0 || !isAlpha(low[k-1])) && (len(w) > 3 || k+len(w) == len(low) || !isAlpha(low[k+len(w)])) {
				return w
			}
			from = k + 1
		}
	}
	return ""
}
