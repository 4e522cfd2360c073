package main

import (
	"context"
	"flag"
	"fmt"
	"strconv"
)

var tokenCmd = &command{
	name:    "token",
	usage:   "create NAME | list | revoke ID  (--user ACCOUNT)",
	summary: "personal API tokens, sent as \"Authorization: Bearer TOKEN\"",
	help: `"prep token create NAME --user ACCOUNT" makes a personal API token for the account, named
after what will use it, and prints it once: only its hash is kept. The token acts as the
account, with its role. "prep token list --user ACCOUNT" lists the account's tokens;
"prep token revoke ID --user ACCOUNT" revokes one. Signed-in users manage theirs in
Settings too.`,
	setup: func(fs *flag.FlagSet, env *Env) func(context.Context, []string) error {
		var cfg config
		cfg.register(fs, env, "data")
		user := fs.String("user", "", "the account the token acts as (required)")
		return func(ctx context.Context, args []string) error {
			if *user == "" || len(args) == 0 {
				return usageErrorf(env, "usage: prep token create NAME --user ACCOUNT | prep token list --user ACCOUNT | prep token revoke ID --user ACCOUNT")
			}
			db, err := openStore(ctx, cfg.data)
			if err != nil {
				return err
			}
			defer db.Close()
			u, err := db.UserByName(ctx, *user)
			if err != nil {
				return err
			}
			switch {
			case args[0] == "create" && len(args) == 2:
				t, secret, err := db.CreateAPIToken(ctx, u.ID, args[1])
				if err != nil {
					return err
				}
				fmt.Fprintf(env.Stderr, "token %d %q for %s (%s); it is shown only now:\n", t.ID, t.Name, u.Name, u.Role)
				fmt.Fprintln(env.Stdout, secret)
				return nil
			case args[0] == "list" && len(args) == 1:
				list, err := db.APITokens(ctx, u.ID)
				if err != nil {
					return err
				}
				for _, t := range list {
					fmt.Fprintf(env.Stdout, "%d\t%s\tcreated %s\n", t.ID, t.Name, t.CreatedAt.Format("2006-01-02"))
				}
				return nil
			case args[0] == "revoke" && len(args) == 2:
				id, err := strconv.ParseInt(args[1], 10, 64)
				if err != nil {
					return usageErrorf(env, "prep token revoke: %q is not a token id (see prep token list)", args[1])
				}
				if err := db.DeleteAPIToken(ctx, u.ID, id); err != nil {
					return err
				}
				fmt.Fprintf(env.Stdout, "revoked token %d of %s\n", id, u.Name)
				return nil
			}
			return usageErrorf(env, "usage: prep token create NAME --user ACCOUNT | prep token list --user ACCOUNT | prep token revoke ID --user ACCOUNT")
		}
	},
}
