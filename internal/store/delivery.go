package store

import (
	"bytes"
	"compress/flate"
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	kflate "github.com/klauspost/compress/flate"

	"github.com/breachdesk/breachdesk/internal/deliver"
	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/incident"
)

const campaignCols = `id, incident_id, stage, version, option, practicable, fallback, status, resend, unreachable, created_by, created_at, started_at, ended_at`

func scanCampaign(row interface{ Scan(...any) error }) (deliver.Campaign, error) {
	var c deliver.Campaign
	var fallback, status, created string
	var started, ended sql.NullString
	err := row.Scan(&c.ID, &c.IncidentID, &c.Stage, &c.Version, &c.Option, &c.Practicable, &fallback, &status, &c.Resend, &c.Unreachable, &c.CreatedBy, &created, &started, &ended)
	for _, ch := range splitList(fallback) {
		c.Fallback = append(c.Fallback, deliver.Channel(ch))
	}
	c.Status, c.CreatedAt, c.StartedAt, c.EndedAt = deliver.CampaignStatus(status), parseTS(created), parseNTS(started), parseNTS(ended)
	return c, err
}

func joinChannels(cs []deliver.Channel) string {
	s := make([]string, len(cs))
	for i, c := range cs {
		s[i] = string(c)
	}
	return strings.Join(s, ",")
}

// CreateCampaign records a campaign in the queuing state.
func (db *DB) CreateCampaign(ctx context.Context, by incident.Actor, c deliver.Campaign) (deliver.Campaign, error) {
	c.Status, c.CreatedAt, c.CreatedBy = deliver.CampaignQueuing, db.Now(), by.Name
	err := db.tx(ctx, func(tx *Tx) error {
		var err error
		c.ID, err = insert(ctx, tx, `INSERT INTO campaigns (incident_id, stage, version, option, practicable, fallback, status, resend, created_by, created_at) VALUES (?,?,?,?,?,?,?,?,?,?)`,
			c.IncidentID, c.Stage, c.Version, c.Option, c.Practicable, joinChannels(c.Fallback), c.Status, c.Resend, c.CreatedBy, ts(c.CreatedAt))
		if err != nil {
			return err
		}
		text := fmt.Sprintf("Notices to people, stage %d: campaign %d started (option %d; channels %s).", c.Stage, c.ID, c.Option, joinChannels(c.Fallback))
		if c.Resend {
			text += " Sent again to people who already had this notice, as confirmed."
		}
		if err := db.addEntry(ctx, tx, by, c.IncidentID, incident.EntryDecision, text); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, by, "campaign.create", "campaign:"+itoa(c.ID), c.IncidentID,
			map[string]any{"stage": c.Stage, "version": c.Version, "option": c.Option, "channels": joinChannels(c.Fallback), "resend": c.Resend})
	})
	return c, err
}

// Campaign returns one campaign of an incident.
func (db *DB) Campaign(ctx context.Context, incidentID, id int64) (deliver.Campaign, error) {
	c, err := scanCampaign(db.sql.QueryRowContext(ctx, `SELECT `+campaignCols+` FROM campaigns WHERE id = ? AND incident_id = ?`, id, incidentID))
	return c, notFound(err, "No campaign %d on this incident.", id)
}

// Campaigns lists an incident's campaigns, oldest first.
func (db *DB) Campaigns(ctx context.Context, incidentID int64) ([]deliver.Campaign, error) {
	return db.campaigns(ctx, `SELECT `+campaignCols+` FROM campaigns WHERE incident_id = ? ORDER BY id`, incidentID)
}

