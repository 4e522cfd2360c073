package labs

import "embed"

// embedded holds the labs shipped in the binary.
//
//go:embed *.txtar
var embedded embed.FS
