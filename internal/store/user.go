package store

import (
	"context"
	"database/sql"
	"net/mail"
	"strings"
	"time"

	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/incident"
)

const userCols = `id, email, name, role, response_team, team_role, disabled, password_hash, created_at`

func scanUser(s scanner) (auth.User, error) {
	var u auth.User
	var created string
	err := s.Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.ResponseTeam, &u.TeamRole, &u.Disabled, &u.PasswordHash, &created)
	u.CreatedAt = parseTS(created)
	return u, err
}

// actor names the user who made a change, for the audit log.
func (db *DB) actor(ctx context.Context, q querier, id int64) incident.Actor {
	a := incident.Actor{UserID: id, Name: "command line"}
	if id != 0 {
		q.QueryRowContext(ctx, `SELECT name FROM users WHERE id = ?`, id).Scan(&a.Name)
	}
	return a
}

func validateUser(u *auth.User) error {
	f := fault.Fields{}
	u.Email = strings.ToLower(strings.TrimSpace(u.Email))
	u.Name = strings.TrimSpace(u.Name)
	if a, err := mail.ParseAddress(u.Email); err != nil || a.Address != u.Email {
		f.Add("email", "Give an email address such as jo@example.org.")
	}
	if u.Name == "" || len(u.Name) > 200 {
		f.Add("name", "Give the person's name.")
	}
	if _, ok := auth.ParseRole(string(u.Role)); !ok {
		f.Add("role", "Choose a role.")
	}
	if u.TeamRole != "" && auth.TeamRoleLabel(u.TeamRole) == "" {
		f.Add("team_role", "Choose a response team role from the list.")
	}
	if u.PasswordHash == "" {
		f.Add("password", "Set a password.")
	}
	return f.Err()
}

// CountUsers counts accounts; zero means setup has not happened.
func (db *DB) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := db.sql.QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&n)
	return n, err
}

// CreateUser adds an account; by is the user creating it (0 for the CLI).
func (db *DB) CreateUser(ctx context.Context, by int64, u auth.User) (auth.User, error) {
	if err := validateUser(&u); err != nil {
		return u, err
	}
	u.CreatedAt = db.Now()
	err := db.tx(ctx, func(tx *Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE email = ?`, u.Email).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return &fault.Error{Code: fault.Conflict, Message: "An account with that email already exists.", Fields: map[string]string{"email": "This email already has an account."}}
		}
		newID, err := insert(ctx, tx, `INSERT INTO users (email, name, role, response_team, team_role, disabled, password_hash, created_at) VALUES (?,?,?,?,?,?,?,?)`,
			u.Email, u.Name, u.Role, u.ResponseTeam, u.TeamRole, u.Disabled, u.PasswordHash, ts(u.CreatedAt))
		if err != nil {
			return err
		}
		u.ID = newID
		a := db.actor(ctx, tx, by)
		if by == 0 && a.Name == "command line" {
			a = incident.Actor{UserID: u.ID, Name: u.Name}
		}
		return db.appendAudit(ctx, tx, a, "user.create", "user:"+itoa(u.ID), 0, map[string]any{"role": u.Role})
	})
	return u, err
}

// User returns one account.
func (db *DB) User(ctx context.Context, id int64) (auth.User, error) {
	u, err := scanUser(db.sql.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE id = ?`, id))
	return u, notFound(err, "User %d was not found.", id)
}

// UserByEmail returns the account with that email.
func (db *DB) UserByEmail(ctx context.Context, email string) (auth.User, error) {
	u, err := scanUser(db.sql.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE email = ?`, strings.ToLower(strings.TrimSpace(email))))
	return u, notFound(err, "No account has that email.")
}

// Users lists all accounts by name.
func (db *DB) Users(ctx context.Context) ([]auth.User, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT `+userCols+` FROM users ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []auth.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// UpdateUser saves an account's name, role, team membership, status and
// password hash. Disabling a user or changing the password ends their sessions.
func (db *DB) UpdateUser(ctx context.Context, by int64, u auth.User) error {
	if err := validateUser(&u); err != nil {
		return err
	}
	return db.tx(ctx, func(tx *Tx) error {
		old, err := scanUser(tx.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE id = ?`, u.ID))
		if err != nil {
			return notFound(err, "User %d was not found.", u.ID)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET name=?, role=?, response_team=?, team_role=?, disabled=?, password_hash=? WHERE id=?`,
			u.Name, u.Role, u.ResponseTeam, u.TeamRole, u.Disabled, u.PasswordHash, u.ID); err != nil {
			return err
		}
		details := map[string]any{"role": u.Role, "disabled": u.Disabled, "response_team": u.ResponseTeam, "team_role": u.TeamRole}
		if old.PasswordHash != u.PasswordHash || u.Disabled {
			// A new password, or a disabled account, ends every credential
			// the old one gave: browser sessions and API tokens alike.
			details["sessions_ended"] = true
			if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, u.ID); err != nil {
				return err
			}
			res, err := tx.ExecContext(ctx, `DELETE FROM api_tokens WHERE user_id = ?`, u.ID)
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil {
				return err
			} else if n > 0 {
				details["api_tokens_revoked"] = n
			}
		}
		return db.appendAudit(ctx, tx, db.actor(ctx, tx, by), "user.update", "user:"+itoa(u.ID), 0, details)
	})
}

// CreateSession stores a new browser session under its token's hash.
func (db *DB) CreateSession(ctx context.Context, tokenHash string, s auth.Session) error {
	_, err := db.sql.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at) VALUES (?,?,?,?,?)`,
		tokenHash, s.UserID, s.CSRF, ts(db.Now()), ts(s.ExpiresAt))
	return err
}

