package incident

import (
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"time"
)

// A cursor marks a place in the incident list, which is ordered by
// discovery, newest first, then by id: the next page starts after it.
// Keyset paging costs the same on page 2,000 as on page 1, and does not
// skip or repeat incidents reported while a person pages.

// CursorOf is the cursor just after inc.
func CursorOf(inc *Incident) string {
	raw := inc.Report.DiscoveredAt.UTC().Format(time.RFC3339Nano) + "," + strconv.FormatInt(inc.ID, 10)
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

// ErrCursor says a cursor was not made by CursorOf.
var ErrCursor = errors.New("the cursor is not one this list gave: start again from the first page")

// ParseCursor reads a cursor made by CursorOf.
func ParseCursor(c string) (discovered time.Time, id int64, err error) {
	raw, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || len(raw) > 80 {
		return time.Time{}, 0, ErrCursor
	}
	at, idText, ok := strings.Cut(string(raw), ",")
	if !ok {
		return time.Time{}, 0, ErrCursor
	}
	if discovered, err = time.Parse(time.RFC3339Nano, at); err != nil {
		return time.Time{}, 0, ErrCursor
	}
	if id, err = strconv.ParseInt(idText, 10, 64); err != nil || id <= 0 {
		return time.Time{}, 0, ErrCursor
	}
	return discovered, id, nil
}
