// Package clitest checks a program's command line against golden files:
// the help of every command, and what a table of invocations prints and
// exits with. Run the tests with -update to rewrite the files.
package clitest

import (
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/scannerd/scannerd/internal/cli"
)

// UpdateFlag returns the value of the test binary's -update flag, and
// defines the flag unless a package the test imports did already (zintdump
// does, for its own golden files): one -update rewrites every golden file
// of the package under test. Call it when the test package initializes its
// variables, after the packages it imports have defined their flags.
func UpdateFlag() func() bool {
	if f := flag.Lookup("update"); f != nil {
		return func() bool {
			v, _ := f.Value.(flag.Getter).Get().(bool)
			return v
		}
	}
	v := flag.Bool("update", false, "rewrite the golden files in testdata")
	return func() bool { return *v }
}

// Run runs the program in-process with args and returns its exit code and
// output.
type Run func(args []string) (code int, stdout, stderr string)

// Help checks "--help", "-h" and "help" of every command of root against
// dir/NAME.txt (the command path, words joined by "_"): the same text on
// stdout for all three, nothing on stderr, exit code 0.
func Help(t *testing.T, root *cobra.Command, run Run, dir string, update bool) {
	t.Helper()
	cli.Prepare(root)
	var paths [][]string
	var walk func(c *cobra.Command, path []string)
	walk = func(c *cobra.Command, path []string) {
		if !c.IsAvailableCommand() && c != root {
			return
		}
		paths = append(paths, path)
		for _, sub := range c.Commands() {
			walk(sub, append(append([]string(nil), path...), sub.Name()))
		}
	}
	walk(root, nil)
	want := map[string]bool{}
	for _, path := range paths {
		name := strings.Join(append([]string{root.Name()}, path...), "_") + ".txt"
		want[name] = true
		t.Run(name, func(t *testing.T) {
			code, out, errOut := run(append(append([]string(nil), path...), "--help"))
			if code != cli.ExitOK || errOut != "" {
				t.Errorf("--help: exit %d, stderr %q", code, errOut)
			}
			for _, args := range [][]string{append(append([]string(nil), path...), "-h"), append([]string{"help"}, path...)} {
				if c, o, e := run(args); c != cli.ExitOK || o != out || e != "" {
					t.Errorf("%q: exit %d, stderr %q, and its help differs from --help's:\n%s", args, c, e, o)
				}
			}
			Golden(t, filepath.Join(dir, name), out, update)
		})
	}
	// No golden file outlives its command.
	files, _ := filepath.Glob(filepath.Join(dir, "*.txt"))
	for _, f := range files {
		if !want[filepath.Base(f)] {
			if update {
				os.Remove(f)
				continue
			}
			t.Errorf("%s: no such command any more (run with -update)", f)
		}
	}
}

// Transcript runs every invocation and checks, against the golden file, a
// transcript of each: the command line, its exit code and what it printed.
// clean rewrites what varies between runs (temporary paths) in the output.
func Transcript(t *testing.T, name string, run Run, invocations [][]string, golden string, clean func(string) string, update bool) {
	t.Helper()
	var b strings.Builder
	for _, args := range invocations {
		code, out, errOut := run(args)
		fmt.Fprintf(&b, "$ %s\nexit %d\n", clean(strings.Join(append([]string{name}, args...), " ")), code)
		for _, s := range []struct{ name, text string }{{"stdout", out}, {"stderr", errOut}} {
			if s.text == "" {
				continue
			}
			fmt.Fprintf(&b, "%s:\n", s.name)
			for _, line := range strings.Split(strings.TrimRight(clean(s.text), "\n"), "\n") {
				fmt.Fprintf(&b, "  %s\n", line)
			}
		}
		b.WriteString("\n")
	}
	Golden(t, golden, b.String(), update)
}

// Golden compares got with the file at path, or writes it when update.
func Golden(t *testing.T, path, got string, update bool) {
	t.Helper()
	if update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run the test with -update to write it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs (run the test with -update to accept):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// Docs runs the program's hidden gen-docs command and checks what the
// packages install from it: a man page for every command that man renders
// without a warning (lintian's check), and completion scripts for bash,
// zsh and fish that parse (with the shells that are installed).
func Docs(t *testing.T, root *cobra.Command, run Run, section string) {
	t.Helper()
	dir := t.TempDir()
	if code, _, errOut := run([]string{cli.DocsCommandName, dir}); code != cli.ExitOK {
		t.Fatalf("%s: exit %d %s", cli.DocsCommandName, code, errOut)
	}
	cli.Prepare(root)
	name := root.Name()
	var pages []string
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if !c.IsAvailableCommand() && c != root {
			return
		}
		pages = append(pages, filepath.Join(dir, "man", "man"+section, strings.ReplaceAll(c.CommandPath(), " ", "-")+"."+section))
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	_, errMan := exec.LookPath("man")
	for _, p := range pages {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("no man page: %v", err)
			continue
		}
		if errMan != nil {
			continue
		}
		cmd := exec.Command("man", "--warnings", "-E", "UTF-8", "-l", "-Tutf8", "-Z", p)
		cmd.Env = append(os.Environ(), "LC_ALL=C.UTF-8", "MANROFFSEQ=", "MANWIDTH=80")
		var stderr strings.Builder
		cmd.Stdout, cmd.Stderr = io.Discard, &stderr
		if err := cmd.Run(); err != nil || stderr.Len() > 0 {
			t.Errorf("man %s: %v %s", p, err, stderr.String())
		}
	}
	for shell, script := range map[string]string{
		"bash": filepath.Join(dir, "bash-completion", "completions", name),
		"zsh":  filepath.Join(dir, "zsh", "vendor-completions", "_"+name),
		"fish": filepath.Join(dir, "fish", "vendor_completions.d", name+".fish"),
	} {
		data, err := os.ReadFile(script)
		if err != nil || !strings.Contains(string(data), "__complete") {
			t.Errorf("%s completion: %v", shell, err)
			continue
		}
		if _, err := exec.LookPath(shell); err != nil {
			continue
		}
		check := "-n"
		if shell == "fish" {
			check = "--no-execute"
		}
		if out, err := exec.Command(shell, check, script).CombinedOutput(); err != nil {
			t.Errorf("%s %s %s: %v\n%s", shell, check, script, err, out)
		}
	}
}
