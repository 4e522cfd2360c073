package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"prep"
	"prep/store"
)

// openStore opens DATA/prep.db, creating the data directory if needed.
func openStore(ctx context.Context, data string) (*store.DB, error) {
	if err := os.MkdirAll(data, 0o700); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	return store.Open(ctx, filepath.Join(data, "prep.db"))
}

var userCmd = &command{
	name:    "user",
	usage:   "add NAME [--role ROLE] | role NAME ROLE | list",
	summary: "add accounts (the first one switches the server to sign-in mode) and give them roles",
	help: `"prep user add NAME" creates an account; the password is read from standard input (one
line), or asked for when standard input is a terminal. The first account takes over the
offline user's progress, is an admin, and from then on the server asks everyone to sign
in. Later accounts are members (study only) unless --role says admin or interviewer.
"prep user role NAME ROLE" changes an account's role (admin, interviewer, member).
"prep user list" lists the accounts.`,
	setup: func(fs *flag.FlagSet, env *Env) func(context.Context, []string) error {
		var cfg config
		cfg.register(fs, env, "data")
		role := fs.String("role", store.RoleMember, "the new account's role: admin, interviewer or member (the first account is admin)")
		return func(ctx context.Context, args []string) error {
			switch {
			case len(args) == 1 && args[0] == "list":
				db, err := openStore(ctx, cfg.data)
				if err != nil {
					return err
				}
				defer db.Close()
				users, err := db.Users(ctx)
				if err != nil {
					return err
				}
				for _, u := range users {
					mode := "offline (no password)"
					if u.HasPassword {
						mode = "account"
					}
					if u.Disabled {
						mode += ", disabled"
					}
					fmt.Fprintf(env.Stdout, "%s\t%s\t%s\tcreated %s\n", u.Name, u.Role, mode, u.CreatedAt.Format("2006-01-02"))
				}
				return nil
			case len(args) == 3 && args[0] == "role":
				db, err := openStore(ctx, cfg.data)
				if err != nil {
					return err
				}
				defer db.Close()
				u, err := db.UserByName(ctx, args[1])
				if err != nil {
					return err
				}
				if err := db.SetRole(ctx, u.ID, args[2]); err != nil {
					return err
				}
				fmt.Fprintf(env.Stdout, "%s is now %s\n", u.Name, args[2])
				return nil
			case len(args) == 2 && args[0] == "add":

				if f, ok := env.Stdin.(*os.File); ok && isTerminal(f) {
					fmt.Fprintf(env.Stderr, "Password for %s: ", args[1])
				}
				line, err := bufio.NewReader(io.LimitReader(env.Stdin, 4096)).ReadString('\n')
				if err != nil && err != io.EOF {
					return err
				}
				password := strings.TrimRight(line, "\r\n")
				db, err := openStore(ctx, cfg.data)
				if err != nil {
					return err
				}
				defer db.Close()
				u, err := db.AddUserWithRole(ctx, args[1], password, *role)
				if err != nil {
					return err
				}
				fmt.Fprintf(env.Stdout, "added %s (%s); the server now asks for sign-in\n", u.Name, u.Role)
				return nil
			}
			return usageErrorf(env, "usage: prep user add NAME [--role ROLE] | prep user role NAME ROLE | prep user list")
		}
	},
}

// isTerminal reports whether f is a character device (a terminal) rather than a pipe
// or a file, so the password prompt is shown only to people.
func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

var backupCmd = &command{
	name:    "backup",
	usage:   "FILE",
	summary: "write a consistent copy of the database, even while the server runs",
	help:    `"prep backup FILE" copies DATA/prep.db to FILE (which must not exist) with VACUUM INTO.`,
	setup: func(fs *flag.FlagSet, env *Env) func(context.Context, []string) error {
		var cfg config
		cfg.register(fs, env, "data")
		return func(ctx context.Context, args []string) error {
			if len(args) != 1 {
				return usageErrorf(env, "usage: prep backup FILE")
			}
			db, err := openStore(ctx, cfg.data)
			if err != nil {
				return err
			}
			defer db.Close()
			if err := db.Backup(ctx, args[0]); err != nil {
				return err
			}
			fmt.Fprintf(env.Stdout, "wrote %s\n", args[0])
			return nil
		}
	},
}

