package web

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"prep"
	"prep/store"
)

// Sign-in limits. Each attempt takes a token from the bucket of its client address and
// of its account name before the password is hashed, and a successful one gives them
// back: a burst of attempts, then one more per interval, counting only failures. Enough
// for typos, far too few to guess passwords. At most signinHashes password hashes run at
// once (argon2id takes 19 MiB each); an attempt waits up to signinHashWait for a slot.
const (
	signinBurst       = 5
	signinPerAddress  = 12 * time.Second
	signinPerAccount  = 60 * time.Second
	signinLimiterKeys = 10000 // buckets kept before the full ones are dropped
	signinHashes      = 4
	signinHashWait    = 3 * time.Second
)

// checkSignin checks name and password for a sign-in from c's client, within the
// limits above. A wrong password is an Unauthorized error and costs both buckets a
// token; a limited client gets a TooMany error, a server busy hashing an Unavailable
// one, each telling when to come back.
func (s *Server) checkSignin(c echo.Context, name, password string) (store.User, error) {
	const op = "login"
	ipKey, nameKey := "ip:"+c.RealIP(), "name:"+strings.ToLower(name)
	limited := &retryError{prep.Errorf(prep.TooMany, op, "too many failed sign-in attempts; wait a minute and try again"), 60}
	if !s.signins.take(ipKey, signinPerAddress) {
		return store.User{}, limited
	}
	if !s.signins.take(nameKey, signinPerAccount) {
		s.signins.refund(ipKey)
		return store.User{}, limited
	}
	refund := func() { s.signins.refund(ipKey); s.signins.refund(nameKey) }
	ctx := c.Request().Context()
	wait, cancel := context.WithTimeout(ctx, s.hashWait)
	defer cancel()
	select {
	case s.hashes <- struct{}{}:
	case <-wait.Done():
		refund() // not checked, so not a failure
		return store.User{}, &retryError{prep.Errorf(prep.Unavailable, op, "the server is busy checking other sign-ins; try again in a few seconds"), 2}
	}
	u, err := s.authenticate(ctx, name, password)
	<-s.hashes
	if prep.KindOf(err) != prep.Unauthorized {
		refund()
	}
	return u, err
}

// signinLimiter keeps a token bucket per key (client address or account name).
type signinLimiter struct {
	mu   sync.Mutex
	now  func() time.Time
	keys map[string]*bucket
}

// bucket holds up to signinBurst tokens and regains one every interval.
type bucket struct {
	tokens float64
	last   time.Time
	every  time.Duration
}

func newSigninLimiter() *signinLimiter {
	return &signinLimiter{now: time.Now, keys: map[string]*bucket{}}
}

// fill brings b's tokens up to date at now.
func (b *bucket) fill(now time.Time) {
	b.tokens = min(signinBurst, b.tokens+float64(now.Sub(b.last))/float64(b.every))
	b.last = now
}

// take takes a token from key's bucket (which regains one every interval) and reports
// whether there was one.
func (l *signinLimiter) take(key string, every time.Duration) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b, ok := l.keys[key]
	if !ok {
		if len(l.keys) >= signinLimiterKeys {
			for k, v := range l.keys { // full buckets hold no state
				if v.fill(now); v.tokens >= signinBurst {
					delete(l.keys, k)
				}
			}
		}
		b = &bucket{tokens: signinBurst, last: now, every: every}
		l.keys[key] = b
	}
	b.fill(now)
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// refund gives back a token taken from key's bucket.
func (l *signinLimiter) refund(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if b, ok := l.keys[key]; ok {
		b.tokens = min(signinBurst, b.tokens+1)
	}
}
