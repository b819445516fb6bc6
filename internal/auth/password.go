package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"time"

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

// hashSlots bounds the argon2id computations in flight: each holds 64 MiB
// for its duration, so without a bound forty sign-ins sent at once take
// 2.6 GB. One slot per core keeps the cores busy and memory near
// GOMAXPROCS x 64 MiB however many requests arrive.
var hashSlots = make(chan struct{}, max(1, runtime.GOMAXPROCS(0)))

// ErrBusy says every hashing slot stayed taken for as long as the caller
// would wait.
var ErrBusy = errors.New("too many passwords are being checked at once")

func acquire(ctx context.Context, wait time.Duration) error {
	select {
	case hashSlots <- struct{}{}:
		return nil
	default:
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case hashSlots <- struct{}{}:
		return nil
	case <-timer.C:
		return ErrBusy
	case <-ctx.Done():
		return ctx.Err()
	}
}

func release() { <-hashSlots }

// HashPassword returns an argon2id hash in the PHC string format. It waits
// for a hashing slot as long as it takes.
func HashPassword(pw string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	if err := acquire(context.Background(), 24*time.Hour); err != nil {
		return "", err
	}
	defer release()
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// CheckPassword says whether pw matches a hash made by HashPassword, in
// time independent of where they differ. It waits for a hashing slot as
// long as it takes; sign-in uses VerifyPassword, which does not.
func CheckPassword(hash, pw string) bool {
	ok, _ := VerifyPassword(context.Background(), hash, pw, 24*time.Hour)
	return ok
}

// VerifyPassword checks pw against hash, waiting at most wait for a
// hashing slot (ErrBusy after that). An empty hash, for an email without
// an account, is checked against a dummy hash with the same parameters,
// so the answer takes as long and does not reveal which emails have
// accounts.
func VerifyPassword(ctx context.Context, hash, pw string, wait time.Duration) (bool, error) {
	if hash == "" {
		hash = dummyHash()
	}
	if err := acquire(ctx, wait); err != nil {
		return false, err
	}
	defer release()
	return checkPassword(hash, pw), nil
}

func checkPassword(hash, pw string) bool {
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

// dummyHash is checked when an unknown email signs in. It is made on first
// use, not when the program starts, and needs no hashing: a random salt
// and a random key in the PHC format cost the checker the same work as a
// real hash and match no password.
var dummyHash = sync.OnceValue(func() string {
	b := make([]byte, 16+argonKeyLen)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(b[:16]), base64.RawStdEncoding.EncodeToString(b[16:]))
})

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
