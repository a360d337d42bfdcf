package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
	"github.com/spf13/pflag"
)

// DocsCommandName is the hidden command that writes a program's man pages
// and shell completions (the packages run it).
const DocsCommandName = "gen-docs"

// DocsCommand returns the hidden "gen-docs DIR" command: it writes the man
// pages of the program and every command (in man section section) and its
// bash, zsh and fish completions below DIR, laid out as below /usr/share.
// The man pages are dated by SOURCE_DATE_EPOCH when it is set.
func DocsCommand(section, version string) *cobra.Command {
	return &cobra.Command{
		Use:    DocsCommandName + " DIR",
		Short:  "Write the man pages and shell completions below DIR",
		Hidden: true,
		Args:   cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return WriteDocs(cmd.Root(), section, version, args[0])
		},
	}
}

// WriteDocs writes what DocsCommand describes.
func WriteDocs(root *cobra.Command, section, version, dir string) error {
	Prepare(root)
	name := root.Name()
	man := filepath.Join(dir, "man", "man"+section)
	files := map[string]func(*os.File) error{
		filepath.Join(dir, "bash-completion", "completions", name): func(f *os.File) error { return root.GenBashCompletionV2(f, true) },
		filepath.Join(dir, "zsh", "vendor-completions", "_"+name):  func(f *os.File) error { return root.GenZshCompletion(f) },
		filepath.Join(dir, "fish", "vendor_completions.d", name+".fish"): func(f *os.File) error {
			return root.GenFishCompletion(f, true)
		},
	}
	for path, gen := range files {
		if err := writeFile(path, gen); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(man, 0o755); err != nil {
		return err
	}
	defer escapeFlagUsage(root)()
	header := &doc.GenManHeader{Section: section, Source: name + " " + version, Manual: "scannerd manual"}
	if err := doc.GenManTree(root, header, man); err != nil {
		return fmt.Errorf("man pages: %w", err)
	}
	return nil
}

// markdownEscape backslash-escapes every character Markdown gives a meaning
// (CommonMark's backslash escapes, which go-md2man's parser takes) but the
// backquote: a flag's help text is plain text, which the man page
// generator renders as Markdown, where "path<TAB>text" lost its "<TAB>" as
// an HTML tag and "\\" became one backslash. A backquoted word is pflag's
// name for the flag's value ("the device `DIR`"), which --help shows
// without the backquotes and Markdown as code, as it did before.
var markdownEscape = func() *strings.Replacer {
	var pairs []string
	for _, c := range "\\*_{}[]()#+-.!:|&<>~" {
		pairs = append(pairs, string(c), "\\"+string(c))
	}
	return strings.NewReplacer(pairs...)
}()

// escapeFlagUsage escapes the help text of every flag of root's tree for
// Markdown, for the man pages, and returns the function that puts it back
// as --help shows it. A flag inherited by subcommands is one *pflag.Flag,
// escaped once.
func escapeFlagUsage(root *cobra.Command) (restore func()) {
	saved := map[*pflag.Flag]string{}
	escape := func(f *pflag.Flag) {
		if _, done := saved[f]; !done {
			saved[f] = f.Usage
			f.Usage = markdownEscape.Replace(f.Usage)
		}
	}
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		c.Flags().VisitAll(escape)
		c.PersistentFlags().VisitAll(escape)
		c.InheritedFlags().VisitAll(escape)
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	return func() {
		for f, usage := range saved {
			f.Usage = usage
		}
	}
}

func writeFile(path string, gen func(*os.File) error) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := gen(f); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	return f.Close()
}
