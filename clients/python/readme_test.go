package python_test

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestREADMESnippetSaysWhenItReconnects runs the README's Python example
// against a socket path with no daemon: it says on stderr that it is
// reconnecting, and why, instead of waiting silently as it used to.
func TestREADMESnippetSaysWhenItReconnects(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not installed (scripts/deps.sh installs it)")
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, _ := strings.Cut(string(readme), "it in place with `PYTHONPATH=clients/python/src`:")
	_, rest, _ = strings.Cut(rest, "```python\n")
	snippet, _, ok := strings.Cut(rest, "```")
	if !ok || !strings.Contains(snippet, "scannerd.Client().events(") {
		t.Fatalf("no Python example in README.md: %q", snippet)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, python, "-c", dedent(snippet))
	absent := filepath.Join(t.TempDir(), "absent.sock")
	cmd.Env = append(os.Environ(), "PYTHONPATH=src", "PYTHONDONTWRITEBYTECODE=1", "SCANNERD_SOCKET="+absent)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Kill()
		cmd.Wait()
	}()
	line, err := bufio.NewReader(stderr).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "scannerd: ") || !strings.Contains(line, "(reconnecting)") || !strings.Contains(line, "absent.sock") {
		t.Errorf("the README's example with no daemon printed %q (%v), want that it is reconnecting and why", line, err)
	}
}

// dedent removes the indentation of a Markdown list item's code block.
func dedent(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimPrefix(l, "  ")
	}
	return strings.Join(lines, "\n")
}
