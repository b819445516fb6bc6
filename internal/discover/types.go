// Package discover scans exposed files for personal data and works out
// whose it is, so the team can "clarify what information has been
// breached" and "consider who is impacted" (seed 000). Its output is the
// contract of docs/scan-contract.md. It knows nothing of SQL or HTTP.
package discover

import (
	"bytes"
	"strings"
	"unicode"
)

// Type is an element type id of the scan contract.
type Type string

// The element types of the contract, version 1.
const (
	Email         Type = "email"
	Phone         Type = "phone"
	CreditCard    Type = "credit_card"
	IBAN          Type = "iban"
	USSSN         Type = "us_ssn"
	AUTFN         Type = "au_tfn"
	AUMedicare    Type = "au_medicare"
	AUABN         Type = "au_abn"
	NZIRD         Type = "nz_ird"
	NZNHI         Type = "nz_nhi"
	Passport      Type = "passport_number"
	DriverLicence Type = "driver_licence"
	DateOfBirth   Type = "date_of_birth"
	PersonName    Type = "person_name"
	StreetAddress Type = "street_address"
	IPAddress     Type = "ip_address"
	NZBankAccount Type = "nz_bank_account"
	AUBSBAccount  Type = "au_bsb_account"
	Password      Type = "password"
	Health        Type = "health"
	noType        Type = ""
)

// Types lists the element types in the order summaries show them.
var Types = []Type{Email, Phone, CreditCard, IBAN, USSSN, AUTFN, AUMedicare, AUABN, NZIRD, NZNHI, Passport, DriverLicence,
	DateOfBirth, PersonName, StreetAddress, IPAddress, Password, Health, NZBankAccount, AUBSBAccount}

// Indexes of the types in Types, for bit sets.
const (
	iEmail = iota
	iPhone
	iCreditCard
	iIBAN
	iUSSSN
	iAUTFN
	iAUMedicare
	iAUABN
	iNZIRD
	iNZNHI
	iPassport
	iDriverLicence
	iDateOfBirth
	iPersonName
	iStreetAddress
	iIPAddress
	iPassword
	iHealth
	iNZBankAccount
	iAUBSBAccount
	numTypes
)

// index is the type's position in Types, for bit sets; -1 if unknown.
// It runs several times per finding, so it tells the types apart by
// their length and a letter or two (a jump table, where a switch on the
// whole strings compares one string after another) and checks the one
// candidate whole.
func (t Type) index() int {
	k := -1
	switch len(t) {
	case 4:
		k = iIBAN
	case 5:
		switch t[0] {
		case 'e':
			k = iEmail
		case 'p':
			k = iPhone
		}
	case 6:
		switch t[3] {
		case 's':
			k = iUSSSN
		case 't':
			k = iAUTFN
		case 'a':
			k = iAUABN
		case 'i':
			k = iNZIRD
		case 'n':
			k = iNZNHI
		case 'l':
			k = iHealth
		}
	case 8:
		k = iPassword
	case 10:
		k = iIPAddress
	case 11:
		switch t[0] {
		case 'c':
			k = iCreditCard
		case 'a':
			k = iAUMedicare
		case 'p':
			k = iPersonName
		}
	case 13:
		k = iDateOfBirth
	case 14:
		switch t[0] {
		case 'd':
			k = iDriverLicence
		case 's':
			k = iStreetAddress
		case 'a':
			k = iAUBSBAccount
		}
	case 15:
		switch t[0] {
		case 'p':
			k = iPassport
		case 'n':
			k = iNZBankAccount
		}
	}
	if k < 0 || Types[k] != t {
		return -1
	}
	return k
}

// Normalise is the value the contract hashes: emails lower-cased; numeric
// identifiers digits only; IBAN and NHI upper-case without spaces; phones
// as E.164 when the country is known (the detector passes them so);
// dates as YYYY-MM-DD (likewise); other types trimmed with inner white
// space collapsed.
func Normalise(t Type, v string) string {
	switch t {
	case Email:
		return strings.ToLower(strings.TrimSpace(v))
	case CreditCard, USSSN, AUTFN, AUMedicare, AUABN, NZIRD, NZBankAccount, AUBSBAccount:
		return digitsOnly(v)
	case IBAN, NZNHI:
		return strings.ToUpper(strings.Join(strings.Fields(v), ""))
	case Phone:
		if strings.HasPrefix(v, "+") {
			return "+" + digitsOnly(v)
		}
		return digitsOnly(v)
	}
	return strings.Join(strings.Fields(v), " ")
}

