package labs

import (
	"bytes"
	"strings"
)

// archiveFile is one file of a txtar archive, with the line of its "-- name --" header so
// problems inside it can be reported against the archive.
type archiveFile struct {
	name string
	line int // 1-based line of the header; the file's first line is line+1
	data string
}

// parseTxtar splits a txtar archive (the format of golang.org/x/tools/txtar: optional
// comment, then files each introduced by a line "-- NAME --") into its comment and files.
// As in x/tools, a file's data ends with a newline even if the archive's last line has none.
// A tiny parser of our own, so the lab format costs no dependency.
func parseTxtar(data []byte) (comment string, files []archiveFile) {
	lines := bytes.SplitAfter(data, []byte("\n"))
	var cur *archiveFile
	var buf strings.Builder
	flush := func() {
		s := buf.String()
		if s != "" && !strings.HasSuffix(s, "\n") {
			s += "\n"
		}
		if cur == nil {
			comment = s
		} else {
			cur.data = s
			files = append(files, *cur)
		}
		buf.Reset()
	}
	for i, l := range lines {
		if name, ok := txtarMarker(l); ok {
			flush()
			cur = &archiveFile{name: name, line: i + 1}
			continue
		}
		buf.Write(l)
	}
	flush()
	return comment, files
}

// txtarMarker reports whether line is a file header "-- NAME --" and returns NAME.
func txtarMarker(line []byte) (string, bool) {
	s := strings.TrimRight(string(line), "\r\n")
	if !strings.HasPrefix(s, "-- ") || !strings.HasSuffix(s, " --") || len(s) < len("-- x --") {
		return "", false
	}
	name := strings.TrimSpace(s[3 : len(s)-3])
	return name, name != ""
}

// FormatTxtar writes files (in order) as a txtar archive; the inverse of the parser, used
// by tests and by tools that assemble labs.
func FormatTxtar(comment string, names, contents []string) []byte {
	var b bytes.Buffer
	b.WriteString(comment)
	for i, n := range names {
		b.WriteString("-- " + n + " --\n")
		c := contents[i]
		b.WriteString(c)
		if c != "" && !strings.HasSuffix(c, "\n") {
			b.WriteByte('\n')
		}
	}
	return b.Bytes()
}
