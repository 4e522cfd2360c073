package sandbox

import (
	"encoding/json"
	"fmt"
	"unicode/utf8"

	"prep/labs"
)

// What one event may carry, before JSON encoding. The child bounds every text it emits —
// messages, outputs, diagnostics, panics, type names, test and function names — so that
// no line of its stream comes near labs.MaxEventBytes, which the parent would drop.
const (
	maxEventText = 8 << 10 // a message or an output
	maxDiagText  = 2 << 10 // one diagnostic
	maxNameText  = 512     // a test's or a frame's name
)

// truncMarker ends a text cut short, saying how much was left out.
const truncMarker = "… (truncated: %d more bytes)"

// clip returns s cut to at most n bytes on a character boundary, with the marker when
// anything was left out.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + fmt.Sprintf(truncMarker, len(s)-cut)
}

// boundEvent returns ev encoded as one line (newline included) under labs.MaxEventBytes.
// Texts are clipped to their bounds; if escaping still makes the line too long (control
// characters take six bytes each in JSON), the bounds are halved until it fits.
func boundEvent(ev labs.Event) ([]byte, error) {
	text, diag, name := maxEventText, maxDiagText, maxNameText
	for {
		b, err := json.Marshal(clipEvent(ev, text, diag, name))
		if err != nil {
			return nil, err
		}
		if len(b) < labs.MaxEventBytes || text < 64 {
			return append(b, '\n'), nil
		}
		text, diag, name = text/2, diag/2, max(name/2, 64)
	}
}

// clipEvent returns a copy of ev with every text clipped; ev itself is not changed.
func clipEvent(ev labs.Event, text, diag, name int) labs.Event {
	ev.Test = clip(ev.Test, name)
	ev.Message = clip(ev.Message, text)
	if ev.Diagnostics != nil {
		ds := make([]labs.Diagnostic, len(ev.Diagnostics))
		for i, d := range ev.Diagnostics {
			d.File, d.Msg = clip(d.File, name), clip(d.Msg, diag)
			ds[i] = d
		}
		ev.Diagnostics = ds
	}
	if ev.Result != nil {
		r := *ev.Result
		r.Name, r.Message, r.Output = clip(r.Name, name), clip(r.Message, text), clip(r.Output, text)
		ev.Result = &r
	}
	return ev
}
