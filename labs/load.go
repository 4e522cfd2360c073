package labs

import (
	"fmt"
	"io/fs"
	"os"
	"sort"
	"strings"

	"prep"
)

// Set is a loaded collection of labs, by slug.
type Set struct {
	bySlug map[string]*Lab
}

// Load returns the embedded labs with, if dir is not empty, the *.txtar labs in dir laid
// over them: a lab in dir replaces the embedded one with the same slug. Every problem in
// every lab comes back at once as prep.Problems.
func Load(dir string) (*Set, error) {
	set, err := LoadFS(Embedded(), "labs/")
	if err != nil {
		return nil, err
	}
	if dir == "" {
		return set, nil
	}
	st, err := os.Stat(dir)
	if err != nil {
		return nil, prep.Errorf(prep.Invalid, "labs.Load", "labs directory: %v", err)
	}
	if !st.IsDir() {
		return nil, prep.Errorf(prep.Invalid, "labs.Load", "labs directory %s is not a directory", dir)
	}
	own, err := LoadFS(os.DirFS(dir), strings.TrimSuffix(dir, "/")+"/")
	if err != nil {
		return nil, err
	}
	for slug, l := range own.bySlug {
		set.bySlug[slug] = l
	}
	return set, nil
}

// LoadFS parses every *.txtar at the root of fsys; prefix is put before each file name in
// problems and origins. It returns prep.Problems if any lab has any.
func LoadFS(fsys fs.FS, prefix string) (*Set, error) {
	names, err := fs.Glob(fsys, "*.txtar")
	if err != nil {
		return nil, prep.Wrap("labs.LoadFS", err)
	}
	set := &Set{bySlug: map[string]*Lab{}}
	var all prep.Problems
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			all = append(all, prep.Problem{Path: prefix + name, Msg: fmt.Sprintf("cannot read: %v", err)})
			continue
		}
		lab, ps := Parse(prefix+name, data)
		all = append(all, ps...)
		if lab != nil {
			set.bySlug[lab.Slug] = lab
		}
	}
	if len(all) > 0 {
		return nil, all.Sorted()
	}
	return set, nil
}

// Lab returns the lab with slug, or a NotFound error.
func (s *Set) Lab(slug string) (*Lab, error) {
	if l, ok := s.bySlug[slug]; ok {
		return l, nil
	}
	return nil, prep.Errorf(prep.NotFound, "labs.Lab", "no lab %q; the list of labs names them all", slug)
}

// Has reports whether a lab with slug exists.
func (s *Set) Has(slug string) bool { _, ok := s.bySlug[slug]; return ok }

// All returns every lab, by level then slug.
func (s *Set) All() []*Lab {
	out := make([]*Lab, 0, len(s.bySlug))
	for _, l := range s.bySlug {
		out = append(out, l)
	}
	rank := func(level string) int {
		for i, l := range Levels {
			if l == level {
				return i
			}
		}
		return len(Levels)
	}
	sort.Slice(out, func(i, j int) bool {
		if a, b := rank(out[i].Level), rank(out[j].Level); a != b {
			return a < b
		}
		return out[i].Slug < out[j].Slug
	})
	return out
}

// Embedded returns the file system of the labs built into the binary: labs/*.txtar.
func Embedded() fs.FS { return embedded }
