package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/scannerd/scannerd/api/apitype"
	"github.com/scannerd/scannerd/api/client"
)

// socketEnv names the environment variable that overrides the default
// socket path; --socket overrides both.
const socketEnv = "SCANNERD_SOCKET"

// daemonFlags are the flags every daemon command takes.
type daemonFlags struct {
	socket string
	json   bool
}

// newDaemonFlagSet returns a flag set with --socket and, when withJSON,
// --json.
func (m *Main) newDaemonFlagSet(name, usage string, withJSON bool) (*flag.FlagSet, *daemonFlags) {
	var df daemonFlags
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	fs.Usage = func() {
		fmt.Fprint(m.Stderr, usage)
		fs.PrintDefaults()
	}
	def := m.Getenv(socketEnv)
	if def == "" {
		def = client.DefaultSocket
	}
	fs.StringVar(&df.socket, "socket", def, "daemon socket `path` (default from "+socketEnv+")")
	if withJSON {
		fs.BoolVar(&df.json, "json", false, "print JSON for scripts")
	}
	return fs, &df
}

// parseFlags parses interleaved flags; ok is false with the exit code to
// return when the command should stop.
func parseFlags(fs *flag.FlagSet, args []string) (rest []string, code int, ok bool) {
	rest, err := parseInterleaved(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		return nil, exitOK, false
	}
	if err != nil {
		return nil, exitUsage, false
	}
	return rest, exitOK, true
}

// parseNoArgs parses the flags of a command that takes no arguments.
func parseNoArgs(fs *flag.FlagSet, args []string) (code int, ok bool) {
	rest, code, ok := parseFlags(fs, args)
	if ok && len(rest) > 0 {
		fs.Usage()
		return exitUsage, false
	}
	return code, ok
}

// fail reports err and returns the exit code scripts branch on.
func (m *Main) fail(cmd string, err error) int {
	code := exitCode(err)
	msg := err.Error()
	switch {
	case code == exitNoDaemon && errors.Is(err, os.ErrPermission):
		code = exitRefused
		msg += " (is your user in the socket's group?)"
	case code == exitNoDaemon:
		msg += " (is scannerd running? set --socket or " + socketEnv + ")"
	}
	fmt.Fprintf(m.Stderr, "scanctl %s: %s\n", cmd, msg)
	return code
}

// exitCode maps an error from the client to an exit code.
func exitCode(err error) int {
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, client.ErrUnreachable):
		return exitNoDaemon
	case errors.Is(err, apitype.ErrTimeout):
		return exitNoResult
	case errors.Is(err, apitype.ErrForbidden), errors.Is(err, apitype.ErrLicenseRefused),
		errors.Is(err, apitype.ErrBrowserRequest), errors.Is(err, apitype.ErrNoCredentials):
		return exitRefused
	}
	return exitFailure
}

// printJSON writes v as one line of JSON.
func printJSON(w io.Writer, v any) {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

// printDocument prints a JSON object as "key: value" lines in key order,
// values other than strings in compact JSON.
func printDocument(w io.Writer, doc json.RawMessage) {
	var m map[string]json.RawMessage
	if json.Unmarshal(doc, &m) != nil {
		fmt.Fprintf(w, "%s\n", doc)
		return
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		var s string
		if json.Unmarshal(m[k], &s) == nil {
			fmt.Fprintf(w, "%s: %s\n", k, s)
			continue
		}
		fmt.Fprintf(w, "%s: %s\n", k, m[k])
	}
}

// oneLine makes decoded text printable on one line.
func oneLine(s string) string {
	return strings.NewReplacer("\n", `\n`, "\r", `\r`, "\t", `\t`).Replace(s)
}

// splitList splits a comma-separated flag value, dropping empty items.
func splitList(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}
