package cli

import (
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// commandFirst moves the flags given before the command's name to just
// after it ("scanctl --json -socket X status" is "scanctl status --json
// -socket X"), so that a flag of the command works wherever it is written
// and not only after the name. Which of them take a value, and so the
// word after them with them, is known from the commands below the ones
// named so far. Args are left as they are when they name no command or
// after "--".
func commandFirst(root *cobra.Command, args []string) []string {
	var path, moved []string
	c := root
	i := 0
scan:
	for ; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			break scan
		case !strings.HasPrefix(a, "-") || a == "-":
			sub := subcommand(c, a)
			if sub == nil {
				break scan
			}
			path, c = append(path, a), sub
		default:
			moved = append(moved, a)
			if takesValueBelow(c, a) && i+1 < len(args) {
				i++
				moved = append(moved, args[i])
			}
		}
	}
	if len(moved) == 0 || len(path) == 0 {
		return args
	}
	out := make([]string, 0, len(args))
	out = append(out, path...)
	out = append(out, moved...)
	return append(out, args[i:]...)
}

// subcommand is c's subcommand called name, or nil.
func subcommand(c *cobra.Command, name string) *cobra.Command {
	for _, sub := range c.Commands() {
		if sub.Name() == name || sub.HasAlias(name) {
			return sub
		}
	}
	return nil
}

// takesValueBelow says whether flag arg, written without "=value", is a
// flag that takes a value as c or a command below it defines it: "--name",
// "-name" (a long flag with one dash) or the shorthand "-n".
func takesValueBelow(c *cobra.Command, arg string) bool {
	if strings.Contains(arg, "=") {
		return false
	}
	name := strings.TrimLeft(arg, "-")
	short := !strings.HasPrefix(arg, "--") && len(name) == 1
	found := false
	walk(c, func(c *cobra.Command) {
		for _, fs := range []*pflag.FlagSet{c.LocalFlags(), c.InheritedFlags()} {
			f := fs.Lookup(name)
			if short {
				f = fs.ShorthandLookup(name)
			}
			if f != nil && f.NoOptDefVal == "" {
				found = true
			}
		}
	})
	return found
}

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
