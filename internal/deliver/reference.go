package deliver

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"fmt"
	"strings"
	"unicode"
)

// crockford is Crockford's base 32: no I, L, O or U, so a reference read
// out over the phone or typed from a letter survives the usual slips.
var crockford = base32.NewEncoding("0123456789ABCDEFGHJKMNPQRSTVWXYZ").WithPadding(base32.NoPadding)

// ReferenceBits is the entropy of a personal reference: 80 bits, so that
// guessing one among millions of notices is hopeless at any rate a
// public page allows.
const ReferenceBits = 80

// NewReference makes a personal reference for one person's notice:
// 80 random bits as 16 characters in four groups ("7Q2M-K9DT-4XRB-H1VN").
func NewReference() (string, error) {
	b := make([]byte, ReferenceBits/8)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("no randomness for a reference: %w", err)
	}
	s := crockford.EncodeToString(b)
	return s[0:4] + "-" + s[4:8] + "-" + s[8:12] + "-" + s[12:16], nil
}

// NormaliseReference reads a reference as a person typed it: any case,
// with or without hyphens and spaces, O for 0 and I or L for 1. It
// returns "" when what was typed cannot be a reference.
func NormaliseReference(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		switch {
		case r == '-' || unicode.IsSpace(r):
			continue
		case r == 'O':
			r = '0'
		case r == 'I' || r == 'L':
			r = '1'
		case r == 'U':
			return ""
		}
		if !strings.ContainsRune("0123456789ABCDEFGHJKMNPQRSTVWXYZ", r) {
			return ""
		}
		b.WriteRune(r)
		if b.Len() > 16 {
			return ""
		}
	}
	if b.Len() != 16 {
		return ""
	}
	return b.String()
}

// Lookup keys the references and check values under a secret, so the
// database holds neither: a stolen copy of it cannot be used to look
// anyone up, and the lookup page compares keys, never what was typed.
type Lookup struct {
	key []byte
}

// NewLookup returns the keyer for a secret (e.g. derived from the data key).
func NewLookup(secret []byte) *Lookup { return &Lookup{key: append([]byte(nil), secret...)} }

func (l *Lookup) mac(parts ...string) []byte {
	m := hmac.New(sha256.New, l.key)
	for _, p := range parts {
		fmt.Fprintf(m, "%d:%s;", len(p), p)
	}
	return m.Sum(nil)
}

// ReferenceKey is what the database stores to find a notice by its
// reference. The reference must be normalised.
func (l *Lookup) ReferenceKey(ref string) []byte { return l.mac("reference", ref) }

// CheckKey binds a check value (a postcode, a year of birth) to its
// reference, so that the value alone reveals nothing and cannot be
// tried against another reference.
func (l *Lookup) CheckKey(ref, check string) []byte {
	return l.mac("check", ref, NormaliseCheck(check))
}

// Matches compares a stored check key with the one made from what was
// typed, in constant time. The caller compares even when no notice was
// found (against a key made from nothing), so a wrong reference and a
// wrong check value cost the same time.
func (l *Lookup) Matches(stored []byte, ref, check string) bool {
	return hmac.Equal(stored, l.CheckKey(ref, check))
}

// NormaliseCheck reads a check value as typed: case, spaces and hyphens
// do not matter ("sw1a 1aa" = "SW1A1AA").
func NormaliseCheck(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// CheckValueOf picks the check value a person will be asked for: the
// postcode of their address when there is one, else the year of their
// birth. It returns the kind asked for ("postcode", "year of birth") and
// the value, or "" when the person has neither.
func CheckValueOf(address []string, country string, birthYear string) (kind, value string) {
	if pc := postcodeOf(address, country); pc != "" {
		return "postcode", pc
	}
	if len(birthYear) == 4 && allDigits(birthYear) {
		return "year of birth", birthYear
	}
	return "", ""
}

// postcodeOf returns the postcode hasPostcode would find.
func postcodeOf(lines []string, country string) string {
	for i := len(lines) - 1; i >= 1; i-- {
		words := strings.FieldsFunc(lines[i], func(r rune) bool { return r == ' ' || r == ',' })
		for j := len(words) - 1; j >= 0; j-- {
			w := words[j]
			if hasPostcode([]string{"", w}, country) {
				return w
			}
			if j > 0 && hasPostcode([]string{"", words[j-1] + " " + w}, country) {
				return words[j-1] + " " + w
			}
		}
	}
	return ""
}
