package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"prep/content"
	"prep/store"
)

// reviewer is one signed-in HTTP client of a running server.
type reviewer struct {
	name   string
	client *http.Client
	base   string
}

func newReviewer(t testing.TB, base, name, password string) *reviewer {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	r := &reviewer{name: name, base: base, client: &http.Client{Jar: jar, Timeout: 10 * time.Second}}
	code, body, err := r.post("/login", fmt.Sprintf(`{"name":%q,"password":%q}`, name, password))
	if err != nil || code != 200 {
		t.Fatalf("sign-in %s: %d %s %v", name, code, body, err)
	}
	return r
}

func (r *reviewer) post(path, body string) (int, string, error) {
	resp, err := r.client.Post(r.base+path, "application/json", strings.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), nil
}

// next returns the id of the next card to review, or "" when none is left.
func (r *reviewer) next() (string, error) {
	resp, err := r.client.Get(r.base + "/api/review/next")
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var out struct {
		Card *struct {
			Summary struct{ ID string } `json:"summary"`
		} `json:"card"`
	}
	if resp.StatusCode != 200 {
		b, _ := io.ReadAll(resp.Body)
		return "", fmt.Errorf("next: %d %s", resp.StatusCode, b)
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || out.Card == nil {
		return "", err
	}
	return out.Card.Summary.ID, nil
}

// addUsers creates n accounts in the database of dataDir, before the server starts.
func addUsers(t testing.TB, dataDir string, n int) []string {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(dataDir, "prep.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var names []string
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("reviewer%02d", i)
		u, err := db.AddUser(context.Background(), name, "password-"+name)
		if err != nil {
			t.Fatal(err)
		}
		// Every card may be new today, so reviewers keep rating until the kill.
		st := store.DefaultSettings()
		st.NewPerDay = 9999
		if err := db.SetSettings(context.Background(), u.ID, st); err != nil {
			t.Fatal(err)
		}
		names = append(names, name)
	}
	return names
}

// TestKillNineKeepsAcknowledgedRatings: 50 reviewers rate as fast as they can; the server
// is killed with SIGKILL mid-burst and restarted; every rating that got a 2xx is in the
// database, and nothing failed with "database is locked" before the kill.
func TestKillNineKeepsAcknowledgedRatings(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary under load")
	}
	const reviewers = 50
	lib, err := content.Load(content.Embedded, content.Options{})
	if err != nil {
		t.Fatal(err)
	}
	data := t.TempDir()
	names := addUsers(t, data, reviewers)
	s := startServer(t, "--data", data)

	type ack struct{ user, card string }
	var (
		mu      sync.Mutex
		acked   []ack
		bad     []string
		stop    atomic.Bool
		wg      sync.WaitGroup
		clients []*reviewer
	)
	for _, name := range names {
		clients = append(clients, newReviewer(t, s.url, name, "password-"+name))
	}
	started := time.Now()
	for _, r := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				card, err := r.next()
				if err != nil || card == "" {
					return // the server is gone, or this reviewer is done for the day
				}
				code, body, err := r.post("/api/review/ratings", fmt.Sprintf(`{"card":%q,"rating":3,"elapsed_ms":1500}`, card))
				switch {
				case err != nil:
					return
				case code == http.StatusCreated:
					mu.Lock()
					acked = append(acked, ack{r.name, card})
					mu.Unlock()
				default:
					mu.Lock()
					bad = append(bad, fmt.Sprintf("%s %s: %d %s", r.name, card, code, body))
					mu.Unlock()
				}
			}
		}()
	}
	time.Sleep(2 * time.Second)
	if err := s.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	killedAt := time.Since(started)
	<-s.done
	stop.Store(true)
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	if len(bad) > 0 {
		t.Errorf("%d ratings failed before the kill, e.g. %s", len(bad), bad[0])
	}
	if len(acked) < reviewers {
		t.Fatalf("only %d ratings acknowledged in %v", len(acked), killedAt)
	}
	if len(acked) == reviewers*len(lib.Cards()) {
		t.Fatalf("every card was rated before the kill: the kill was not mid-burst")
	}
	t.Logf("%d ratings acknowledged by %d reviewers in %v before SIGKILL (%.0f/s)", len(acked), reviewers, killedAt, float64(len(acked))/killedAt.Seconds())

	// The server starts again on the same files (WAL recovery) and serves.
	s2 := startServer(t, "--data", data)
	if code, _ := get(t, s2.url+"/healthz"); code != 200 {
		t.Fatalf("restart: /healthz %d", code)
	}
	s2.cmd.Process.Signal(syscall.SIGTERM)
	<-s2.done

	db, err := store.Open(context.Background(), filepath.Join(data, "prep.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ids := map[string]int64{}
	users, err := db.Users(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		ids[u.Name] = u.ID
	}
	logged := map[ack]int{}
	for _, name := range names {
		var b bytes.Buffer
		if err := db.ExportCSV(context.Background(), ids[name], &b); err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(&b).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		col := -1
		for i, h := range rows[0] {
			if h == "card" || h == "card_id" {
				col = i
			}
		}
		if col < 0 {
			t.Fatalf("no card column in %v", rows[0])
		}
		for _, row := range rows[1:] {
			logged[ack{name, row[col]}]++
		}
	}
	lost := 0
	for _, a := range acked {
		if logged[a] == 0 {
			lost++
			if lost <= 3 {
				t.Errorf("acknowledged rating of %s by %s is not in the database", a.card, a.user)
			}
		}
	}
	if lost > 0 {
		t.Errorf("%d of %d acknowledged ratings lost", lost, len(acked))
	}
}
