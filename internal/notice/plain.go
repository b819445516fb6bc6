package notice

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
)

// DefaultGrade is the reading grade notices to people should not exceed:
// plain English a 13-year-old can follow (seed 001: "avoid complex terms
// or technical jargon").
const DefaultGrade = 8.0

// LongSentence is the length, in words, past which a sentence is flagged.
const LongSentence = 25

// Jargon maps terms people do not use to plain alternatives.
var Jargon = map[string]string{
	"exfiltration": "copying data out", "exfiltrated": "copied out", "threat actor": "criminal", "malicious actor": "criminal",
	"pii": "personal information", "personally identifiable information": "personal information",
	"unauthorised access vector": "way in", "unauthorized access vector": "way in", "attack vector": "way in",
	"data subject": "you", "data subjects": "people", "compromised": "seen or taken by someone else",
	"threat vector": "way in", "remediation": "fixing the problem", "remediated": "fixed", "mitigate": "reduce",
	"mitigation": "steps to reduce harm", "credentials": "username and password", "exploit": "weakness",
	"vulnerability": "weakness", "incident response": "our response", "forensic": "expert", "cyber incident": "attack on our computers",
	"unauthorised third party": "someone who should not have it", "unauthorized third party": "someone who should not have it",
	"in accordance with": "under", "pursuant to": "under", "notwithstanding": "despite", "hereby": "", "aforementioned": "this",
	"utilise": "use", "utilize": "use", "commence": "start", "facilitate": "help",
}

// vague phrases say that something leaked without saying what (seed 000:
// "Be specific ... not only 'your personal information has been leaked'").
var vague = regexp.MustCompile(`(?i)your (personal )?(information|data|details) (has|have|may have) been (leaked|compromised|exposed|accessed|breached)`)

var sentenceEnd = regexp.MustCompile(`[.!?]+(\s|$)`)

// PlainEnglish checks the body of a notice to people: reading grade,
// sentence length, jargon and vagueness.
func PlainEnglish(doc Document, target float64) []Finding {
	if target <= 0 {
		target = DefaultGrade
	}
	var body []string
	for _, s := range doc.Sections {
		for _, b := range s.Blocks {
			if b.Text != "" {
				body = append(body, ensureStop(b.Text))
			}
			for _, it := range b.Items {
				body = append(body, ensureStop(it))
			}
		}
	}
	text := strings.Join(body, " ")
	var out []Finding
	if g := Grade(text); g > target {
		out = append(out, Finding{Check: "plain_english", Severity: MustFix, Element: "reading_grade",
			Message: fmt.Sprintf("Reading grade %.1f is above the target of %.0f: use shorter sentences and shorter words.", g, target)})
	}
	for _, s := range Sentences(text) {
		if n := len(strings.Fields(s)); n > LongSentence {
			out = append(out, Finding{Check: "plain_english", Severity: MustFix, Element: "long_sentence",
				Message: fmt.Sprintf("A sentence has %d words (keep under %d): %q", n, LongSentence, clip(s, 90))})
		}
	}
	lower := " " + strings.ToLower(text) + " "
	for term, plain := range Jargon {
		if containsWord(lower, term) {
			msg := fmt.Sprintf("Jargon: %q.", term)
			if plain != "" {
				msg += fmt.Sprintf(" Say %q instead.", plain)
			} else {
				msg += " Leave it out."
			}
			out = append(out, Finding{Check: "plain_english", Severity: MustFix, Element: "jargon", Message: msg})
		}
	}
	if vague.MatchString(text) && doc.Section("What information was involved") == nil {
		out = append(out, Finding{Check: "plain_english", Severity: MustFix, Element: "vague",
			Message: "The notice says information was leaked without saying which: list what information, how it happened and what you are doing.", Section: "seed 000"})
	}
	sortFindings(out)
	return out
}

func ensureStop(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || strings.ContainsAny(s[len(s)-1:], ".!?:") {
		return s
	}
	return s + "."
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

func containsWord(lowerText, term string) bool {
	i := 0
	for {
		j := strings.Index(lowerText[i:], term)
		if j < 0 {
			return false
		}
		j += i
		before, after := rune(lowerText[j-1]), ' '
		if j+len(term) < len(lowerText) {
			after = rune(lowerText[j+len(term)])
		}
		if !unicode.IsLetter(before) && !unicode.IsLetter(after) {
			return true
		}
		i = j + 1
	}
}

// Sentences splits text into sentences.
func Sentences(text string) []string {
	var out []string
	last := 0
	for _, m := range sentenceEnd.FindAllStringIndex(text, -1) {
		if s := strings.TrimSpace(text[last:m[1]]); s != "" {
			out = append(out, s)
		}
		last = m[1]
	}
	if s := strings.TrimSpace(text[last:]); s != "" {
		out = append(out, s)
	}
	return out
}

// Grade is the Flesch-Kincaid grade level of the text:
// 0.39 x words per sentence + 11.8 x syllables per word - 15.59.
// Web addresses and email addresses count as one short word.
func Grade(text string) float64 {
	sentences := Sentences(text)
	words, syllables := 0, 0
	for _, s := range sentences {
		for _, w := range strings.Fields(s) {
			if strings.ContainsAny(w, "@/") || strings.Count(w, ".") > 1 {
				words++
				syllables++
				continue
			}
			w = strings.TrimFunc(w, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
			if w == "" {
				continue
			}
			words++
			syllables += Syllables(w)
		}
	}
	if words == 0 || len(sentences) == 0 {
		return 0
	}
	return 0.39*float64(words)/float64(len(sentences)) + 11.8*float64(syllables)/float64(words) - 15.59
}

// Syllables estimates the syllables of an English word: groups of vowels,
// less a silent final e, at least one.
func Syllables(word string) int {
	w := strings.ToLower(word)
	if len(w) <= 3 {
		return 1
	}
	if strings.IndexFunc(w, unicode.IsDigit) >= 0 {
		return 1
	}
	isVowel := func(r rune) bool { return strings.ContainsRune("aeiouy", r) }
	n := 0
	prev := false
	for _, r := range w {
		v := isVowel(r)
		if v && !prev {
			n++
		}
		prev = v
	}
	if strings.HasSuffix(w, "e") && !strings.HasSuffix(w, "le") && n > 1 {
		n--
	}
	if strings.HasSuffix(w, "ed") && !strings.HasSuffix(w, "ted") && !strings.HasSuffix(w, "ded") && n > 1 {
		n--
	}
	if n < 1 {
		n = 1
	}
	return n
}

func sortFindings(fs []Finding) {
	for i := 1; i < len(fs); i++ {
		for j := i; j > 0 && fs[j].Message < fs[j-1].Message; j-- {
			fs[j], fs[j-1] = fs[j-1], fs[j]
		}
	}
}
