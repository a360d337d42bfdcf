package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/spf13/cobra"
)

// program is a small tree: "prog get [--json] [--name N] [-n N] ARG" and
// a group "prog group sub".
func program(ran *[]string) Program {
	root := &cobra.Command{Use: "prog"}
	get := &cobra.Command{Use: "get ARG", Args: cobra.ExactArgs(1), RunE: func(cmd *cobra.Command, args []string) error {
		name, _ := cmd.Flags().GetString("name")
		*ran = append(*ran, args[0], name)
		switch args[0] {
		case "fail":
			return errors.New("it failed")
		case "refuse":
			return errRefused
		case "usage":
			return Usagef("bad %s", "value")
		case "quiet":
			return Exit(ExitNoResult)
		case "a\x1b[2J\tb":
			return fmt.Errorf("%s: unreadable\nsecond line", args[0])
		}
		return nil
	}}
	get.Flags().StringP("name", "n", "", "")
	get.Flags().Bool("json", false, "")
	group := Group(&cobra.Command{Use: "group"})
	group.AddCommand(&cobra.Command{Use: "sub", RunE: func(*cobra.Command, []string) error { return nil }})
	root.AddCommand(get, group)
	return Program{Root: root, Code: func(err error) int {
		if errors.Is(err, errRefused) {
			return ExitRefused
		}
		return ExitFailure
	}}
}

var errRefused = errors.New("refused")

func TestExecuteExitCodes(t *testing.T) {
	for _, tc := range []struct {
		args    []string
		code    int
		stderr  string
		ran     []string
		noUsage bool
	}{
		{args: []string{"get", "x"}, code: ExitOK, ran: []string{"x", ""}},
		{args: []string{"get", "fail"}, code: ExitFailure, stderr: "prog get: it failed\n", ran: []string{"fail", ""}},
		{args: []string{"get", "refuse"}, code: ExitRefused, stderr: "prog get: refused\n", ran: []string{"refuse", ""}},
		{args: []string{"get", "usage"}, code: ExitUsage, stderr: "prog get: bad value\nRun 'prog get --help' for usage.\n", ran: []string{"usage", ""}},
		{args: []string{"get", "quiet"}, code: ExitNoResult, ran: []string{"quiet", ""}},
		// A message names a file as it is: its control characters are
		// escaped, so that it cannot send an escape sequence to the
		// terminal; the lines of a message of several stay lines.
		{args: []string{"get", "a\x1b[2J\tb"}, code: ExitFailure, stderr: "prog get: a\\x1b[2J\\tb: unreadable\nsecond line\n", ran: []string{"a\x1b[2J\tb", ""}},
		{args: []string{"get"}, code: ExitUsage, stderr: "prog get: accepts 1 arg(s), received 0\nRun 'prog get --help' for usage.\n"},
		{args: []string{"get", "--nope", "x"}, code: ExitUsage, stderr: "prog get: unknown flag: --nope\nRun 'prog get --help' for usage.\n"},
		{args: []string{"nope"}, code: ExitUsage, stderr: "prog: unknown command \"nope\" for \"prog\"\nRun 'prog --help' for usage.\n"},
		{args: []string{"group", "nope"}, code: ExitUsage, stderr: "prog group: unknown command \"nope\" for \"prog group\"\nRun 'prog group --help' for usage.\n"},
		{args: []string{"help", "nope"}, code: ExitUsage, stderr: "prog help: unknown command \"nope\" for \"prog\"\nRun 'prog help --help' for usage.\n"},
		{args: []string{"get", "--help"}, code: ExitOK},
		// Flags before the command's name are the command's, as after it.
		{args: []string{"--json", "-name", "a", "get", "x"}, code: ExitOK, ran: []string{"x", "a"}},
		{args: []string{"-n", "get", "--json", "get", "x"}, code: ExitOK, ran: []string{"x", "get"}},
		{args: []string{"--name=a", "get", "x"}, code: ExitOK, ran: []string{"x", "a"}},
		{args: []string{"--nope", "get", "x"}, code: ExitUsage, stderr: "prog get: unknown flag: --nope\nRun 'prog get --help' for usage.\n"},
		{args: []string{"group"}, code: ExitUsage, noUsage: true},
	} {
		var ran []string
		var out, errOut bytes.Buffer
		code := program(&ran).Execute(context.Background(), tc.args, &out, &errOut)
		if code != tc.code || (!tc.noUsage && errOut.String() != tc.stderr) || !slices.Equal(ran, tc.ran) {
			t.Errorf("%q: exit %d, stderr %q, ran %q; want %d, %q, %q", tc.args, code, errOut.String(), ran, tc.code, tc.stderr, tc.ran)
		}
	}
}

func TestAcceptSingleDash(t *testing.T) {
	for _, tc := range []struct{ in, want []string }{
		{[]string{"get", "-name", "a", "x"}, []string{"get", "--name", "a", "x"}},
		{[]string{"get", "-name=a", "-json", "x"}, []string{"get", "--name=a", "--json", "x"}},
		{[]string{"get", "-n", "-json", "x"}, []string{"get", "-n", "-json", "x"}},         // a value of -n
		{[]string{"get", "--name", "-json", "x"}, []string{"get", "--name", "-json", "x"}}, // a value of --name
		{[]string{"get", "-na", "x"}, []string{"get", "-na", "x"}},                         // -n with the value a
		{[]string{"get", "x", "--", "-json"}, []string{"get", "x", "--", "-json"}},         // after --
		{[]string{"get", "-nope", "x"}, []string{"get", "-nope", "x"}},                     // unknown: cobra says so
	} {
		var ran []string
		p := program(&ran)
		Prepare(p.Root)
		if got := acceptSingleDash(p.Root, tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("%q → %q, want %q", tc.in, got, tc.want)
		}
	}
}
