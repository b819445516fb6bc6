package auth

import (
	"context"
	"time"
)

// Session is a signed-in browser. Its CSRF token must accompany every form.
type Session struct {
	UserID    int64
	CSRF      string
	ExpiresAt time.Time
}

// APIToken is a credential a script uses instead of a browser session.
type APIToken struct {
	ID         int64
	UserID     int64
	Name       string
	CreatedAt  time.Time
	LastUsedAt *time.Time
}

// Store keeps accounts, sessions and API tokens.
type Store interface {
	CountUsers(ctx context.Context) (int, error)
	CreateUser(ctx context.Context, by int64, u User) (User, error)
	User(ctx context.Context, id int64) (User, error)
	UserByEmail(ctx context.Context, email string) (User, error)
	Users(ctx context.Context) ([]User, error)
	UpdateUser(ctx context.Context, by int64, u User) error

	CreateSession(ctx context.Context, tokenHash string, s Session) error
	Session(ctx context.Context, tokenHash string, now time.Time) (Session, error)
	// SessionUser returns a session that has not ended and its user, in
	// one read (every page a browser asks for needs both); a
	// fault.NotFound when the session is unknown or has ended.
	SessionUser(ctx context.Context, tokenHash string, now time.Time) (User, Session, error)
	DeleteSession(ctx context.Context, tokenHash string) error

	CreateAPIToken(ctx context.Context, t APIToken, tokenHash string) (APIToken, error)
	// APITokenUser returns the enabled user a token belongs to, and the
	// token; a fault.NotFound when the token is unknown or revoked, any
	// other error when it could not be checked. It writes nothing.
	APITokenUser(ctx context.Context, tokenHash string) (User, APIToken, error)
	// TouchAPIToken notes a token's use at most once a minute.
	TouchAPIToken(ctx context.Context, tokenID int64, at time.Time) error
	APITokens(ctx context.Context, userID int64) ([]APIToken, error)
	DeleteAPIToken(ctx context.Context, userID, tokenID int64) error
}
