package web

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"syscall"
	"time"

	"prep/store"
)

// Webhook delivery: the outbox rows the store writes with each event are posted by
// DeliverWebhooks, retried with exponential backoff and jitter until a 2xx answer or
// WebhookMaxAttempts.
const (
	WebhookEvery       = 5 * time.Second  // how often RunWebhooks looks for due deliveries
	WebhookMaxAttempts = 10               // then the delivery is given up
	webhookBackoff     = 10 * time.Second // the wait after the first failure; doubles each time
	webhookMaxBackoff  = time.Hour
	webhookTimeout     = 10 * time.Second // per attempt
	webhookBatch       = 50
	// SignatureHeader carries "t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">".
	SignatureHeader = "Prep-Signature"
)

// errWebhookRemoved ends the deliveries queued before their assessment's webhook was
// removed: there is no secret left to sign them with.
var errWebhookRemoved = errors.New("the assessment's webhook was removed; not retried")

// SignWebhook returns the SignatureHeader value for body sent at t with secret.
func SignWebhook(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts + "."))
	m.Write(body)
	return "t=" + ts + ",v1=" + hex.EncodeToString(m.Sum(nil))
}

// webhookBackoffAfter is the wait after the n-th failed attempt (n ≥ 1): 10s·2ⁿ⁻¹ capped
// at an hour, of which a random half is taken off (jitter), so that receivers coming
// back are not hit by every sender at once.
func webhookBackoffAfter(n int, rnd func(int64) int64) time.Duration {
	d := webhookBackoff
	for i := 1; i < n && d < webhookMaxBackoff; i++ {
		d *= 2
	}
	d = min(d, webhookMaxBackoff)
	return d/2 + time.Duration(rnd(int64(d/2)+1))
}

// newWebhookClient returns the client deliveries use: it follows no redirects and
// connects only to addresses allow admits, checked on the address actually dialled so
// that a host re-resolving to a private address after the URL was checked is refused.
func newWebhookClient(allow WebhookAllow) *http.Client {
	dialer := &net.Dialer{Timeout: webhookTimeout, Control: func(network, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return err
		}
		if !allow.addrAllowed(ap.Addr()) {
			return fmt.Errorf("address %s is not allowed for webhooks", ap.Addr())
		}
		return nil
	}}
	tr := &http.Transport{DialContext: dialer.DialContext, TLSHandshakeTimeout: webhookTimeout, MaxIdleConns: 4, IdleConnTimeout: time.Minute}
	return &http.Client{Transport: tr, Timeout: webhookTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// RunWebhooks delivers due webhooks at once (those a restart left) and then every
// interval until ctx ends, waiting with the server's sleep.
func (s *Server) RunWebhooks(ctx context.Context, interval time.Duration) {
	for {
		if _, err := s.DeliverWebhooks(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("webhook delivery", slog.Any("err", err))
		}
		if s.sleep(ctx, interval) != nil {
			return
		}
	}
}

// DeliverWebhooks makes one attempt at every delivery due now and records each
// outcome; it returns how many it attempted.
func (s *Server) DeliverWebhooks(ctx context.Context) (int, error) {
	if s.store == nil {
		return 0, nil
	}
	due, err := s.store.DueDeliveries(ctx, s.now(), webhookBatch)
	if err != nil {
		return 0, err
	}
	for _, d := range due {
		if err := s.store.RecordDelivery(ctx, s.attemptDelivery(ctx, d)); err != nil {
			return 0, err
		}
	}
	return len(due), nil
}

// attemptDelivery posts d once and returns it with the outcome.
func (s *Server) attemptDelivery(ctx context.Context, d store.Delivery) store.Delivery {
	now := s.now()
	d.Attempts++
	d.LastAt, d.LastStatus, d.LastError = now, 0, ""
	status, err := s.postWebhook(ctx, d, now)
	d.LastStatus = status
	if err == nil {
		d.DeliveredAt = now
		return d
	}
	d.LastError = err.Error()
	if d.Attempts >= WebhookMaxAttempts || errors.Is(err, errWebhookRemoved) {
		d.FailedAt = now
		return d
	}
	d.NextAt = now.Add(webhookBackoffAfter(d.Attempts, s.jitter))
	return d
}

func (s *Server) postWebhook(ctx context.Context, d store.Delivery, now time.Time) (int, error) {
	if _, err := s.webhookAllow.Check(ctx, d.URL); err != nil { // the allow-list may have changed
		return 0, err
	}
	secret, err := s.store.WebhookSecret(ctx, d.AssessmentID)
	if err != nil {
		return 0, err
	}
	if secret == "" {
		return 0, errWebhookRemoved
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.URL, bytes.NewReader(d.Body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "prep-webhooks")
	req.Header.Set("Prep-Event", d.Event)
	req.Header.Set("Prep-Delivery", strconv.FormatInt(d.ID, 10))
	req.Header.Set(SignatureHeader, SignWebhook(secret, now, d.Body))
	resp, err := s.webhookClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	head, _ := io.ReadAll(io.LimitReader(resp.Body, 200))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, fmt.Errorf("%s: %q", resp.Status, head)
	}
	return resp.StatusCode, nil
}

// sleepCtx waits d or until ctx ends (then its error): the default of Deps.Sleep.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func randJitter(n int64) int64 { return rand.Int64N(n) }
