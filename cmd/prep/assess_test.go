package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"prep/store"
)

// TestSweeperAfterKillNine: a candidate starts an assessment and leaves a draft, the
// server is killed with SIGKILL, the time runs out while it is down, and the restarted
// binary submits the draft by itself (graded by the real grader) and makes the invite
// read-only.
func TestSweeperAfterKillNine(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary")
	}
	data := t.TempDir()
	dbPath := filepath.Join(data, "prep.db")
	db, err := store.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	admin, err := db.AddUser(context.Background(), "ana", "a long enough password")
	if err != nil {
		t.Fatal(err)
	}
	_, bearer, err := db.CreateAPIToken(context.Background(), admin.ID, "test")
	if err != nil {
		t.Fatal(err)
	}
	db.Close()

	call := func(base, method, path, body string, auth bool) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if auth {
			req.Header.Set("Authorization", "Bearer "+bearer)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	s := startServer(t, "--data", data)
	exp := time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339)
	code, body := call(s.url, "POST", "/api/assessments", `{"title":"Kill","labs":["shortener"],"time_limit_minutes":30,"expires_at":"`+exp+`"}`, true)
	if code != 201 {
		t.Fatalf("create: %d %s", code, body)
	}
	code, body = call(s.url, "POST", "/api/assessments/1/invites", `{"label":"ada"}`, true)
	m := regexp.MustCompile(`/a/([A-Za-z0-9_-]{43})"`).FindStringSubmatch(body)
	if code != 201 || m == nil {
		t.Fatalf("invite: %d %s", code, body)
	}
	token := m[1]
	if code, body := call(s.url, "POST", "/api/a/"+token+"/start", `{}`, false); code != 200 {
		t.Fatalf("start: %d %s", code, body)
	}
	_, body = call(s.url, "GET", "/api/a/"+token+"/labs/shortener/draft", "", false)
	var d struct{ Files map[string]string }
	if err := json.Unmarshal([]byte(body), &d); err != nil {
		t.Fatal(err, body)
	}
	for name := range d.Files {
		if !strings.HasSuffix(name, "_test.go") {
			d.Files[name] += "\n// ada was here\n"
		}
	}
	draft, _ := json.Marshal(map[string]any{"files": d.Files})
	if code, body := call(s.url, "PUT", "/api/a/"+token+"/labs/shortener/draft", string(draft), false); code != 200 {
		t.Fatalf("draft: %d %s", code, body)
	}
	if err := s.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-s.done

	// While the server is down, the candidate's time runs out.
	db, err = store.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	iv, err := db.Invite(context.Background(), 1)
	if err != nil || iv.StartedAt.IsZero() || !iv.FinishedAt.IsZero() {
		t.Fatalf("after the kill: %+v %v", iv, err)
	}
	moved := iv
	moved.StartedAt = iv.StartedAt.Add(-31 * time.Minute)
	if err := db.UpdateInvite(context.Background(), iv, moved, store.AuditEvent{}); err != nil {
		t.Fatal(err)
	}
	db.Close()

	s2 := startServer(t, "--data", data)
	var state string
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		_, body = call(s2.url, "GET", "/api/assessments/1/report", "", true)
		if strings.Contains(body, `"state":"submitted"`) {
			state = "submitted"
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if state != "submitted" {
		t.Fatalf("the restarted server did not sweep: %.1500s\nlogs:\n%s", body, s2.logs.String())
	}
	var rep struct {
		Invites []struct {
			AutoSubmitted bool `json:"auto_submitted"`
			Labs          []struct {
				Submits  int
				Verdict  string
				Timeline []struct {
					Auto bool `json:"auto_submitted"`
					Code map[string]string
				}
			}
		}
	}
	if err := json.Unmarshal([]byte(body), &rep); err != nil {
		t.Fatal(err)
	}
	lab := rep.Invites[0].Labs[0]
	if !rep.Invites[0].AutoSubmitted || lab.Submits != 1 || lab.Verdict == "" || !lab.Timeline[0].Auto || !strings.Contains(fmt.Sprint(lab.Timeline[0].Code), "ada was here") {
		t.Fatalf("after the sweep: %+v", rep.Invites[0])
	}
	code, body = call(s2.url, "POST", "/api/a/"+token+"/labs/shortener/submissions", string(draft), false)
	if code != 409 || !strings.Contains(body, "read-only") {
		t.Errorf("grading after the sweep: %d %s", code, body)
	}
	t.Logf("auto-submitted verdict from the real grader: %s", lab.Verdict)
	s2.cmd.Process.Signal(syscall.SIGTERM)
	<-s2.done
}