// Session returns the live session with that token hash.
func (db *DB) Session(ctx context.Context, tokenHash string, now time.Time) (auth.Session, error) {
	var s auth.Session
	var exp string
	err := db.sql.QueryRowContext(ctx, `SELECT user_id, csrf, expires_at FROM sessions WHERE token_hash = ? AND expires_at > ?`, tokenHash, ts(now)).Scan(&s.UserID, &s.CSRF, &exp)
	s.ExpiresAt = parseTS(exp)
	return s, notFound(err, "Your session has ended; please sign in again.")
}

// SessionUser returns a session that has not ended with its user.
func (db *DB) SessionUser(ctx context.Context, tokenHash string, now time.Time) (auth.User, auth.Session, error) {
	var u auth.User
	var s auth.Session
	var uCreated, exp string
	err := db.sql.QueryRowContext(ctx, `SELECT u.id, u.email, u.name, u.role, u.response_team, u.team_role, u.disabled, u.password_hash, u.created_at,
 s.csrf, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ? AND s.expires_at > ?`, tokenHash, ts(now)).
		Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.ResponseTeam, &u.TeamRole, &u.Disabled, &u.PasswordHash, &uCreated, &s.CSRF, &exp)
	if err != nil {
		return u, s, notFound(err, "Your session has ended; please sign in again.")
	}
	u.CreatedAt = parseTS(uCreated)
	s.UserID, s.ExpiresAt = u.ID, parseTS(exp)
	return u, s, nil
}

// DeleteSession signs a browser out.
func (db *DB) DeleteSession(ctx context.Context, tokenHash string) error {
	_, err := db.sql.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = ?`, tokenHash)
	return err
}

// CreateAPIToken stores a token's hash; the token itself is shown once.
func (db *DB) CreateAPIToken(ctx context.Context, t auth.APIToken, tokenHash string) (auth.APIToken, error) {
	t.Name = strings.TrimSpace(t.Name)
	if t.Name == "" || len(t.Name) > 100 {
		return t, &fault.Error{Code: fault.Invalid, Message: "Name the token after the script that uses it.", Fields: map[string]string{"name": "Give the token a name of up to 100 characters."}}
	}
	t.CreatedAt = db.Now()
	err := db.tx(ctx, func(tx *Tx) error {
		newID, err := insert(ctx, tx, `INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES (?,?,?,?)`, t.UserID, t.Name, tokenHash, ts(t.CreatedAt))
		if err != nil {
			return err
		}
		t.ID = newID
		return db.appendAudit(ctx, tx, db.actor(ctx, tx, t.UserID), "api_token.create", "api_token:"+itoa(t.ID), 0, nil)
	})
	return t, err
}

// APITokenUser returns the enabled user a token belongs to and the token.
// It only reads: an unknown or revoked token is a fault.NotFound, any other
// error means the token could not be checked.
func (db *DB) APITokenUser(ctx context.Context, tokenHash string) (auth.User, auth.APIToken, error) {
	var t auth.APIToken
	var created string
	var used sql.NullString
	row := db.sql.QueryRowContext(ctx, `SELECT u.id, u.email, u.name, u.role, u.response_team, u.team_role, u.disabled, u.password_hash, u.created_at,
 t.id, t.name, t.created_at, t.last_used_at
 FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ? AND u.disabled = FALSE`, tokenHash)
	var u auth.User
	var uCreated string
	err := row.Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.ResponseTeam, &u.TeamRole, &u.Disabled, &u.PasswordHash, &uCreated,
		&t.ID, &t.Name, &created, &used)
	if err != nil {
		return u, t, notFound(err, "The API token is not valid.")
	}
	u.CreatedAt = parseTS(uCreated)
	t.UserID, t.CreatedAt, t.LastUsedAt = u.ID, parseTS(created), parseNTS(used)
	return u, t, nil
}

// TouchAPIToken notes that a token was used at, unless a use within the
// minute before is already noted.
func (db *DB) TouchAPIToken(ctx context.Context, tokenID int64, at time.Time) error {
	_, err := db.sql.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at <= ?)`,
		ts(at), tokenID, ts(at.Add(-time.Minute)))
	return err
}

// APITokens lists a user's tokens.
func (db *DB) APITokens(ctx context.Context, userID int64) ([]auth.APIToken, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT id, user_id, name, created_at, last_used_at FROM api_tokens WHERE user_id = ? ORDER BY id`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []auth.APIToken
	for rows.Next() {
		var t auth.APIToken
		var created string
		var used sql.NullString
		if err := rows.Scan(&t.ID, &t.UserID, &t.Name, &created, &used); err != nil {
			return nil, err
		}
		t.CreatedAt, t.LastUsedAt = parseTS(created), parseNTS(used)
		out = append(out, t)
	}
	return out, rows.Err()
}

// DeleteAPIToken revokes one of a user's tokens.
func (db *DB) DeleteAPIToken(ctx context.Context, userID, tokenID int64) error {
	return db.tx(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM api_tokens WHERE id = ? AND user_id = ?`, tokenID, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fault.Errorf(fault.NotFound, "That token was not found.")
		}
		return db.appendAudit(ctx, tx, db.actor(ctx, tx, userID), "api_token.revoke", "api_token:"+itoa(tokenID), 0, nil)
	})
}
