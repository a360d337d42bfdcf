package cli

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
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
	header := &doc.GenManHeader{Section: section, Source: name + " " + version, Manual: "scannerd manual"}
	if err := doc.GenManTree(root, header, man); err != nil {
		return fmt.Errorf("man pages: %w", err)
	}
	return nil
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
