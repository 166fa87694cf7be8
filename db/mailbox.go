package db

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"tenantadmin/domain"
)

// OutboxEmail is one row of the email outbox.
type OutboxEmail struct {
	bun.BaseModel `bun:"table:email_outbox,alias:eo"`

	ID            int64          `bun:"id,pk,autoincrement"`
	To            string         `bun:"to_address"`
	Template      string         `bun:"template"`
	Language      string         `bun:"language"`
	Data          map[string]any `bun:"data,type:jsonb"`
	TenantID      *int64         `bun:"tenant_id"`
	UserID        *int64         `bun:"user_id"`
	CreatedAt     time.Time      `bun:"created_at"`
	Attempts      int            `bun:"attempts"`
	NextAttemptAt time.Time      `bun:"next_attempt_at"`
	SentAt        *time.Time     `bun:"sent_at"`
	LastError     *string        `bun:"last_error"`
}

// MaxEmailAttempts is how many times the mailer tries a message before it
// leaves it for an operator (last_error tells why).
const MaxEmailAttempts = 10

// MaxEmailAge is how old a message may be and still be sent: past it every
// link inside has expired (an invitation lives 72 h), so mail that sat in
// the developer mailbox is not sent when SMTP is configured later.
const MaxEmailAge = 72 * time.Hour

// DeliverEmails claims up to limit due messages with FOR UPDATE SKIP
// LOCKED, so that several replicas never send one twice, and calls send
// for each inside the claiming transaction. A message send accepts is
// marked sent; one it fails is retried after backoff(attempts), with the
// error recorded.
func (db *DB) DeliverEmails(ctx context.Context, limit int, send func(context.Context, *OutboxEmail) error,
	backoff func(attempts int) time.Duration) (sent, failed int, err error) {
	err = db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var rows []*OutboxEmail
		if err := tx.NewSelect().Model(&rows).
			Where("sent_at IS NULL AND next_attempt_at <= now() AND attempts < ? AND created_at > ?", MaxEmailAttempts, time.Now().Add(-MaxEmailAge)).
			Order("next_attempt_at", "id").Limit(int64(limit)).For("UPDATE SKIP LOCKED").Scan(ctx); err != nil {
			return err
		}
		for _, m := range rows {
			if sendErr := send(ctx, m); sendErr != nil {
				failed++
				msg := sendErr.Error()
				if len(msg) > 1000 {
					msg = msg[:1000]
				}
				if _, err := tx.NewRaw(`UPDATE email_outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?
					WHERE id = ?`, msg, time.Now().Add(backoff(m.Attempts+1)), m.ID).Exec(ctx); err != nil {
					return err
				}
				continue
			}
			sent++
			if _, err := tx.NewRaw(`UPDATE email_outbox SET attempts = attempts + 1, sent_at = now(), last_error = NULL
				WHERE id = ?`, m.ID).Exec(ctx); err != nil {
				return err
			}
		}
		return nil
	})
	return sent, failed, mapError(err)
}

// OutboxEmails lists the outbox, newest first: the developer mailbox when
// no SMTP server is configured.
func (db *DB) OutboxEmails(ctx context.Context, p domain.Page) (*domain.Connection[*OutboxEmail], error) {
	if p.Last > 0 || p.Before != "" {
		return nil, domain.FieldError("last", "BACKWARD_PAGING_UNSUPPORTED", "This list pages forward only.")
	}
	limit, _, err := pageWindow(p)
	if err != nil {
		return nil, err
	}
	q := db.NewSelect().Model((*OutboxEmail)(nil))
	countQ := q.Clone()
	var rows []*OutboxEmail
	q = q.Model(&rows).Order("id DESC").Limit(int64(limit))
	if p.After != "" {
		var c idCursor
		if err := decodeCursor(p.After, &c); err != nil {
			return nil, err
		}
		q.Where("id < ?", c.ID)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, mapError(err)
	}
	rows, hasNext, hasPrev := trimPage(rows, limit, false, p)
	conn := &domain.Connection[*OutboxEmail]{Nodes: rows, HasNextPage: hasNext, HasPreviousPage: hasPrev}
	for _, r := range rows {
		conn.Cursors = append(conn.Cursors, encodeCursor(idCursor{r.ID}))
	}
	conn.Count = func(ctx context.Context) (int, error) {
		n, err := countQ.Count(ctx)
		return int(n), mapError(err)
	}
	return conn, nil
}

// MailboxService reads the outbox for the developer mailbox.
type MailboxService struct{ db *DB }

func NewMailboxService(db *DB) *MailboxService { return &MailboxService{db: db} }

// List lists the outbox, newest first.
func (s *MailboxService) List(ctx context.Context, p domain.Page) (*domain.Connection[*OutboxEmail], error) {
	return s.db.OutboxEmails(ctx, p)
}
