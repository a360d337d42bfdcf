package cli

import (
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// acceptSingleDash rewrites "-name" and "-name=value" to "--name…" where
// name is a long flag of the command args select: earlier releases parsed
// flags with Go's flag package, which took both spellings, and scripts and
// unit files written for them keep working. Single letters are left alone
// (they are shorthands, "-j 4"), and so is everything after "--" and every
// value of a flag that takes one.
func acceptSingleDash(root *cobra.Command, args []string) []string {
	cmd, _, err := root.Find(args)
	if err != nil || cmd == nil {
		return args
	}
	lookup := func(name string) *pflag.Flag {
		if f := cmd.LocalFlags().Lookup(name); f != nil {
			return f
		}
		return cmd.InheritedFlags().Lookup(name)
	}
	shorthand := func(c byte) *pflag.Flag {
		if f := cmd.LocalFlags().ShorthandLookup(string(c)); f != nil {
			return f
		}
		return cmd.InheritedFlags().ShorthandLookup(string(c))
	}
	takesValue := func(f *pflag.Flag) bool { return f != nil && f.NoOptDefVal == "" }
	out := make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		a := args[i]
		var f *pflag.Flag
		switch {
		case a == "--":
			return append(out, args[i:]...)
		case !strings.HasPrefix(a, "-") || a == "-":
			out = append(out, a)
			continue
		case strings.HasPrefix(a, "--"):
			out = append(out, a)
			if name, _, hasValue := strings.Cut(a[2:], "="); !hasValue {
				f = lookup(name)
			}
		case len(a) == 2:
			out = append(out, a)
			f = shorthand(a[1])
		default:
			name, _, hasValue := strings.Cut(a[1:], "=")
			long := lookup(name)
			if long == nil || len(name) < 2 {
				out = append(out, a) // shorthands with a value: -j4
				continue
			}
			out = append(out, "-"+a)
			if !hasValue {
				f = long
			}
		}
		if takesValue(f) && i+1 < len(args) {
			i++
			out = append(out, args[i])
		}
	}
	return out
}