// asciiSpace is the ASCII white space strings.Fields and TrimSpace
// cut at.
var asciiSpace = [256]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}

// appendNormalise appends Normalise(t, v) to dst, without allocating
// when v is ASCII (nearly always).
func appendNormalise(dst []byte, t Type, v []byte) []byte {
	if !ascii(v) {
		return append(dst, Normalise(t, string(v))...)
	}
	switch t {
	case Email:
		for len(v) > 0 && asciiSpace[v[0]] {
			v = v[1:]
		}
		for len(v) > 0 && asciiSpace[v[len(v)-1]] {
			v = v[:len(v)-1]
		}
		return appendLower(dst, v)
	case CreditCard, USSSN, AUTFN, AUMedicare, AUABN, NZIRD, NZBankAccount, AUBSBAccount, Phone:
		if t == Phone && len(v) > 0 && v[0] == '+' {
			dst = append(dst, '+')
		}
		for _, c := range v {
			if isDigit(c) {
				dst = append(dst, c)
			}
		}
		return dst
	case IBAN, NZNHI:
		for _, c := range v {
			if !asciiSpace[c] {
				if c >= 'a' && c <= 'z' {
					c -= 'a' - 'A'
				}
				dst = append(dst, c)
			}
		}
		return dst
	}
	start, space := len(dst), false
	for _, c := range v {
		if asciiSpace[c] {
			space = true
			continue
		}
		if space && len(dst) > start {
			dst = append(dst, ' ')
		}
		space = false
		dst = append(dst, c)
	}
	return dst
}

func digitsOnly(v string) string {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		if isDigit(v[i]) {
			b.WriteByte(v[i])
		}
	}
	return b.String()
}

// Mask hides all but a few characters of a value, so output can be shown
// without exposing it: the last four digits of numbers, the first letter
// and the domain of emails, the first letter of each word of names.
func Mask(t Type, v string) string {
	v = strings.TrimSpace(v)
	if ascii(v) {
		return maskASCII(t, v)
	}
	r := []rune(v)
	switch t {
	case Email:
		at := strings.LastIndexByte(string(r), '@')
		if at > 0 {
			return string(r[0]) + "***" + string(r)[at:]
		}
	case PersonName, StreetAddress, Health:
		out := make([]rune, len(r))
		first := true
		for i, c := range r {
			switch {
			case unicode.IsSpace(c):
				out[i], first = c, true
			case first:
				out[i], first = c, false
			default:
				out[i] = '*'
			}
		}
		return string(out)
	case Password:
		return "********"
	}
	keep := 4
	if len(r) <= 6 {
		keep = 2
	}
	out := make([]rune, len(r))
	seen := 0
	for i := len(r) - 1; i >= 0; i-- {
		c := r[i]
		if unicode.IsLetter(c) || unicode.IsDigit(c) {
			if seen >= keep {
				c = '*'
			}
			seen++
		}
		out[i] = c
	}
	return string(out)
}

func ascii[T string | []byte](s T) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// maskASCII is Mask for ASCII text, without converting to runes.
func maskASCII(t Type, v string) string { return string(appendMaskASCII(nil, t, []byte(v))) }

// appendMaskASCII appends the masked form of an ASCII value to dst.
func appendMaskASCII(dst []byte, t Type, v []byte) []byte {
	switch t {
	case Email:
		if at := bytes.LastIndexByte(v, '@'); at > 0 {
			return append(append(append(dst, v[0]), "***"...), v[at:]...)
		}
	case PersonName, StreetAddress, Health:
		first := true
		for _, c := range v {
			switch {
			case c == ' ' || c == '\t':
				first = true
			case first:
				first = false
			default:
				c = '*'
			}
			dst = append(dst, c)
		}
		return dst
	case Password:
		return append(dst, "********"...)
	}
	keep := 4
	if len(v) <= 6 {
		keep = 2
	}
	start := len(dst)
	dst = append(dst, v...)
	b := dst[start:]
	seen := 0
	for i := len(b) - 1; i >= 0; i-- {
		c := b[i]
		if isAlpha(c) || isDigit(c) {
			if seen >= keep {
				b[i] = '*'
			}
			seen++
		}
	}
	return dst
}
