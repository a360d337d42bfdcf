package packaging_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestShellCompletion completes command lines in real bash and fish with
// the completion scripts and binaries the packages install, as a shell on
// the device does: commands, flag values and symbology lists come back.
// (zsh's script goes through the same binary requests; clitest checks it
// parses.)
func TestShellCompletion(t *testing.T) {
	current := debs(t)
	roots := map[string]string{"scanctl": extract(t, current["scannerd"]), "ltsd": extract(t, current["ltsd"])}
	cases := []struct {
		line string // completed at its end
		want []string
	}{
		{"scanctl de", []string{"debug", "decode"}},
		{"scanctl decode --symbologies QR_CODE,EA", []string{"QR_CODE,EAN_13", "QR_CODE,EAN_8"}},
		{"scanctl debug export on --frames ", []string{"all", "decoded", "failed"}},
		{"ltsd ad", []string{"admin"}},
		{"ltsd usage --by ", []string{"day", "month", "year"}},
	}
	complete := map[string]func(t *testing.T, prog, line string) []string{
		"bash": func(t *testing.T, prog, line string) []string {
			const lib = "/usr/share/bash-completion/bash_completion"
			if _, err := os.Stat(lib); err != nil {
				t.Skip("skipping: no bash-completion")
			}
			// What bash sets before it calls a completion function.
			script := `source "$1"; source "$2"; COMP_LINE="$3"; COMP_POINT=${#COMP_LINE}
read -r -a COMP_WORDS <<<"$COMP_LINE"; [[ $COMP_LINE == *" " ]] && COMP_WORDS+=("")
COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); "__start_$4" 2>/dev/null; printf '%s\n' "${COMPREPLY[@]}"`
			return shellLines(t, roots[prog], "bash", "-c", script, "bash", lib,
				filepath.Join(roots[prog], "usr/share/bash-completion/completions", prog), line, prog)
		},
		"fish": func(t *testing.T, prog, line string) []string {
			script := `source $argv[1]; complete --do-complete=$argv[2]`
			out := shellLines(t, roots[prog], "fish", "-c", script,
				filepath.Join(roots[prog], "usr/share/fish/vendor_completions.d", prog+".fish"), line)
			for i, l := range out {
				out[i], _, _ = strings.Cut(l, "\t") // the description
			}
			return out
		},
	}
	for shell, complete := range complete {
		t.Run(shell, func(t *testing.T) {
			need(t, shell)
			t.Parallel()
			for _, tc := range cases {
				prog, _, _ := strings.Cut(tc.line, " ")
				got := complete(t, prog, tc.line)
				slices.Sort(got)
				if !slices.Equal(got, tc.want) {
					t.Errorf("%s: %q completes to %q, want %q", shell, tc.line, got, tc.want)
				}
			}
		})
	}
}

// shellLines runs a shell with the package root's usr/bin first on PATH and
// returns the non-empty lines it prints.
func shellLines(t *testing.T, root string, name string, args ...string) []string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), "PATH="+filepath.Join(root, "usr/bin")+":"+os.Getenv("PATH"), "HOME="+t.TempDir())
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %q: %v", name, args, err)
	}
	return slices.DeleteFunc(strings.Split(string(out), "\n"), func(s string) bool { return s == "" })
}
