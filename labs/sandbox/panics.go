package sandbox

import (
	"fmt"
	"reflect"
	"runtime"
	"time"
)

// methodLimit bounds how long the Error or String method of a panic's value may take
// to describe it: such a method takes microseconds, even interpreted, and the test's own
// limit (a second or more) must not end first.
const methodLimit = 250 * time.Millisecond

// panicValue describes a recovered panic's value as go test does: its Error() or
// String() when it has one, else the value. The method is the code's, so it is called
// in a goroutine of its own: one that panics, or does not return within methodLimit, is
// reported as such instead of hanging or hiding the panic (the goroutine of a method
// that loops is left to the run's end).
func panicValue(v any) string {
	// yaegi panics with the reflect.Value of a value of interface type.
	if rv, ok := v.(reflect.Value); ok && rv.IsValid() && rv.CanInterface() {
		v = rv.Interface()
	}
	var call func() string
	var method string
	switch x := v.(type) {
	case error:
		call, method = x.Error, "Error"
	case fmt.Stringer:
		call, method = x.String, "String"
	default:
		return fmt.Sprint(v)
	}
	type result struct {
		s        string
		inner    any
		panicked bool
	}
	done := make(chan result, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- result{inner: p, panicked: true}
			}
		}()
		done <- result{s: call()}
	}()
	timer := time.NewTimer(methodLimit)
	defer timer.Stop()
	select {
	case res := <-done:
		if res.panicked {
			return fmt.Sprintf("a value whose %s method panicked too (%s)", method, innerPanic(res.inner))
		}
		return res.s
	case <-timer.C:
		return fmt.Sprintf("a value whose %s method did not return within %v (an infinite loop or recursion in %s?)", method, methodLimit, method)
	}
}

// innerPanic describes a panic raised by a panic value's method without calling any
// more of the code's methods.
func innerPanic(p any) string {
	if rv, ok := p.(reflect.Value); ok && rv.IsValid() && rv.CanInterface() {
		p = rv.Interface()
	}
	switch x := p.(type) {
	case string:
		return "panic: " + x
	case runtime.Error:
		return "panic: " + x.Error()
	}
	return "a panic"
}