var exportCmd = &command{
	name:    "export",
	usage:   "[FILE]",
	summary: "export a user's progress and review log (JSON, or --csv for the log), or the cards for Anki (--apkg)",
	help: `"prep export [FILE]" writes the progress of --user (default: the offline user) to FILE or standard output.
"prep export --apkg FILE" writes the cards as an Anki package instead, one deck per topic; with
--topic, --kind, --level, --tag or --case, only those cards, in one deck named after them.
Importing a newer package into Anki updates its notes rather than adding copies.`,
	setup: func(fs *flag.FlagSet, env *Env) func(context.Context, []string) error {
		var cfg config
		cfg.register(fs, env, "data", "content", "labs")
		user := fs.String("user", "", "account name (default: the offline user)")
		csv := fs.Bool("csv", false, "write the review log as CSV instead")
		apkg := fs.String("apkg", "", "write the cards as an Anki package to this file")
		var only cardFilter
		only.register(fs)
		return func(ctx context.Context, args []string) error {
			if *apkg != "" {
				if len(args) > 0 || *csv || *user != "" {
					return usageErrorf(env, "usage: prep export --apkg FILE [--topic T] [--kind K] [--level L] [--tag T] [--case C]")
				}
				return exportAnki(ctx, cfg, only, *apkg, env)
			}
			if only.set() {
				return usageErrorf(env, "--topic, --kind, --level, --tag and --case choose the cards of --apkg; progress exports are whole")
			}
			if len(args) > 1 {
				return usageErrorf(env, "usage: prep export [--csv] [--user NAME] [FILE]")
			}
			db, id, err := openUser(ctx, cfg.data, *user)
			if err != nil {
				return err
			}
			defer db.Close()
			w := env.Stdout
			if len(args) == 1 {
				f, err := os.OpenFile(args[0], os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
				if err != nil {
					return err
				}
				defer f.Close()
				w = f
			}
			if *csv {
				return db.ExportCSV(ctx, id, w)
			}
			return db.Export(ctx, id, w)
		}
	},
}

var importCmd = &command{
	name:    "import",
	usage:   "FILE",
	summary: "import progress exported by prep export (into an account with progress: --mode replace or merge)",
	help: `"prep import FILE" loads a JSON export into --user (default: the offline user). An account
with progress takes it only with --mode: replace (its progress is deleted first, the file's
settings replace its own) or merge (the file's cards, reviews and attempts are added; a card
keeps whichever state was reviewed later; the account's settings stay). --dry-run says what
the import would do and changes nothing. Its lab attempts are kept and shown as imported:
only gradings done by this server mark a lab passed.`,
	setup: func(fs *flag.FlagSet, env *Env) func(context.Context, []string) error {
		var cfg config
		cfg.register(fs, env, "data")
		user := fs.String("user", "", "account name (default: the offline user)")
		mode := fs.String("mode", "", "into an account with progress: replace or merge")
		dry := fs.Bool("dry-run", false, "say what the import would do, and change nothing")
		return func(ctx context.Context, args []string) error {
			if len(args) != 1 {
				return usageErrorf(env, "usage: prep import [--user NAME] [--mode replace|merge] [--dry-run] FILE")
			}
			f, err := os.Open(args[0])
			if err != nil {
				return err
			}
			defer f.Close()
			db, id, err := openUser(ctx, cfg.data, *user)
			if err != nil {
				return err
			}
			defer db.Close()
			p, err := store.ReadProgress(f)
			if err != nil {
				return err
			}
			apply := db.ImportProgress
			if *dry {
				apply = db.PlanImport
			}
			plan, err := apply(ctx, id, p, store.ImportMode(*mode))
			if prep.KindOf(err) == prep.Conflict {
				return fmt.Errorf("%s: run again with --mode replace or --mode merge (--dry-run shows what each would do)", prep.Message(err))
			}
			if err != nil {
				return err
			}
			verb := "imported"
			if *dry {
				verb = "would import"
			}
			fmt.Fprintf(env.Stdout, "%s %s: %d new and %d updated card states (%d kept), %d reviews (%d already there), %d lab attempts as imported (%d already there)\n",
				verb, args[0], plan.NewStates, plan.UpdatedStates, plan.KeptStates, plan.AddedReviews, plan.SkippedReviews, plan.AddedAttempts, plan.SkippedAttempts)
			return nil
		}
	},
}

// openUser opens DATA/prep.db and finds the account called name; "" is the offline
// (local) user. The caller closes the database.
func openUser(ctx context.Context, data, name string) (*store.DB, int64, error) {
	db, err := openStore(ctx, data)
	if err != nil {
		return nil, 0, err
	}
	if name == "" {
		return db, store.LocalUserID, nil
	}
	users, err := db.Users(ctx)
	if err != nil {
		db.Close()
		return nil, 0, err
	}
	for _, u := range users {
		if strings.EqualFold(u.Name, name) {
			return db, u.ID, nil
		}
	}
	db.Close()
	return nil, 0, fmt.Errorf("no user %q (see prep user list)", name)
}
