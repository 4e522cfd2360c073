package sandbox

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"runtime"
	"strings"
)

// rtImport is the import path of the grader's compiled runtime helpers, which only the
// generated helper file imports: lab code cannot (it is not on the allow-list). They do
// what interpreted code cannot — look inside compiled values (errors.Join's result,
// fmt.Errorf's wrappers) through interfaces the interpreter does not convert to.
const rtImport = "prepgrader/rt"

// yieldEvery: see rtYield. With it, a token bucket without its mutex failed the lab's
// concurrency test in 40 runs of 40 (half the time without yields on a busy machine),
// and the reference's concurrency test took about 15% longer.
const yieldEvery = 8

// rtExports is the table interpreted code sees as package rt.
func rtExports() map[string]reflect.Value {
	return map[string]reflect.Value{
		"Unwrap":        reflect.ValueOf(rtUnwrap),
		"Is":            reflect.ValueOf(rtIs),
		"Comparable":    reflect.ValueOf(rtComparable),
		"Equal":         reflect.ValueOf(rtEqual),
		"CannotConvert": reflect.ValueOf(rtCannotConvert),
		"NilText":       reflect.ValueOf(rtNilText),
		"TypeIs":        reflect.ValueOf(rtTypeIs),
		"Wrapped":       reflect.ValueOf(wrapped),
		"Yield":         reflect.ValueOf(rtYield),
		"EmptyStruct": reflect.ValueOf(func(x any) bool {
			t := reflect.TypeOf(x)
			return t != nil && t.Kind() == reflect.Struct && t.NumField() == 0
		}),
		// Interfaces compiled errors commonly have, for asserting them to interfaces
		// the code declares with the same methods.
		"UnwrapOne":        reflect.ValueOf((*rtUnwrapOne)(nil)),
		"UnwrapMulti":      reflect.ValueOf((*rtUnwrapMulti)(nil)),
		"ErrorUnwrapOne":   reflect.ValueOf((*rtErrorUnwrapOne)(nil)),
		"ErrorUnwrapMulti": reflect.ValueOf((*rtErrorUnwrapMulti)(nil)),
	}
}

// rtUnwrap is one step of errors.Is's walk for a compiled error: what it wraps, and
// how (1: Unwrap() error, 2: Unwrap() []error, 0: neither).
func rtUnwrap(err error) (error, []error, int) {
	switch x := err.(type) {
	case interface{ Unwrap() error }:
		return x.Unwrap(), nil, 1
	case interface{ Unwrap() []error }:
		return nil, x.Unwrap(), 2
	}
	return nil, nil, 0
}

// rtIs calls a compiled error's Is method, if it has one.
func rtIs(err, target error) bool {
	x, ok := err.(interface{ Is(error) bool })
	return ok && x.Is(target)
}

// wrapped reports whether x is one of the interpreter's values rather than a compiled
// one: a wrapper giving an interpreted value a compiled interface, or the interpreted
// value itself, whose type has no name (a compiled value with methods always has one,
// or is a pointer to one that has).
func wrapped(x any) bool {
	t := reflect.TypeOf(x)
	if t == nil {
		return false
	}
	for t.Kind() == reflect.Pointer && t.Name() == "" {
		t = t.Elem()
	}
	return t.PkgPath() == "" || strings.HasPrefix(t.PkgPath(), "github.com/traefik/yaegi")
}

// rtComparable reports whether errors.Is may compare x with ==, as reflectlite's
// Comparable does, for a compiled x. Interpreted ones are decided before this.
func rtComparable(x any) bool {
	t := reflect.TypeOf(x)
	return t != nil && t.Comparable() && !wrapped(x)
}

// rtEqual is a == b for compiled values; an interpreted one is never equal to them.
func rtEqual(a, b any) bool {
	if wrapped(a) || wrapped(b) {
		return false
	}
	return a == b
}

// rtCannotConvert panics when x, a compiled value, has every method of the interface
// the code asserts it to (names and signatures, spelled as go/types spells them): the
// interpreter cannot give a compiled value an interface type the code declares, and
// answering "no" would be wrong.
func rtCannotConvert(x any, iface string, names, sigs []string) {
	if x == nil || wrapped(x) {
		return
	}
	t := reflect.TypeOf(x)
	for i, name := range names {
		m, ok := t.MethodByName(name)
		if !ok || methodSig(m.Type) != sigs[i] {
			return
		}
	}
	panic(fmt.Sprintf("the grader's interpreter cannot convert a %v to the interface %s that your code declares; type-assert to the concrete type, or use errors.Is / errors.As", t, iface))
}

// methodSig spells a method's type without its receiver, as go/types does.
func methodSig(t reflect.Type) string {
	var in, out []string
	for i := 1; i < t.NumIn(); i++ {
		s := t.In(i).String()
		if t.IsVariadic() && i == t.NumIn()-1 {
			s = "..." + t.In(i).Elem().String()
		}
		in = append(in, s)
	}
	for i := 0; i < t.NumOut(); i++ {
		out = append(out, t.Out(i).String())
	}
	s := "func(" + strings.Join(in, ", ") + ")"
	switch len(out) {
	case 0:
	case 1:
		s += " " + out[0]
	default:
		s += " (" + strings.Join(out, ", ") + ")"
	}
	return s
}

type (
	rtUnwrapOne      interface{ Unwrap() error }
	rtUnwrapMulti    interface{ Unwrap() []error }
	rtErrorUnwrapOne interface {
		Error() string
		Unwrap() error
	}
	rtErrorUnwrapMulti interface {
		Error() string
		Unwrap() []error
	}
)

// rtNilText is what fmt prints for a nil pointer held in an interface: the method's
// text, or "<nil>" when the method panics (fmt's catchPanic).
func rtNilText(method func() string) (s any) {
	defer func() {
		if recover() != nil {
			s = "<nil>"
		}
	}()
	return method()
}

// rtTypeIs reports whether x, held in `any`, has the interpreted type named name; a
// value held without its type matches when rawOK.
func rtTypeIs(x any, name string, rawOK bool) bool {
	s := rtTypeString(x)
	if s == "" {
		return rawOK
	}
	return s == name
}

// rtTypeString returns the interpreted type of a value held in `any`, as the
// interpreter spells it, or "" for a value held as it is (yaegi keeps only values
// whose type has methods with their type; a named type without methods is
// indistinguishable from its underlying type, as it is to the interpreter itself).
func rtTypeString(x any) string {
	v := reflect.ValueOf(x)
	if !v.IsValid() || v.Type().String() != "interp.valueInterface" {
		return ""
	}
	n := v.FieldByName("node")
	if n.Kind() != reflect.Pointer || n.IsNil() {
		return ""
	}
	t := n.Elem().FieldByName("typ")
	if t.Kind() != reflect.Pointer || t.IsNil() {
		return ""
	}
	return t.Elem().FieldByName("str").String()
}

// rtYield yields the processor, at random one call in yieldEvery: often enough that a
// race in the code shows within a test's thousands of calls, rarely enough that code
// holding a lock does not spend its time handing the processor to goroutines that
// wait for it.
func rtYield() {
	if rand.Uint32()%yieldEvery == 0 {
		runtime.Gosched()
	}
}
