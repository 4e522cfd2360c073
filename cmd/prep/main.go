// Command prep is a self-hosted interview-prep server: a knowledge base of cards, spaced
// repetition review and graded Go labs, in one binary that works offline.
//
// Run it with no arguments to serve on 127.0.0.1:8080 with the embedded content. "prep
// help" lists the other commands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"sort"
	"strings"
	"syscall"
	// The binary must work where the system has no zone database (a scratch container,
	// Windows): user settings name time zones.
	_ "time/tzdata"

	"prep"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := Main(ctx, os.Args[1:], &Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv})
	stop()
	os.Exit(code)
}

// Env is what a command may touch of the outside world, so tests can run commands
// in-process with their own streams and environment.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
}

// command is one sub-command of prep.
type command struct {
	name    string
	usage   string // the arguments after the flags, e.g. "[DIR]"
	summary string // one line for "prep help"
	help    string // the paragraph for "prep help NAME"
	// setup defines the command's flags on fs, with defaults from env, and returns the
	// function that runs the command on the arguments left after parsing. A returned
	// error is printed by Main and gives exit code 1 (see exitError for others).
	setup func(fs *flag.FlagSet, env *Env) func(ctx context.Context, args []string) error
}

// commands lists every sub-command; serve is the default.
var commands = []*command{serveCmd, contentCmd, searchCmd, healthCmd, userCmd, tokenCmd, backupCmd, exportCmd, importCmd, labCmd}

// errUsage marks a usage error already explained on stderr: exit 2.
var errUsage = errors.New("usage")

// exitError carries an explicit exit code from a command that has already printed its
// report (for example "content check" or "lab test").
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit %d", e.code) }

// Main runs prep with args (without the program name) and returns the exit code.
func Main(ctx context.Context, args []string, env *Env) int {
	if len(args) > 0 && args[0] == workerArg {
		return runWorker(ctx, env)
	}
	name := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name, args = args[0], args[1:]
	} else if len(args) > 0 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
		name, args = "help", nil
	}
	if name == "help" {
		return help(env, args)
	}
	cmd := find(name)
	if cmd == nil {
		fmt.Fprintf(env.Stderr, "prep: unknown command %q\n\n", name)
		usage(env.Stderr)
		return 2
	}
	fs := flag.NewFlagSet("prep "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // a bad flag gets one line below, not the whole help
	fs.Usage = func() {}
	run := cmd.setup(fs, env)
	args, err := interspersed(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printHelp(env.Stdout, cmd, fs)
			return 0
		}
		fmt.Fprintf(env.Stderr, "prep %s: %s; see prep help %s\n", name, flagProblem(err), name)
		return 2
	}
	err = run(ctx, args)
	var ee exitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		return ee.code
	case errors.Is(err, errUsage):
		return 2
	}
	if prep.KindOf(err) == prep.Internal {
		fmt.Fprintf(env.Stderr, "prep %s: %v\n", name, err)
	} else {
		fmt.Fprintf(env.Stderr, "prep %s: %s\n", name, prep.Message(err))
	}
	return 1
}

// interspersed parses flags wherever they appear among args ("content check --labs
// DIR" as well as "content --labs DIR check") and returns the other arguments. After
// "--" everything is an argument.
func interspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var rest []string
	if i := slices.Index(args, "--"); i >= 0 {
		args, rest = args[:i], args[i+1:]
	}
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if args = fs.Args(); len(args) == 0 {
			return append(pos, rest...), nil
		}
		pos, args = append(pos, args[0]), args[1:]
	}
}

// flagProblem words the flag package's parse errors as prep's messages.
func flagProblem(err error) string {
	msg := err.Error()
	if f, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
		return "unknown flag " + f
	}
	if f, ok := strings.CutPrefix(msg, "flag needs an argument: "); ok {
		return "flag " + f + " needs a value"
	}
	return msg
}

func find(name string) *command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return nil
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: prep [COMMAND] [FLAGS] [ARGS]")
	fmt.Fprintln(w, "\nWith no command, prep serves the knowledge base (prep serve).")
	fmt.Fprintln(w, "\nCommands:")
	names := make([]*command, len(commands))
	copy(names, commands)
	sort.Slice(names, func(i, j int) bool { return names[i].name < names[j].name })
	for _, c := range names {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun \"prep help COMMAND\" for a command's flags.")
}

func help(env *Env, args []string) int {
	if len(args) == 0 {
		usage(env.Stdout)
		return 0
	}
	cmd := find(args[0])
	if cmd == nil {
		fmt.Fprintf(env.Stderr, "prep help: unknown command %q\n", args[0])
		return 2
	}
	fs := flag.NewFlagSet("prep "+cmd.name, flag.ContinueOnError)
	cmd.setup(fs, env)
	printHelp(env.Stdout, cmd, fs)
	return 0
}

func printHelp(w io.Writer, cmd *command, fs *flag.FlagSet) {
	fmt.Fprintf(w, "Usage: prep %s [FLAGS] %s\n\n%s\n", cmd.name, cmd.usage, cmd.help)
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	if n > 0 {
		fmt.Fprintln(w, "\nFlags:")
		fs.SetOutput(w)
		fs.PrintDefaults()
	}
}

// usageErrorf prints a usage problem to stderr and returns errUsage (exit 2).
func usageErrorf(env *Env, format string, args ...any) error {
	fmt.Fprintf(env.Stderr, "prep: "+format+"\n", args...)
	return errUsage
}