func (db *DB) campaigns(ctx context.Context, q string, args ...any) ([]deliver.Campaign, error) {
	rows, err := db.sql.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []deliver.Campaign
	for rows.Next() {
		c, err := scanCampaign(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// enqueueChunk keeps each INSERT well under SQLite's limit of variables.
const enqueueChunk = 400

// Enqueue adds messages to a campaign; a person already queued on the
// channel is left alone. The campaign's counts move in the same
// transaction.
func (db *DB) EnqueueMessages(ctx context.Context, campaignID int64, es []deliver.NewEntry) (int, error) {
	added := map[deliver.Channel]int{}
	total := 0
	err := db.tx(ctx, func(tx *Tx) error {
		var incidentID int64
		var status string
		if err := tx.QueryRowContext(ctx, `SELECT incident_id, status FROM campaigns WHERE id = ?`, campaignID).Scan(&incidentID, &status); err != nil {
			return notFound(err, "No campaign %d.", campaignID)
		}
		if deliver.CampaignStatus(status) == deliver.CampaignCancelled {
			return fault.Errorf(fault.Conflict, "The campaign was cancelled: start a new one to send more notices.")
		}
		now := ts(db.Now())
		for start := 0; start < len(es); start += enqueueChunk {
			part := es[start:min(start+enqueueChunk, len(es))]
			var q strings.Builder
			q.WriteString(`INSERT INTO deliveries (campaign_id, incident_id, person_id, channel, status, next_at, recipient_key, queued_at) VALUES `)
			args := make([]any, 0, len(part)*8)
			for i, e := range part {
				if i > 0 {
					q.WriteString(",")
				}
				q.WriteString("(?,?,?,?,?,?,?,?)")
				args = append(args, campaignID, incidentID, e.PersonID, string(e.Channel), string(deliver.Queued), now, e.RecipientKey, now)
			}
			q.WriteString(` ON CONFLICT (campaign_id, person_id, channel) DO NOTHING RETURNING channel`)
			rows, err := tx.QueryContext(ctx, q.String(), args...)
			if err != nil {
				return err
			}
			for rows.Next() {
				var ch string
				if err := rows.Scan(&ch); err != nil {
					rows.Close()
					return err
				}
				added[deliver.Channel(ch)]++
				total++
			}
			if err := rows.Close(); err != nil {
				return err
			}
		}
		for ch, n := range added {
			if err := bumpCount(ctx, tx, campaignID, ch, deliver.Queued, n); err != nil {
				return err
			}
		}
		return nil
	})
	return total, err
}

func bumpCount(ctx context.Context, tx *Tx, campaignID int64, ch deliver.Channel, s deliver.Status, n int) error {
	if n == 0 {
		return nil
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO campaign_counts (campaign_id, channel, status, n) VALUES (?,?,?,?)
		ON CONFLICT (campaign_id, channel, status) DO UPDATE SET n = campaign_counts.n + excluded.n`, campaignID, string(ch), string(countStatus(s)), n)
	return err
}

// countStatus folds sending into queued: both are waiting for an outcome.
func countStatus(s deliver.Status) deliver.Status {
	if s == deliver.Sending {
		return deliver.Queued
	}
	return s
}

// campaignMoves are the campaign status changes allowed.
var campaignMoves = map[deliver.CampaignStatus][]deliver.CampaignStatus{
	deliver.CampaignQueuing: {deliver.CampaignRunning, deliver.CampaignPaused, deliver.CampaignCancelled},
	deliver.CampaignRunning: {deliver.CampaignPaused, deliver.CampaignCancelled, deliver.CampaignDone},
	deliver.CampaignPaused:  {deliver.CampaignRunning, deliver.CampaignCancelled},
	// A campaign that ended runs again to send by another channel to the
	// people it did not reach.
	deliver.CampaignDone: {deliver.CampaignRunning},
}

// SetCampaignStatus moves a campaign; cancelling ends every message not
// yet handed over.
func (db *DB) SetCampaignStatus(ctx context.Context, by incident.Actor, incidentID, id int64, to deliver.CampaignStatus, unreachable int) (deliver.Campaign, error) {
	var c deliver.Campaign
	err := db.tx(ctx, func(tx *Tx) error {
		var err error
		c, err = scanCampaign(tx.QueryRowContext(ctx, `SELECT `+campaignCols+` FROM campaigns WHERE id = ? AND incident_id = ?`, id, incidentID))
		if err != nil {
			return notFound(err, "No campaign %d on this incident.", id)
		}
		if c.Status == to {
			return nil
		}
		allowed := false
		for _, s := range campaignMoves[c.Status] {
			allowed = allowed || s == to
		}
		if !allowed {
			return fault.Errorf(fault.Conflict, "A %s campaign cannot be %s.", c.Status, to)
		}
		now := db.Now()
		c.Status = to
		switch to {
		case deliver.CampaignRunning:
			if c.StartedAt == nil {
				c.StartedAt = &now
			}
			c.EndedAt = nil
		case deliver.CampaignCancelled, deliver.CampaignDone:
			c.EndedAt = &now
		}
		if unreachable >= 0 {
			c.Unreachable = unreachable
		}
		if _, err := tx.ExecContext(ctx, `UPDATE campaigns SET status = ?, started_at = ?, ended_at = ?, unreachable = ? WHERE id = ?`,
			c.Status, nts(c.StartedAt), nts(c.EndedAt), c.Unreachable, c.ID); err != nil {
			return err
		}
		if to == deliver.CampaignCancelled {
			rows, err := tx.QueryContext(ctx, `UPDATE deliveries SET status = ?, final_at = ?, detail = 'the campaign was cancelled before it was sent'
				WHERE campaign_id = ? AND status = ? RETURNING channel`, deliver.Cancelled, ts(now), c.ID, deliver.Queued)
			if err != nil {
				return err
			}
			moved := map[deliver.Channel]int{}
			for rows.Next() {
				var ch string
				if err := rows.Scan(&ch); err != nil {
					rows.Close()
					return err
				}
				moved[deliver.Channel(ch)]++
			}
			if err := rows.Close(); err != nil {
				return err
			}
			for ch, n := range moved {
				if err := bumpCount(ctx, tx, c.ID, ch, deliver.Queued, -n); err != nil {
					return err
				}
				if err := bumpCount(ctx, tx, c.ID, ch, deliver.Cancelled, n); err != nil {
					return err
				}
			}
		}
		if by.Name == "" {
			return nil // the workers' own moves (done) are not a person's decision
		}
		if err := db.addEntry(ctx, tx, by, incidentID, incident.EntryDecision, fmt.Sprintf("Notices to people: campaign %d %s.", c.ID, to)); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, by, "campaign."+string(to), "campaign:"+itoa(c.ID), incidentID, nil)
	})
	return c, err
}

// Counts returns a campaign's messages by channel and status.
func (db *DB) CampaignCounts(ctx context.Context, campaignID int64) (deliver.Counts, error) {
	return db.counts(ctx, `SELECT channel, status, n FROM campaign_counts WHERE campaign_id = ?`, campaignID)
}

// IncidentCounts adds up the counts of every campaign of an incident.
func (db *DB) IncidentCounts(ctx context.Context, incidentID int64) (deliver.Counts, error) {
	return db.counts(ctx, `SELECT k.channel, k.status, SUM(k.n) FROM campaign_counts k JOIN campaigns c ON c.id = k.campaign_id
		WHERE c.incident_id = ? GROUP BY k.channel, k.status`, incidentID)
}

func (db *DB) counts(ctx context.Context, q string, id int64) (deliver.Counts, error) {
	rows, err := db.sql.QueryContext(ctx, q, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	c := deliver.Counts{}
	for rows.Next() {
		var ch, st string
		var n int
		if err := rows.Scan(&ch, &st, &n); err != nil {
			return nil, err
		}
		if n != 0 {
			c.Add(deliver.Channel(ch), deliver.Status(st), n)
		}
	}
	return c, rows.Err()
}

const recordCols = `d.id, d.campaign_id, d.incident_id, d.person_id, d.channel, d.status, d.attempts, c.version, COALESCE(d.message_id, ''), d.detail, d.content_hash, d.queued_at, d.sent_at, d.final_at, COALESCE(d.batch, '')`

func scanRecord(rows *sql.Rows) (deliver.Record, error) {
	var r deliver.Record
	var ch, st, queued string
	var sent, final sql.NullString
	err := rows.Scan(&r.ID, &r.CampaignID, &r.IncidentID, &r.PersonID, &ch, &st, &r.Attempts, &r.Version, &r.MessageID, &r.Detail, &r.ContentHash, &queued, &sent, &final, &r.Batch)
	r.Channel, r.Status, r.QueuedAt, r.SentAt, r.FinalAt = deliver.Channel(ch), deliver.Status(st), parseTS(queued), parseNTS(sent), parseNTS(final)
	return r, err
}

func (db *DB) records(ctx context.Context, q string, args ...any) ([]deliver.Record, error) {
	rows, err := db.sql.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []deliver.Record
	for rows.Next() {
		r, err := scanRecord(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Records lists a campaign's messages in id order after a given id.
func (db *DB) Records(ctx context.Context, campaignID int64, status deliver.Status, after int64, limit int) ([]deliver.Record, error) {
	if status == "" {
		return db.records(ctx, `SELECT `+recordCols+` FROM deliveries d JOIN campaigns c ON c.id = d.campaign_id
			WHERE d.campaign_id = ? AND d.id > ? ORDER BY d.id LIMIT ?`, campaignID, after, limit)
	}
	return db.records(ctx, `SELECT `+recordCols+` FROM deliveries d JOIN campaigns c ON c.id = d.campaign_id
		WHERE d.campaign_id = ? AND d.status = ? AND d.id > ? ORDER BY d.id LIMIT ?`, campaignID, status, after, limit)
}

// PersonRecords lists every message to one person of an incident.
func (db *DB) PersonRecords(ctx context.Context, incidentID, personID int64) ([]deliver.Record, error) {
	return db.records(ctx, `SELECT `+recordCols+` FROM deliveries d JOIN campaigns c ON c.id = d.campaign_id
		WHERE d.incident_id = ? AND d.person_id = ? ORDER BY d.id`, incidentID, personID)
}

// reachedStatuses are the statuses that count as the person being told.
var reachedStatuses = func() []any {
	var out []any
	for _, s := range []deliver.Status{deliver.Sent, deliver.Delivered, deliver.Printed, deliver.Reached, deliver.Voicemail} {
		out = append(out, string(s))
	}
	return out
}()

// Told lists the people of an incident a stage's messages reached.
func (db *DB) Told(ctx context.Context, incidentID int64, stage int) ([]int64, error) {
	ph := strings.TrimSuffix(strings.Repeat("?,", len(reachedStatuses)), ",")
	args := append([]any{incidentID, stage}, reachedStatuses...)
	rows, err := db.sql.QueryContext(ctx, `SELECT DISTINCT d.person_id FROM deliveries d JOIN campaigns c ON c.id = d.campaign_id
		WHERE d.incident_id = ? AND c.stage = ? AND d.status IN (`+ph+`) ORDER BY d.person_id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

const entryCols = `d.id, d.campaign_id, d.incident_id, d.person_id, d.channel, d.status, d.attempts, c.version`

func scanEntries(rows *sql.Rows) ([]deliver.Entry, error) {
	defer rows.Close()
	var out []deliver.Entry
	for rows.Next() {
		var e deliver.Entry
		var ch, st string
		if err := rows.Scan(&e.ID, &e.CampaignID, &e.IncidentID, &e.PersonID, &ch, &st, &e.Attempts, &e.Version); err != nil {
			return nil, err
		}
		e.Channel, e.Status = deliver.Channel(ch), deliver.Status(st)
		out = append(out, e)
	}
	return out, rows.Err()
}

// Claim leases due messages of running campaigns: queued ones whose next
// attempt is due, and ones whose worker's lease ran out.
func (db *DB) ClaimMessages(ctx context.Context, owner string, channels []deliver.Channel, now, leaseUntil time.Time, n int) ([]deliver.Entry, error) {
	if len(channels) == 0 || n <= 0 {
		return nil, nil
	}
	chs := make([]any, len(channels))
	for i, c := range channels {
		chs[i] = string(c)
	}
	ph := strings.TrimSuffix(strings.Repeat("?,", len(chs)), ",")
	var ids []int64
	err := db.tx(ctx, func(tx *Tx) error {
		pick := func(q string, args ...any) error {
			rows, err := tx.QueryContext(ctx, q, args...)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var id int64
				if err := rows.Scan(&id); err != nil {
					return err
				}
				ids = append(ids, id)
			}
			return rows.Err()
		}
		// The statuses are written into the queries, and the deliveries
		// come first (CROSS JOIN keeps SQLite's join order), so that the
		// partial indexes deliveries_due and deliveries_leased find the
		// next messages directly: with the status as a parameter SQLite
		// read every queued message of the campaign and sorted them on
		// every claim, a million rows for a million people.
		args := append([]any{ts(now)}, chs...)
		if err := pick(`SELECT d.id FROM deliveries d CROSS JOIN campaigns c
			WHERE c.id = d.campaign_id AND d.status = 'queued' AND d.next_at <= ? AND d.channel IN (`+ph+`) AND c.status = 'running' ORDER BY d.next_at LIMIT ?`, append(args, n)...); err != nil {
			return err
		}
		if left := n - len(ids); left > 0 {
			args := append([]any{ts(now)}, chs...)
			if err := pick(`SELECT d.id FROM deliveries d CROSS JOIN campaigns c
				WHERE c.id = d.campaign_id AND d.status = 'sending' AND d.lease_until < ? AND d.channel IN (`+ph+`) AND c.status = 'running' LIMIT ?`, append(args, left)...); err != nil {
				return err
			}
		}
		if len(ids) == 0 {
			return nil
		}
		in, idArgs := joinIDs(ids)
		_, err := tx.ExecContext(ctx, `UPDATE deliveries SET status = ?, lease_owner = ?, lease_until = ?, attempts = attempts + 1 WHERE id IN (`+in+`)`,
			append([]any{string(deliver.Sending), owner, ts(leaseUntil)}, idArgs...)...)
		return err
	})
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	in, idArgs := joinIDs(ids)
	rows, err := db.sql.QueryContext(ctx, `SELECT `+entryCols+` FROM deliveries d JOIN campaigns c ON c.id = d.campaign_id WHERE d.id IN (`+in+`) ORDER BY d.id`, idArgs...)
	if err != nil {
		return nil, err
	}
	return scanEntries(rows)
}

// Extend renews owner's leases.
func (db *DB) ExtendLeases(ctx context.Context, owner string, ids []int64, until time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	in, args := joinIDs(ids)
	_, err := db.sql.ExecContext(ctx, `UPDATE deliveries SET lease_until = ? WHERE status = 'sending' AND lease_owner = ? AND id IN (`+in+`)`,
		append([]any{ts(until), owner}, args...)...)
	return err
}

func deliveryContext(id int64) string { return "delivery:" + itoa(id) }

// sealContent compresses and seals what was sent, bound to its message.
func (db *DB) sealContent(id int64, content []byte) ([]byte, error) {
	if len(content) == 0 {
		return nil, nil
	}
	if db.Sealer == nil {
		return nil, fault.Errorf(fault.Conflict, "No data key is set up, so what was sent cannot be archived.")
	}
	var b bytes.Buffer
	zw, ok := deflaters.Get().(*kflate.Writer)
	if !ok {
		var err error
		if zw, err = kflate.NewWriter(&b, kflate.BestSpeed); err != nil {
			return nil, err
		}
	} else {
		zw.Reset(&b)
	}
	defer deflaters.Put(zw)
	if _, err := zw.Write(content); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return db.Sealer.Seal(b.Bytes(), deliveryContext(id)), nil
}

// deflaters keeps compressors between messages: a new one allocates
// about a megabyte of tables. They are klauspost/compress's, which write
// the same DEFLATE format as compress/flate (read back by Content) in
// about three quarters of the time: compressing was a tenth of a sent
// email's CPU.
var deflaters sync.Pool

// Content opens the archived copy of what a message sent.
func (db *DB) Content(ctx context.Context, incidentID, id int64) ([]byte, error) {
	var sealed []byte
	err := db.sql.QueryRowContext(ctx, `SELECT content FROM deliveries WHERE id = ? AND incident_id = ?`, id, incidentID).Scan(&sealed)
	if err != nil {
		return nil, notFound(err, "No message %d on this incident.", id)
	}
	if len(sealed) == 0 {
		return nil, fault.Errorf(fault.NotFound, "Nothing was sent for message %d.", id)
	}
	if db.Sealer == nil {
		return nil, fault.Errorf(fault.Conflict, "What was sent is encrypted and no data key is set up.")
	}
	plain, err := db.Sealer.Open(sealed, deliveryContext(id))
	if err != nil {
		return nil, fault.Errorf(fault.Conflict, "The archived message cannot be decrypted: %v", err)
	}
	return io.ReadAll(io.LimitReader(flate.NewReader(bytes.NewReader(plain)), 16<<20))
}

// Record stores the results of attempts in one transaction.
func (db *DB) RecordResults(ctx context.Context, owner string, results []deliver.Result) error {
	if len(results) == 0 {
		return nil
	}
	sealed := make([][]byte, len(results))
	for i, r := range results {
		s, err := db.sealContent(r.EntryID, r.Content)
		if err != nil {
			return err
		}
		sealed[i] = s
	}
	return db.tx(ctx, func(tx *Tx) error {
		moves := countMoves{}
		events := make([]any, 0, 5*len(results))
		for i, r := range results {
			// Only a message still being handed over takes a result: one
			// cancelled or settled by another attempt meanwhile keeps its
			// status, and a person removed from the list has no row.
			var campaignID int64
			var ch string
			to := r.Outcome.Status
			at := ts(r.At)
			detail := redact(r.Outcome.Detail)
			var err error
			if to == deliver.Queued {
				err = tx.QueryRowContext(ctx, `UPDATE deliveries SET status = ?, next_at = ?, lease_owner = NULL, lease_until = NULL, detail = ?
					WHERE id = ? AND status = 'sending' RETURNING campaign_id, channel`, to, ts(r.NextAttempt), detail, r.EntryID).Scan(&campaignID, &ch)
			} else {
				var sentAt any
				if to == deliver.Sent || to == deliver.Printed {
					sentAt = at
				}
				err = tx.QueryRowContext(ctx, `UPDATE deliveries SET status = ?, lease_owner = NULL, lease_until = NULL, detail = ?, sent_at = COALESCE(?, sent_at),
					final_at = ?, message_id = COALESCE(NULLIF(?, ''), message_id), provider_id = COALESCE(NULLIF(?, ''), provider_id), content = COALESCE(?, content),
					content_hash = COALESCE(?, content_hash) WHERE id = ? AND status = 'sending' RETURNING campaign_id, channel`,
					to, detail, sentAt, at, r.MessageID, r.Outcome.ProviderID, sealed[i], r.ContentHash, r.EntryID).Scan(&campaignID, &ch)
				if err == nil {
					moves.add(campaignID, deliver.Channel(ch), deliver.Sending, to)
				}
			}
			if errors.Is(err, sql.ErrNoRows) {
				continue
			}
			if err != nil {
				return err
			}
			events = append(events, r.EntryID, at, string(to), detail, "worker "+owner)
		}
		if err := insertEvents(ctx, tx, events); err != nil {
			return err
		}
		return moves.apply(ctx, tx)
	})
}

// eventsChunk is how many delivery events one INSERT writes.
const eventsChunk = 200

// insertEvents writes delivery events (five values each: delivery, at,
// status, detail, source) in a few multi-row INSERTs rather than one
// statement per message.
func insertEvents(ctx context.Context, tx *Tx, values []any) error {
	for len(values) > 0 {
		n := min(len(values)/5, eventsChunk)
		q := `INSERT INTO delivery_events (delivery_id, at, status, detail, source) VALUES (?,?,?,?,?)` + strings.Repeat(`,(?,?,?,?,?)`, n-1)
		if _, err := tx.ExecContext(ctx, q, values[:5*n]...); err != nil {
			return err
		}
		values = values[5*n:]
	}
	return nil
}

// countMoves gathers a transaction's count changes, to write each
// (campaign, channel, status) once.
type countMoves map[countKey]int

type countKey struct {
	campaign int64
	channel  deliver.Channel
	status   deliver.Status
}

func (m countMoves) add(campaign int64, ch deliver.Channel, from, to deliver.Status) {
	from, to = countStatus(from), countStatus(to)
	if from == to {
		return
	}
	m[countKey{campaign, ch, from}]--
	m[countKey{campaign, ch, to}]++
}

func (m countMoves) apply(ctx context.Context, tx *Tx) error {
	for k, n := range m {
		if err := bumpCount(ctx, tx, k.campaign, k.channel, k.status, n); err != nil {
			return err
		}
	}
	return nil
}

// redact keeps addresses and numbers out of the stored detail of a
// server's answer ("550 5.1.1 <ann@example.org>: unknown user"), since
// the database holds no contact detail in the clear.
func redact(s string) string {
	if len(s) > 500 {
		s = s[:500]
	}
	words := strings.Fields(s)
	for i, w := range words {
		core := strings.Trim(w, "<>()[],;:'\"")
		if strings.Contains(core, "@") && strings.Contains(core[strings.Index(core, "@"):], ".") {
			words[i] = strings.Replace(w, core, "<address>", 1)
			continue
		}
		digits := 0
		for _, r := range core {
			if r >= '0' && r <= '9' {
				digits++
			}
		}
		if digits >= 8 && strings.HasPrefix(core, "+") || digits >= 9 {
			words[i] = strings.Replace(w, core, "<number>", 1)
		}
	}
	return strings.Join(words, " ")
}

// transitions say which statuses an event may move a message from.
func eventAllowed(from, to deliver.Status, ch deliver.Channel) bool {
	switch to {
	case deliver.Bounced:
		return ch == deliver.Email && (from == deliver.Sent || from == deliver.Delivered || from == deliver.Sending)
	case deliver.Failed:
		return ch == deliver.SMS && (from == deliver.Sent || from == deliver.Sending)
	case deliver.Delivered:
		return from == deliver.Sent || from == deliver.Sending
	case deliver.Returned:
		return ch == deliver.Letter && from == deliver.Printed
	case deliver.Reached, deliver.Voicemail, deliver.WrongNumber, deliver.AskedForLetter:
		return ch == deliver.Phone && !from.Final() || ch == deliver.Phone && (from == deliver.Voicemail)
	}
	return false
}

// Apply records events: each is matched to its message by entry id,
// Message-ID, the provider's id or the recipient's key, in that order.
func (db *DB) ApplyEvents(ctx context.Context, by incident.Actor, events []deliver.Event) (int, error) {
	changed := 0
	err := db.tx(ctx, func(tx *Tx) error {
		moves := countMoves{}
		for _, ev := range events {
			id, err := findDelivery(ctx, tx, ev)
			if err != nil {
				return err
			}
			if id == 0 {
				continue
			}
			var campaignID, incidentID int64
			var ch, st string
			if err := tx.QueryRowContext(ctx, `SELECT campaign_id, incident_id, channel, status FROM deliveries WHERE id = ?`, id).Scan(&campaignID, &incidentID, &ch, &st); err != nil {
				return err
			}
			from, to := deliver.Status(st), ev.Status
			detail := redact(ev.Reason)
			if ev.Complaint {
				detail = "complaint: " + detail
			}
			now := ts(db.Now())
			if to != deliver.Queued && eventAllowed(from, to, deliver.Channel(ch)) {
				if _, err := tx.ExecContext(ctx, `UPDATE deliveries SET status = ?, detail = ?, final_at = ?, lease_owner = NULL, lease_until = NULL WHERE id = ?`,
					to, detail, now, id); err != nil {
					return err
				}
				moves.add(campaignID, deliver.Channel(ch), from, to)
				changed++
			} else if to == deliver.Queued && !from.Final() || to == deliver.Queued && from == deliver.Sent {
				if _, err := tx.ExecContext(ctx, `UPDATE deliveries SET detail = ? WHERE id = ?`, detail, id); err != nil {
					return err
				}
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO delivery_events (delivery_id, at, status, detail, source) VALUES (?,?,?,?,?)`,
				id, now, to, detail, ev.Source); err != nil {
				return err
			}
			if by.Name != "" {
				if err := db.appendAudit(ctx, tx, by, "delivery."+string(to), "delivery:"+itoa(id), incidentID, map[string]any{"channel": ch}); err != nil {
					return err
				}
			}
		}
		return moves.apply(ctx, tx)
	})
	return changed, err
}

func findDelivery(ctx context.Context, tx *Tx, ev deliver.Event) (int64, error) {
	try := func(q string, arg any) (int64, error) {
		var id int64
		err := tx.QueryRowContext(ctx, q, arg).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return 0, nil
		}
		return id, err
	}
	if ev.EntryID > 0 {
		if id, err := try(`SELECT id FROM deliveries WHERE id = ?`, ev.EntryID); id != 0 || err != nil {
			return id, err
		}
	}
	if ev.MessageID != "" {
		if id, err := try(`SELECT id FROM deliveries WHERE message_id = ? ORDER BY id DESC LIMIT 1`, ev.MessageID); id != 0 || err != nil {
			return id, err
		}
	}
	if ev.ProviderID != "" {
		if id, err := try(`SELECT id FROM deliveries WHERE provider_id = ? ORDER BY id DESC LIMIT 1`, ev.ProviderID); id != 0 || err != nil {
			return id, err
		}
	}
	if len(ev.RecipientKey) > 0 {
		return try(`SELECT id FROM deliveries WHERE recipient_key = ? AND sent_at IS NOT NULL ORDER BY sent_at DESC, id DESC LIMIT 1`, ev.RecipientKey)
	}
	return 0, nil
}

// ClaimLetters takes queued letters of a campaign for a print run.
func (db *DB) ClaimLetters(ctx context.Context, campaignID int64, owner string, n int) ([]deliver.Entry, error) {
	var ids []int64
	err := db.tx(ctx, func(tx *Tx) error {
		// Letters whose print run's lease ran out first, then queued ones,
		// each read from the (campaign, status, id) index: one query with
		// both had walked the campaign from its first letter, past every
		// letter printed, at each claim (a million letters took seconds a
		// claim by the end).
		for _, q := range []struct {
			where string
			args  []any
		}{
			{`status = 'sending' AND lease_until < ?`, []any{ts(db.Now())}},
			{`status = 'queued'`, nil},
		} {
			if len(ids) == n {
				break
			}
			args := append(append([]any{campaignID}, q.args...), n-len(ids))
			rows, err := tx.QueryContext(ctx, `SELECT id FROM deliveries WHERE campaign_id = ? AND channel = 'letter' AND `+q.where+` ORDER BY id LIMIT ?`, args...)
			if err != nil {
				return err
			}
			for rows.Next() {
				var id int64
				if err := rows.Scan(&id); err != nil {
					rows.Close()
					return err
				}
				ids = append(ids, id)
			}
			if err := rows.Close(); err != nil {
				return err
			}
		}
		if len(ids) == 0 {
			return nil
		}
		in, args := joinIDs(ids)
		_, err := tx.ExecContext(ctx, `UPDATE deliveries SET status = 'sending', lease_owner = ?, lease_until = ?, attempts = attempts + 1 WHERE id IN (`+in+`)`,
			append([]any{owner, ts(db.Now().Add(30 * time.Minute))}, args...)...)
		return err
	})
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	in, args := joinIDs(ids)
	rows, err := db.sql.QueryContext(ctx, `SELECT `+entryCols+` FROM deliveries d JOIN campaigns c ON c.id = d.campaign_id WHERE d.id IN (`+in+`) ORDER BY d.id`, args...)
	if err != nil {
		return nil, err
	}
	return scanEntries(rows)
}

// MarkPrinted records letters as handed to the mail house in a batch.
func (db *DB) MarkPrinted(ctx context.Context, by incident.Actor, results []deliver.Result, batch string) error {
	for i := range results {
		results[i].Outcome.Detail = "printed in " + batch
	}
	if err := db.RecordResults(ctx, by.Name, results); err != nil {
		return err
	}
	in, args := joinIDs(resultIDs(results))
	_, err := db.sql.ExecContext(ctx, `UPDATE deliveries SET batch = ? WHERE id IN (`+in+`)`, append([]any{batch}, args...)...)
	return err
}

func resultIDs(rs []deliver.Result) []int64 {
	out := make([]int64, len(rs))
	for i, r := range rs {
		out[i] = r.EntryID
	}
	return out
}

func referenceContext(incidentID int64) string {
	return "notice_reference:incident:" + itoa(incidentID)
}

func (db *DB) scanReference(row *sql.Row, what string) (deliver.Reference, error) {
	var r deliver.Reference
	var sealed []byte
	if err := row.Scan(&r.IncidentID, &r.PersonID, &r.Key, &r.CheckKey, &r.CheckKind, &sealed); err != nil {
		return r, notFound(err, "%s", what)
	}
	if db.Sealer == nil {
		return r, fault.Errorf(fault.Conflict, "References are encrypted and no data key is set up.")
	}
	v, err := db.Sealer.Open(sealed, referenceContext(r.IncidentID))
	if err != nil {
		return r, fault.Errorf(fault.Conflict, "A reference cannot be decrypted: %v", err)
	}
	r.Value = string(v)
	return r, nil
}

// Reference returns a person's reference.
func (db *DB) Reference(ctx context.Context, incidentID, personID int64) (deliver.Reference, error) {
	return db.scanReference(db.sql.QueryRowContext(ctx, `SELECT incident_id, person_id, ref_key, check_key, check_kind, sealed FROM notice_references
		WHERE incident_id = ? AND person_id = ?`, incidentID, personID), "This person has no reference yet.")
}

// FindReference finds a reference by its key.
func (db *DB) FindReference(ctx context.Context, key []byte) (deliver.Reference, error) {
	return db.scanReference(db.sql.QueryRowContext(ctx, `SELECT incident_id, person_id, ref_key, check_key, check_kind, sealed FROM notice_references
		WHERE ref_key = ?`, key), "No notice has this reference.")
}

// CampaignsIn lists the campaigns of every incident in a status, for the
// workers (queuing ones to fill, running ones to finish).
func (db *DB) CampaignsIn(ctx context.Context, status deliver.CampaignStatus) ([]deliver.Campaign, error) {
	return db.campaigns(ctx, `SELECT `+campaignCols+` FROM campaigns WHERE status = ? ORDER BY id`, status)
}

func secretContext(name string) string { return "secret:" + name }

// Secret returns the named secret, made (32 random bytes, sealed under
// the data key) the first time it is asked for.
func (db *DB) Secret(ctx context.Context, name string) ([]byte, error) {
	if db.Sealer == nil {
		return nil, fault.Errorf(fault.Conflict, "No data key is set up.")
	}
	sealCtx := secretContext(name)
	var sealed []byte
	err := db.sql.QueryRowContext(ctx, `SELECT sealed FROM secrets WHERE name = ?`, name).Scan(&sealed)
	if errors.Is(err, sql.ErrNoRows) {
		fresh := make([]byte, 32)
		if _, err := rand.Read(fresh); err != nil {
			return nil, err
		}
		if _, err := db.sql.ExecContext(ctx, `INSERT INTO secrets (name, sealed, created_at) VALUES (?,?,?) ON CONFLICT (name) DO NOTHING`,
			name, db.Sealer.Seal(fresh, sealCtx), ts(db.Now())); err != nil {
			return nil, err
		}
		// Another process may have made it first: read what was kept.
		err = db.sql.QueryRowContext(ctx, `SELECT sealed FROM secrets WHERE name = ?`, name).Scan(&sealed)
	}
	if err != nil {
		return nil, err
	}
	plain, err := db.Sealer.Open(sealed, sealCtx)
	if err != nil {
		return nil, fault.Errorf(fault.Conflict, "The %s secret does not open with the data key: %v", name, err)
	}
	return plain, nil
}

// SetReferences stores the references of a page of people at once.
func (db *DB) SetReferences(ctx context.Context, rs []deliver.Reference) error {
	if len(rs) == 0 {
		return nil
	}
	if db.Sealer == nil {
		return fault.Errorf(fault.Conflict, "No data key is set up, so references cannot be stored.")
	}
	return db.tx(ctx, func(tx *Tx) error {
		// Several hundred rows per INSERT: queuing a million people spent
		// much of its time binding and stepping one statement per person.
		for start := 0; start < len(rs); start += enqueueChunk {
			part := rs[start:min(start+enqueueChunk, len(rs))]
			args := make([]any, 0, 6*len(part))
			for _, r := range part {
				args = append(args, r.IncidentID, r.PersonID, r.Key, r.CheckKey, r.CheckKind, db.Sealer.Seal([]byte(r.Value), referenceContext(r.IncidentID)))
			}
			q := `INSERT INTO notice_references (incident_id, person_id, ref_key, check_key, check_kind, sealed) VALUES (?,?,?,?,?,?)` +
				strings.Repeat(`,(?,?,?,?,?,?)`, len(part)-1) + ` ON CONFLICT (incident_id, person_id) DO NOTHING`
			if _, err := tx.ExecContext(ctx, q, args...); err != nil {
				return err
			}
		}
		return nil
	})
}

// References returns the references of the given people of an incident,
// by person id (people without one are absent).
func (db *DB) References(ctx context.Context, incidentID int64, personIDs []int64) (map[int64]deliver.Reference, error) {
	out := map[int64]deliver.Reference{}
	if len(personIDs) == 0 {
		return out, nil
	}
	if db.Sealer == nil {
		return nil, fault.Errorf(fault.Conflict, "References are encrypted and no data key is set up.")
	}
	in, args := joinIDs(personIDs)
	rows, err := db.sql.QueryContext(ctx, `SELECT incident_id, person_id, ref_key, check_key, check_kind, sealed FROM notice_references
		WHERE incident_id = ? AND person_id IN (`+in+`)`, append([]any{incidentID}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var r deliver.Reference
		var sealed []byte
		if err := rows.Scan(&r.IncidentID, &r.PersonID, &r.Key, &r.CheckKey, &r.CheckKind, &sealed); err != nil {
			return nil, err
		}
		v, err := db.Sealer.Open(sealed, referenceContext(r.IncidentID))
		if err != nil {
			return nil, fault.Errorf(fault.Conflict, "A reference cannot be decrypted: %v", err)
		}
		r.Value = string(v)
		out[r.PersonID] = r
	}
	return out, rows.Err()
}

// LookupEnabled says whether an incident's lookup page answers.
func (db *DB) LookupEnabled(ctx context.Context, incidentID int64) (bool, error) {
	var on bool
	err := db.sql.QueryRowContext(ctx, `SELECT enabled FROM lookup_settings WHERE incident_id = ?`, incidentID).Scan(&on)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return on, err
}

// SetLookup switches an incident's lookup page on or off.
func (db *DB) SetLookup(ctx context.Context, by incident.Actor, incidentID int64, on bool) error {
	return db.tx(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO lookup_settings (incident_id, enabled, changed_by, changed_at) VALUES (?,?,?,?)
			ON CONFLICT (incident_id) DO UPDATE SET enabled = excluded.enabled, changed_by = excluded.changed_by, changed_at = excluded.changed_at`,
			incidentID, on, by.Name, ts(db.Now())); err != nil {
			return err
		}
		text := "The page where affected people look up their own notice is now off."
		if on {
			text = "The page where affected people look up their own notice (by the reference on it) is now on."
		}
		if err := db.addEntry(ctx, tx, by, incidentID, incident.EntryDecision, text); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, by, "lookup.switch", "incident:"+itoa(incidentID), incidentID, map[string]any{"enabled": on})
	})
}

// AuditLookup records a lookup, found or refused, without what was typed.
func (db *DB) AuditLookup(ctx context.Context, incidentID, personID int64, found bool) error {
	return db.tx(ctx, func(tx *Tx) error {
		if !found {
			return db.appendAudit(ctx, tx, incident.System, "lookup.refused", "lookup", 0, nil)
		}
		return db.appendAudit(ctx, tx, incident.System, "lookup.found", "person:"+itoa(personID), incidentID, nil)
	})
}

// AddThirdParty records an organisation told about the breach.
func (db *DB) AddThirdParty(ctx context.Context, by incident.Actor, t deliver.ThirdParty) (deliver.ThirdParty, error) {
	t.By = by.Name
	err := db.tx(ctx, func(tx *Tx) error {
		var err error
		t.ID, err = insert(ctx, tx, `INSERT INTO third_parties (incident_id, kind, name, contact, at, reference, notes, created_by, created_at) VALUES (?,?,?,?,?,?,?,?,?)`,
			t.IncidentID, t.Kind, t.Name, t.Contact, ts(t.At), t.Reference, t.Notes, t.By, ts(db.Now()))
		if err != nil {
			return err
		}
		text := "Told " + t.Name + " (" + t.Kind + ")"
		if t.Reference != "" {
			text += ", reference " + t.Reference
		}
		if err := db.addEntry(ctx, tx, by, t.IncidentID, incident.EntryDecision, text+"."); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, by, "third_party.add", "third_party:"+itoa(t.ID), t.IncidentID, map[string]any{"kind": t.Kind})
	})
	return t, err
}

// ThirdParties lists the organisations told about an incident, in order.
func (db *DB) ThirdParties(ctx context.Context, incidentID int64) ([]deliver.ThirdParty, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT id, incident_id, kind, name, contact, at, reference, notes, created_by FROM third_parties WHERE incident_id = ? ORDER BY at, id`, incidentID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []deliver.ThirdParty
	for rows.Next() {
		var t deliver.ThirdParty
		var at string
		if err := rows.Scan(&t.ID, &t.IncidentID, &t.Kind, &t.Name, &t.Contact, &at, &t.Reference, &t.Notes, &t.By); err != nil {
			return nil, err
		}
		t.At = parseTS(at)
		out = append(out, t)
	}
	return out, rows.Err()
}

func enquiryContext(incidentID int64) string { return "enquiry:incident:" + itoa(incidentID) }

// AddEnquiry records an enquiry; its notes are sealed.
func (db *DB) AddEnquiry(ctx context.Context, by incident.Actor, e deliver.Enquiry) (deliver.Enquiry, error) {
	e.By = by.Name
	var notes []byte
	if e.Notes != "" {
		if db.Sealer == nil {
			return e, fault.Errorf(fault.Conflict, "No data key is set up, so an enquiry's notes cannot be stored.")
		}
		notes = db.Sealer.Seal([]byte(e.Notes), enquiryContext(e.IncidentID))
	}
	err := db.tx(ctx, func(tx *Tx) error {
		var err error
		e.ID, err = insert(ctx, tx, `INSERT INTO enquiries (incident_id, at, channel, category, outcome, notes, created_by) VALUES (?,?,?,?,?,?,?)`,
			e.IncidentID, ts(e.At), e.Channel, e.Category, e.Outcome, notes, e.By)
		if err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, by, "enquiry.add", "enquiry:"+itoa(e.ID), e.IncidentID, map[string]any{"category": e.Category, "outcome": e.Outcome})
	})
	return e, err
}

// Enquiries lists an incident's enquiries, newest first.
func (db *DB) Enquiries(ctx context.Context, incidentID int64) ([]deliver.Enquiry, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT id, incident_id, at, channel, category, outcome, notes, created_by FROM enquiries WHERE incident_id = ? ORDER BY at DESC, id DESC`, incidentID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []deliver.Enquiry
	for rows.Next() {
		var e deliver.Enquiry
		var at string
		var notes []byte
		if err := rows.Scan(&e.ID, &e.IncidentID, &at, &e.Channel, &e.Category, &e.Outcome, &notes, &e.By); err != nil {
			return nil, err
		}
		e.At = parseTS(at)
		if len(notes) > 0 {
			if db.Sealer == nil {
				return nil, fault.Errorf(fault.Conflict, "Enquiry notes are encrypted and no data key is set up.")
			}
			plain, err := db.Sealer.Open(notes, enquiryContext(incidentID))
			if err != nil {
				return nil, fault.Errorf(fault.Conflict, "An enquiry's notes cannot be decrypted: %v", err)
			}
			e.Notes = string(plain)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// EnquiryCounts counts enquiries by category, leaving exercises out.
func (db *DB) EnquiryCounts(ctx context.Context) (map[string]int, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT e.category, COUNT(*) FROM enquiries e JOIN incidents i ON i.id = e.incident_id
		WHERE i.exercise_id IS NULL GROUP BY e.category`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var c string
		var n int
		if err := rows.Scan(&c, &n); err != nil {
			return nil, err
		}
		out[c] = n
	}
	return out, rows.Err()
}
