// Package cli is what scanctl and ltsd share on their command line: one
// framework (cobra), the exit codes scripts branch on, how errors are
// reported, JSON output, and the man pages and shell completions generated
// from the command definitions.
package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
)

// Exit codes. Every command of scanctl and ltsd exits with one of these;
// each command's help says which apply to it.
const (
	// ExitOK: the command did what was asked.
	ExitOK = 0
	// ExitFailure: an operation failed (an unreadable file, a server error).
	ExitFailure = 1
	// ExitUsage: the command line is wrong (unknown command or flag, a
	// missing or extra argument, a bad flag value).
	ExitUsage = 2
	// ExitNoResult: nothing was read (scanctl scan timed out).
	ExitNoResult = 3
	// ExitUnavailable: the daemon's socket could not be reached.
	ExitUnavailable = 4
	// ExitRefused: refused for want of permission or license (the daemon's
	// socket or admin group, ltsd run as the wrong user).
	ExitRefused = 5
)

// ExitError ends a command with Code. When Err is nil the command has
// already said what went wrong.
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit status %d", e.Code)
	}
	return e.Err.Error()
}

func (e *ExitError) Unwrap() error { return e.Err }

// Exit returns an error that ends the command with code and prints nothing
// more: for commands that reported the problem themselves.
func Exit(code int) error {
	if code == ExitOK {
		return nil
	}
	return &ExitError{Code: code}
}

// WithCode returns err to be reported with exit code code.
func WithCode(code int, err error) error { return &ExitError{Code: code, Err: err} }

// Usagef reports a command line the command cannot use (exit code 2, with
// a pointer to the command's help).
func Usagef(format string, args ...any) error {
	return &usageError{fmt.Errorf(format, args...)}
}

type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

// ranError marks an error returned by a command's own code, as opposed to
// one from parsing its command line.
type ranError struct{ err error }

func (e *ranError) Error() string { return e.err.Error() }
func (e *ranError) Unwrap() error { return e.err }

// Program is a command tree ready to run.
type Program struct {
	// Root is the program's command; its subcommands are the program's.
	Root *cobra.Command
	// Code maps an error a command returned to an exit code; nil maps every
	// error to ExitFailure.
	Code func(error) int
}

// Execute runs the command args name and returns the exit code. Flags
// may come before the command's name and take one dash (see commandFirst
// and acceptSingleDash). Help
// (-h, --help, "help CMD") goes to stdout and exits 0; errors go to stderr
// as "PROGRAM COMMAND: message", its control characters escaped (see
// OneLine) but for the newlines between its lines.
func (p Program) Execute(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	root := p.Root
	Prepare(root)
	root.SetArgs(acceptSingleDash(root, commandFirst(root, args)))
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetIn(nil)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return ExitOK
	}
	var exit *ExitError
	var usage *usageError
	var ran *ranError
	switch {
	case errors.As(err, &exit):
		if exit.Err != nil {
			fmt.Fprintf(stderr, "%s: %s\n", cmd.CommandPath(), printableLines(exit.Err.Error()))
		}
		return exit.Code
	case errors.As(err, &usage) || !errors.As(err, &ran):
		fmt.Fprintf(stderr, "%s: %s\nRun '%s --help' for usage.\n", cmd.CommandPath(), printableLines(err.Error()), cmd.CommandPath())
		return ExitUsage
	}
	fmt.Fprintf(stderr, "%s: %s\n", cmd.CommandPath(), printableLines(ran.err.Error()))
	if p.Code == nil {
		return ExitFailure
	}
	return p.Code(ran.err)
}

// Prepare finishes a command tree: errors and usage are printed by Execute
// and not by cobra, flag errors are usage errors, and errors from the
// commands' own code are told apart from command line errors. It adds the
// help and completion commands. Safe to call more than once.
func Prepare(root *cobra.Command) {
	if root.Annotations[preparedKey] != "" {
		return
	}
	if root.Annotations == nil {
		root.Annotations = map[string]string{}
	}
	root.Annotations[preparedKey] = "yes"
	root.SilenceErrors, root.SilenceUsage = true, true
	root.DisableAutoGenTag = true
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &usageError{err} })
	root.SetVersionTemplate(root.Name() + " {{.Version}}\n")
	root.SetHelpCommand(helpCommand())
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	walk(root, func(c *cobra.Command) {
		if run := c.RunE; run != nil {
			c.RunE = func(cmd *cobra.Command, args []string) error {
				if err := run(cmd, args); err != nil {
					return &ranError{err}
				}
				return nil
			}
		}
	})
}

const preparedKey = "cli.prepared"

// helpCommand is "help [COMMAND]...": cobra's, except that an unknown
// command is a usage error instead of the program's help.
func helpCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "help [command]",
		Short: "Help about any command",
		Long:  "Help shows the help of any command: the same as COMMAND --help.",
		ValidArgsFunction: func(c *cobra.Command, args []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
			cmd, _, err := c.Root().Find(args)
			if err != nil {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			var names []cobra.Completion
			for _, sub := range cmd.Commands() {
				if sub.IsAvailableCommand() {
					names = append(names, cobra.CompletionWithDesc(sub.Name(), sub.Short))
				}
			}
			return names, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(c *cobra.Command, args []string) error {
			cmd, rest, err := c.Root().Find(args)
			if err != nil || len(rest) > 0 {
				return Usagef("unknown command %q for %q", strings.Join(args, " "), c.Root().Name())
			}
			cmd.InitDefaultHelpFlag()
			cmd.InitDefaultVersionFlag()
			return cmd.Help()
		},
	}
}

func walk(c *cobra.Command, f func(*cobra.Command)) {
	f(c)
	for _, sub := range c.Commands() {
		walk(sub, f)
	}
}

// Group makes cmd a command that only groups others: run alone or with an
// unknown subcommand it prints its usage to stderr and exits 2.
func Group(cmd *cobra.Command) *cobra.Command {
	cmd.RunE = func(c *cobra.Command, args []string) error {
		if len(args) > 0 {
			return Usagef("unknown command %q for %q", args[0], c.CommandPath())
		}
		fmt.Fprint(c.ErrOrStderr(), c.UsageString())
		return Exit(ExitUsage)
	}
	return cmd
}

// AddJSONFlag adds --json to cmd and returns where its value goes.
func AddJSONFlag(cmd *cobra.Command) *bool {
	var v bool
	cmd.Flags().BoolVar(&v, "json", false, "print JSON for scripts (one value per line)")
	return &v
}

// PrintJSON writes v as one line of JSON.
func PrintJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// CompleteWords returns a flag or argument completion offering words.
func CompleteWords(words ...string) cobra.CompletionFunc {
	return cobra.FixedCompletions(words, cobra.ShellCompDirectiveNoFileComp)
}
