package web

import (
	"encoding/json"

	"prep"
	"prep/labs"
	"prep/store"
)

// importedNote heads the result of an imported attempt.
const importedNote = "Imported from a progress file: this server did not grade this attempt, so its verdict is only what the file says and it does not count towards the lab's status. Submit the code again to have it graded."

// attemptResult is the result of a stored attempt as pages show it. An imported
// attempt's result is whatever its progress file held: it is shown as far as it can be
// read, headed by importedNote.
func attemptResult(a *store.Attempt) (*labs.Result, error) {
	var res labs.Result
	if len(a.ResultJSON) > 0 {
		if err := json.Unmarshal(a.ResultJSON, &res); err != nil && !a.Imported {
			return nil, prep.Wrap("web.attempt", err)
		}
	}
	if a.Imported {
		res.Notes = append([]string{importedNote}, res.Notes...)
	}
	return &res, nil
}
