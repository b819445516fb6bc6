package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"

	"github.com/breachdesk/breachdesk/internal/fault"
)

// argon2id parameters (RFC 9106's second recommended option, with 64 MiB).
const (
	argonTime    = 3
	argonMemory  = 64 * 1024
	argonThreads = 2
	argonKeyLen  = 32
)

// MinPasswordLength follows NIST SP 800-63B for user-chosen secrets.
const MinPasswordLength = 12

// CheckPasswordStrength rejects passwords too short or equal to the email.
func CheckPasswordStrength(pw, email string) error {
	switch {
	case len(pw) < MinPasswordLength:
		return &fault.Error{Code: fault.Invalid, Message: "Choose a longer password.", Fields: map[string]string{"password": fmt.Sprintf("Use at least %d characters; a few unrelated words work well.", MinPasswordLength)}}
	case len(pw) > 1024:
		return &fault.Error{Code: fault.Invalid, Message: "That password is too long.", Fields: map[string]string{"password": "Use at most 1,024 characters."}}
	case strings.EqualFold(pw, email):
		return &fault.Error{Code: fault.Invalid, Message: "Choose a different password.", Fields: map[string]string{"password": "The password cannot be your email address."}}
	}
	return nil
}

// HashPassword returns an argon2id hash in the PHC string format.
func HashPassword(pw string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// CheckPassword says whether pw matches a hash made by HashPassword, in
// time independent of where they differ.
func CheckPassword(hash, pw string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	want, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is checked when an unknown email signs in, so the response takes
// as long as for a known one and does not reveal which emails have accounts.
var dummyHash, _ = HashPassword("breachdesk-timing-equaliser")

// EqualiseTiming spends the time a password check takes.
func EqualiseTiming(pw string) { CheckPassword(dummyHash, pw) }

// NewToken returns a random token for a cookie or an API client, and the
// hash under which it is stored: a stolen database yields no usable tokens.
func NewToken(prefix string) (token, hash string) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	token = prefix + base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token)
}

// HashToken is how tokens are looked up.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
