package packaging_test

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMakeRun runs make run's script as a user would: results stream in,
// and Ctrl-C (SIGINT to the terminal's process group) stops everything,
// quietly and with exit status 0, leaving no process behind. It runs twice in one SCANNERD_RUN_DIR, as the
// README says the directory is kept for: the second run reuses the LTS and
// the device's enrolment (it used to stop at ltsd init's "lts.key exists").
func TestMakeRun(t *testing.T) {
	need(t, "bash")
	// The packaged binaries: make run's script is what is tested, and the
	// packages are built for the other tests anyway.
	current := debs(t)
	bin := filepath.Join(extract(t, current["scannerd"]), "usr", "bin")
	ltsd := filepath.Join(extract(t, current["ltsd"]), "usr", "bin", "ltsd")
	if err := os.Symlink(ltsd, filepath.Join(bin, "ltsd")); err != nil {
		t.Fatal(err)
	}
	runDir := filepath.Join(t.TempDir(), "run")
	for _, run := range []string{"first", "again"} {
		t.Run(run, func(t *testing.T) { makeRun(t, bin, runDir) })
	}
}

// makeRun runs make run's script in runDir until results stream in, then
// stops it with Ctrl-C.
func makeRun(t *testing.T, bin, runDir string) {
	cmd := exec.Command("bash", "../scripts/run.sh")
	cmd.Env = append(os.Environ(), "BIN="+bin, "SCANNERD_RUN_DIR="+runDir)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // its own group, like a terminal's job
	// Wait returns even if a process left behind still holds the output.
	cmd.WaitDelay = 10 * time.Second
	// The daemons run in sessions of their own: whatever a failure leaves
	// running goes with the test, not with the next run.
	t.Cleanup(func() {
		for _, p := range leftProcesses(runDir, bin+"/") {
			syscall.Kill(p.pid, syscall.SIGKILL)
		}
	})
	stdout, _ := cmd.StdoutPipe()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Its output is read to the end, as a terminal would: a writer
	// blocked on a full pipe could not stop.
	lines, enough := make(chan string), make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-enough:
			}
		}
		close(lines)
	}()
	result := regexp.MustCompile(`^\d\d:\d\d:\d\d\.\d{3} demo [A-Z_0-9]+ \S`)
	deadline := time.After(90 * time.Second)
	got := 0
	for got < 3 {
		select {
		case line, ok := <-lines:
			if !ok {
				cmd.Wait()
				t.Fatalf("make run ended before results:\n%s", stderr.String())
			}
			if result.MatchString(line) {
				got++
			}
		case <-deadline:
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			cmd.Wait()
			t.Fatalf("no results from make run:\n%s", stderr.String())
		}
	}
	close(enough)
	// Ctrl-C.
	syscall.Kill(-cmd.Process.Pid, syscall.SIGINT)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		// A normal stop: exit status 0 (make would say "Error"
		// otherwise), and scanctl watch does not report the daemon
		// shutting down.
		if err != nil {
			t.Errorf("make run stopped by Ctrl-C: %v, want exit status 0:\n%s", err, stderr.String())
		}
		if strings.Contains(stderr.String(), "scanctl watch:") {
			t.Errorf("make run stopped by Ctrl-C reports an error:\n%s", stderr.String())
		}
	case <-time.After(30 * time.Second):
		// What is still running, and where each waits, before it goes.
		left := leftProcesses(runDir, bin+"/", "scripts/run.sh")
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-done
		t.Fatalf("make run did not stop on Ctrl-C within 30 s; still running: %v\n%s\nscannerd.log ends:\n%s\nltsd.log ends:\n%s",
			left, stderr.String(), logEnd(runDir, "scannerd.log"), logEnd(runDir, "ltsd.log"))
	}
	if !strings.Contains(stderr.String(), "stopped.") {
		t.Errorf("no orderly stop:\n%s", stderr.String())
	}
	// Written to a pipe, as into a log: no terminal escapes.
	if strings.Contains(stderr.String(), "\x1b") {
		t.Errorf("terminal escapes in make run's output to a pipe:\n%q", stderr.String())
	}
	// Nothing started by the script is left: no process mentions its
	// scratch directory or runs its binaries (a child the script waited
	// for may still be leaving the process table).
	left := leftProcesses(runDir, bin+"/")
	for deadline := time.Now().Add(10 * time.Second); len(left) > 0 && time.Now().Before(deadline); left = leftProcesses(runDir, bin+"/") {
		time.Sleep(10 * time.Millisecond)
	}
	for _, cl := range left {
		t.Errorf("left running: %s", cl)
	}
}

// leftProcess is a process left running: its pid, and what a failure
// says of it (pid, state, kernel wait, command line).
type leftProcess struct {
	pid  int
	desc string
}

func (p leftProcess) String() string { return p.desc }

// leftProcesses returns the processes whose command lines mention any of
// marks.
func leftProcesses(marks ...string) []leftProcess {
	var out []leftProcess
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, p := range procs {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		for _, m := range marks {
			if strings.Contains(string(b), m) {
				// Its state and the kernel function it waits in, if any.
				dir := filepath.Dir(p)
				pid, _ := strconv.Atoi(filepath.Base(dir))
				stat, _ := os.ReadFile(filepath.Join(dir, "stat"))
				state := ""
				if _, after, ok := strings.Cut(string(stat), ") "); ok && after != "" {
					state = after[:1]
				}
				wchan, _ := os.ReadFile(filepath.Join(dir, "wchan"))
				out = append(out, leftProcess{pid, fmt.Sprintf("%d [%s %s] %s", pid, state, wchan, strings.ReplaceAll(string(b), "\x00", " "))})
				break
			}
		}
	}
	return out
}

// logEnd is the last lines of the log name in dir, for a failure's message.
func logEnd(dir, name string) string {
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		return err.Error()
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-15):], "\n")
}
