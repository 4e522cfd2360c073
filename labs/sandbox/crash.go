package sandbox

import (
	"fmt"
	"strings"

	"github.com/traefik/yaegi/interp"

	"prep/labs"
)

// hookPanics makes a panic that would end the run from a goroutine the code started
// say what the code wrote: the go statement's line and the frames the panic unwound
// through, instead of the runtime's report, which shows only the interpreter.
func (r *runner) hookPanics() {
	interp.GoPanic = r.goroutinePanic
}

func (r *runner) goroutinePanic(p any, goStmt string) {
	name := ""
	var frames []string
	if run := r.current(); run != nil {
		name = run.name
		run.mu.Lock()
		frames = append(frames, run.frames...)
		run.mu.Unlock()
	}
	where := "a goroutine"
	if m := yaegiErrRE.FindStringSubmatch(goStmt); m != nil {
		switch r.roles[m[1]] {
		case roleHidden:
			where = "a goroutine the hidden tests started"
		case rolePerf:
			where = "a goroutine the lab's performance workload started"
		default:
			where = fmt.Sprintf("the goroutine started by the go statement at %s:%s", m[1], m[2])
		}
	}
	verdict := labs.Crash
	msg := panicMessage(p, frames) + "\n\tin " + where + ", where no test can recover it (recover inside the goroutine, or avoid the panic)"
	if internalPanic(p) {
		verdict = labs.Unsupported
		msg = panicMessage(p, frames) + "\n\tin " + where
	}
	r.em.stop(labs.Event{Kind: labs.EventStop, Verdict: verdict, Test: name, Message: msg}, exitStopped)
}

// panicMessage says what a panic was and where it unwound through the candidate's code
// (frames, innermost first). A panic of the interpreter itself — valid Go it failed to
// run — says so, and names the line, rather than passing its internal text off as the
// code's panic.
func panicMessage(p any, frames []string) string {
	at := ""
	if len(frames) > 0 {
		at = "\n\tat " + strings.Join(frames, "\n\tat ")
	}
	if internalPanic(p) {
		where := "your code"
		if len(frames) > 0 {
			where = frames[0]
		}
		return fmt.Sprintf("the grader's interpreter failed running valid Go at %s (a limit of the interpreter, not a mistake of yours: %v); write the statement on that line differently%s", where, p, at)
	}
	return "panic: " + panicValue(p) + at
}

// internalPanic reports whether p comes from the interpreter failing rather than from
// the code: reflect's panics (yaegi runs Go through reflect), its own compile errors.
func internalPanic(p any) bool {
	s := fmt.Sprint(p)
	for _, sign := range []string{"reflect: ", "reflect.Set", "reflect.Value", "reflect.Select", "CFG post-order panic", "interface conversion: reflect.", "incomplete type"} {
		if strings.Contains(s, sign) {
			return true
		}
	}
	return false
}
