package web

import (
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"prep/store"
)

// What signed-in pages read on every request — who the session belongs to, the user's
// settings, set-aside cards and lab results — is kept for a short while, so a page
// costs at most one read of its own. Correctness:
//   - Sign-out drops the session, sign-out-everywhere all of the user's sessions, both
//     before they answer; a generation number stops a read that raced them from putting
//     a dropped session back.
//   - Any request that may write (not GET or HEAD) reads past the cache and drops the
//     user's data once it is done, so the page after a change shows it; the same
//     generation guard applies.
//   - What another process changes (prep user, prep import from the command line) shows
//     within cacheTTL.
const (
	cacheTTL       = 5 * time.Second
	maxCachedUsers = 10000 // past it, expired entries are swept before adding one
)

// userData is the per-user state signed-in pages share.
type userData struct {
	settings  store.Settings
	flags     map[string]store.CardFlags
	labStatus map[string]string
}

type sessionEntry struct {
	user  store.User
	until time.Time
}

type userEntry struct {
	data  *userData
	until time.Time
}

// userCache holds sessions and user data for cacheTTL. The zero value is not usable;
// see newUserCache.
type userCache struct {
	now func() time.Time // the real clock: tests' fixed clocks must not freeze entries
	ttl time.Duration    // cacheTTL; 0 keeps nothing (the benchmark's "before")

	mu       sync.Mutex
	sessions map[string]sessionEntry // by session token
	sessGen  uint64                  // bumped by every sign-out
	users    map[int64]userEntry
	userGen  map[int64]uint64 // bumped by every change of the user's data
}

func newUserCache() *userCache {
	return &userCache{now: time.Now, ttl: cacheTTL, sessions: map[string]sessionEntry{}, users: map[int64]userEntry{}, userGen: map[int64]uint64{}}
}

// session returns the cached user of token, and the generation to pass to putSession
// when there is none.
func (uc *userCache) session(token string) (store.User, bool, uint64) {
	uc.mu.Lock()
	defer uc.mu.Unlock()
	e, ok := uc.sessions[token]
	if ok && uc.now().Before(e.until) {
		return e.user, true, 0
	}
	return store.User{}, false, uc.sessGen
}

// putSession caches token's user, unless a sign-out happened since gen was read.
func (uc *userCache) putSession(token string, u store.User, gen uint64) {
	uc.mu.Lock()
	defer uc.mu.Unlock()
	if gen != uc.sessGen || uc.ttl == 0 {
		return
	}
	now := uc.now()
	if !roomIn(uc.sessions, now, func(e sessionEntry) time.Time { return e.until }) {
		return
	}
	uc.sessions[token] = sessionEntry{user: u, until: now.Add(uc.ttl)}
}

// dropSession forgets token; dropUserSessions every session of the user.
func (uc *userCache) dropSession(token string) {
	uc.mu.Lock()
	defer uc.mu.Unlock()
	uc.sessGen++
	delete(uc.sessions, token)
}

func (uc *userCache) dropUserSessions(userID int64) {
	uc.mu.Lock()
	defer uc.mu.Unlock()
	uc.sessGen++
	for k, e := range uc.sessions {
		if e.user.ID == userID {
			delete(uc.sessions, k)
		}
	}
}

// data returns the cached data of the user, and the generation to pass to putData when
// there is none.
func (uc *userCache) data(userID int64) (*userData, uint64) {
	uc.mu.Lock()
	defer uc.mu.Unlock()
	if e, ok := uc.users[userID]; ok && uc.now().Before(e.until) {
		return e.data, 0
	}
	return nil, uc.userGen[userID]
}

func (uc *userCache) putData(userID int64, d *userData, gen uint64) {
	uc.mu.Lock()
	defer uc.mu.Unlock()
	if gen != uc.userGen[userID] || uc.ttl == 0 {
		return
	}
	now := uc.now()
	if !roomIn(uc.users, now, func(e userEntry) time.Time { return e.until }) {
		return
	}
	uc.users[userID] = userEntry{data: d, until: now.Add(uc.ttl)}
}

// dropData forgets the user's data, after a change to it.
func (uc *userCache) dropData(userID int64) {
	uc.mu.Lock()
	defer uc.mu.Unlock()
	uc.userGen[userID]++
	delete(uc.users, userID)
}

// readsOnly reports whether c's request cannot change anything, so it may use the cache.
func readsOnly(c echo.Context) bool {
	m := c.Request().Method
	return m == "GET" || m == "HEAD"
}

// userData returns the signed-in user's settings, set-aside cards and lab results:
// from the cache for a request that only reads, from the store otherwise.
func (s *Server) userData(c echo.Context, u store.User) (*userData, error) {
	var gen uint64
	if readsOnly(c) {
		var d *userData
		if d, gen = s.cache.data(u.ID); d != nil {
			return d, nil
		}
	}
	ctx := c.Request().Context()
	st, err := s.store.Settings(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	flags, err := s.store.Flags(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	var status map[string]string
	if s.labs != nil {
		if status, err = s.store.LabStatus(ctx, u.ID); err != nil {
			return nil, err
		}
	}
	d := &userData{settings: st, flags: flags, labStatus: status}
	if readsOnly(c) {
		s.cache.putData(u.ID, d, gen)
	}
	return d, nil
}

// dropChanged forgets the data of the user of a request that may have changed it, once
// it is done.
func (s *Server) dropChanged(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if readsOnly(c) {
			return next(c)
		}
		defer func() {
			if u, ok := currentUser(c); ok {
				s.cache.dropData(u.ID)
			}
		}()
		return next(c)
	}
}

// roomIn makes room for one more entry in a cache map holding maxCachedUsers at most,
// by dropping the entries expired at now; false when all are still fresh.
func roomIn[K comparable, V any](m map[K]V, now time.Time, until func(V) time.Time) bool {
	if len(m) < maxCachedUsers {
		return true
	}
	for k, e := range m {
		if !now.Before(until(e)) {
			delete(m, k)
		}
	}
	return len(m) < maxCachedUsers
}
