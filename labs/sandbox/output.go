package sandbox

import (
	"fmt"
	"regexp"
	"strings"
	"sync"

	"prep/labs"
)

// stdoutSink receives everything the candidate's code prints (fmt.Print*, print,
// println): it is kept with the running test and counted against the lab's output limit,
// past which the run stops.
type stdoutSink struct {
	r     *runner
	mu    sync.Mutex
	total int
	limit int
}

func (o *stdoutSink) Write(p []byte) (int, error) {
	o.mu.Lock()
	o.total += len(p)
	over := o.total > o.limit
	o.mu.Unlock()
	if over {
		o.r.stop(labs.OutputLimit, fmt.Sprintf("your code printed more than the %d KiB this lab allows; remove debugging output or print less in loops", o.limit>>10))
	}
	if run := o.r.current(); run != nil {
		run.mu.Lock()
		run.output.WriteString(string(p))
		run.mu.Unlock()
	}
	return len(p), nil
}

// frameRE matches the line yaegi prints for each interpreted frame a panic unwinds:
// "src/lab/lru/lru.go:9:30: panic: lab/lru.(*Cache).Get(...)".
var frameRE = regexp.MustCompile(`^(?:.*/)?([^/:]+\.go):(\d+):\d+: panic: (?:[^ ]*/)?[^ ./]+\.(.*?)(?:\(\.\.\.\))?$`)

// stderrSink receives the interpreter's own messages, which are the frames of panics as
// they unwind. Frames in the candidate's files and the public tests are kept with the
// running test and streamed, so a crash in a goroutine still names its place; the rest
// (hidden tests, the lab's workloads, generated helpers) is dropped.
type stderrSink struct {
	r       *runner
	mu      sync.Mutex
	partial string
}

func (s *stderrSink) Write(p []byte) (int, error) {
	s.mu.Lock()
	s.partial += string(p)
	var lines []string
	for {
		i := strings.IndexByte(s.partial, '\n')
		if i < 0 {
			break
		}
		lines = append(lines, s.partial[:i])
		s.partial = s.partial[i+1:]
	}
	if len(s.partial) > 4096 {
		lines, s.partial = append(lines, s.partial), ""
	}
	s.mu.Unlock()
	for _, l := range lines {
		s.line(l)
	}
	return len(p), nil
}

func (s *stderrSink) line(l string) {
	m := frameRE.FindStringSubmatch(l)
	if m == nil {
		// Not a frame: treat as output, so it is seen and counted.
		_, _ = s.r.out.Write([]byte(l + "\n"))
		return
	}
	file, line, fn := m[1], m[2], m[3]
	if r := s.r.roles[file]; r != roleCode && r != rolePublic {
		return
	}
	frame := fmt.Sprintf("%s:%s (%s)", file, line, fn)
	run := s.r.current()
	if run == nil {
		return
	}
	run.mu.Lock()
	keep := len(run.frames) < maxFrames
	if keep {
		run.frames = append(run.frames, frame)
	}
	run.mu.Unlock()
	if keep {
		s.r.em.emit(labs.Event{Kind: labs.EventFrame, Test: run.name, Message: frame})
	}
}
