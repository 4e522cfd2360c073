package web

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"prep"
	"prep/store"
)

// Pending imports: a progress file uploaded into an account that has progress waits
// here, read and checked, while the user chooses to replace or merge. It is held in
// memory only: after a restart, or pendingTTL, the user uploads it again.
const (
	pendingTTL = 15 * time.Minute
	maxPending = 16
)

type pendingImport struct {
	userID int64
	p      *store.Progress
	at     time.Time
}

type pendingImports struct {
	mu sync.Mutex
	m  map[string]pendingImport
}

// put keeps p for userID and returns the token that names it; the oldest pending
// import makes room when there are maxPending.
func (pi *pendingImports) put(userID int64, p *store.Progress, now time.Time) string {
	pi.mu.Lock()
	defer pi.mu.Unlock()
	if pi.m == nil {
		pi.m = map[string]pendingImport{}
	}
	oldest := ""
	for k, v := range pi.m {
		if now.Sub(v.at) > pendingTTL {
			delete(pi.m, k)
		} else if oldest == "" || v.at.Before(pi.m[oldest].at) {
			oldest = k
		}
	}
	if len(pi.m) >= maxPending {
		delete(pi.m, oldest)
	}
	b := make([]byte, 16)
	rand.Read(b)
	token := hex.EncodeToString(b)
	pi.m[token] = pendingImport{userID, p, now}
	return token
}

// take returns and forgets the pending import token names, if it is userID's and fresh.
func (pi *pendingImports) take(token string, userID int64, now time.Time) (*store.Progress, bool) {
	pi.mu.Lock()
	defer pi.mu.Unlock()
	v, ok := pi.m[token]
	if !ok || v.userID != userID || now.Sub(v.at) > pendingTTL {
		return nil, false
	}
	delete(pi.m, token)
	return v.p, true
}

// importMode reads the mode of an import: "" (only into an account without progress),
// replace or merge.
func importMode(c echo.Context) (store.ImportMode, error) {
	switch m := store.ImportMode(c.FormValue("mode")); m {
	case store.ImportEmpty, store.ImportReplace, store.ImportMerge:
		return m, nil
	default:
		return "", prep.Errorf(prep.Invalid, "import", "mode %q is not one of replace, merge", m)
	}
}

// previewImport shows what replacing and merging would each do, for the user to choose.
func (s *Server) previewImport(c echo.Context, u store.User, p *store.Progress) error {
	ctx := c.Request().Context()
	replace, err := s.store.PlanImport(ctx, u.ID, p, store.ImportReplace)
	if err != nil {
		return err
	}
	merge, err := s.store.PlanImport(ctx, u.ID, p, store.ImportMerge)
	if err != nil {
		return err
	}
	token := s.pending.put(u.ID, p, s.now())
	return s.ok(c, "import", map[string]any{"Title": "Import progress", "Token": token, "Replace": replace, "Merge": merge})
}

// confirmImport carries out the import the preview's form chose.
func (s *Server) confirmImport(c echo.Context) error {
	u, _ := currentUser(c)
	mode, err := importMode(c)
	if err != nil {
		return err
	}
	if mode == store.ImportEmpty {
		return prep.Errorf(prep.Invalid, "import", "choose replace or merge")
	}
	p, ok := s.pending.take(c.FormValue("token"), u.ID, s.now())
	if !ok {
		return prep.Errorf(prep.NotFound, "import", "this import is no longer waiting (it waits %v, and not across a restart): upload the file again from the settings page", pendingTTL)
	}
	if _, err := s.store.ImportProgress(c.Request().Context(), u.ID, p, mode); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/stats")
}
