package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// TestManPageKeepsFlagHelpText: a flag's help text reads in its man page
// as in --help: placeholders in angle brackets and backslashes are not
// taken for HTML and escapes on the way through Markdown to roff.
func TestManPageKeepsFlagHelpText(t *testing.T) {
	const usage = `print path<TAB>SYMBOLOGY<TAB>text, escaped (\t \\ \xHH) *as is* [x](y) & .dot`
	root := &cobra.Command{Use: "prog"}
	sub := &cobra.Command{Use: "sub", RunE: func(*cobra.Command, []string) error { return nil }}
	sub.Flags().Bool("tsv", false, usage)
	root.PersistentFlags().String("config", "", `a <FILE>, \ alone`)
	root.PersistentFlags().String("dev", "", "the device `DIR`")
	root.AddCommand(sub)
	dir := t.TempDir()
	if err := WriteDocs(root, "1", "test", dir); err != nil {
		t.Fatal(err)
	}
	if got := sub.Flags().Lookup("tsv").Usage; got != usage {
		t.Errorf("--help text changed to %q", got)
	}
	page := filepath.Join(dir, "man", "man1", "prog-sub.1")
	src, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	text := string(src)
	if groff, err := exec.LookPath("groff"); err == nil {
		out, err := exec.Command(groff, "-man", "-Tutf8", "-P", "-cbou", "-rLL=400n", page).Output()
		if err != nil {
			t.Fatalf("groff: %v", err)
		}
		text = strings.Join(strings.Fields(string(out)), " ")
	} else {
		t.Log("groff not found: checking the roff source")
		text = strings.NewReplacer(`\\`, `\`, `\e`, `\`, `\&`, ``, `\-`, `-`).Replace(text)
	}
	for _, want := range []string{usage, `a <FILE>, \ alone`, "the device DIR"} {
		if !strings.Contains(text, want) {
			t.Errorf("man page lacks %q:\n%s", want, text)
		}
	}
}
