package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"

	"github.com/spf13/pflag"

	"github.com/scannerd/scannerd/api/apitype"
	"github.com/scannerd/scannerd/api/client"
	"github.com/scannerd/scannerd/internal/cli"
)

// socketEnv names the environment variable that overrides the default
// socket path; --socket overrides both.
const socketEnv = "SCANNERD_SOCKET"

// daemonFlags are the flags every daemon command takes.
type daemonFlags struct {
	socket string
	json   bool
	getenv func(string) string
}

// addDaemonFlags adds --socket and, when withJSON, --json to fs.
func (m *Main) addDaemonFlags(fs *pflag.FlagSet, withJSON bool) *daemonFlags {
	df := &daemonFlags{getenv: m.Getenv}
	fs.StringVar(&df.socket, "socket", "", "daemon socket `PATH` (default $"+socketEnv+", else "+client.DefaultSocket+")")
	if withJSON {
		fs.BoolVar(&df.json, "json", false, "print JSON for scripts (one value per line)")
	}
	return df
}

// socketPath is --socket, else the environment's, else the default.
func (df *daemonFlags) socketPath() string {
	if df.socket != "" {
		return df.socket
	}
	if s := df.getenv(socketEnv); s != "" {
		return s
	}
	return client.DefaultSocket
}

// client connects to the daemon the flags name.
func (df *daemonFlags) client() *client.Client { return client.New(df.socketPath()) }

// fail reports err and returns the exit code scripts branch on.
func (m *Main) fail(cmd string, err error) int {
	code := exitCode(err)
	msg := err.Error()
	switch {
	case code == exitNoDaemon && errors.Is(err, os.ErrPermission):
		code = exitRefused
		msg += " (" + socketGroupHint(err) + ")"
	case code == exitNoDaemon:
		msg += " (is scannerd running? set --socket or " + socketEnv + ")"
	}
	fmt.Fprintf(m.Stderr, "scanctl %s: %s\n", cmd, oneLine(msg))
	return code
}

// socketGroupHint says which group a socket that refused this user admits,
// read from the socket or, when its directory hides it, the directory.
func socketGroupHint(err error) string {
	const unknown = "is your user in the socket's group?"
	var op *net.OpError
	if !errors.As(err, &op) || op.Addr == nil {
		return unknown
	}
	path := op.Addr.String()
	fi, statErr := os.Stat(path)
	if statErr != nil {
		fi, statErr = os.Stat(filepath.Dir(path))
	}
	if statErr != nil {
		return unknown
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return unknown
	}
	if st.Gid == 0 {
		// The daemon found no group to give the socket (no scannerd
		// group): joining root's group would hand out far more than
		// the socket, so never advise it.
		return "the socket admits only root's group: use sudo, or give the socket a group of its own (socket_group in scannerd.toml's [api] section, default scannerd)"
	}
	g, lookErr := user.LookupGroupId(strconv.FormatUint(uint64(st.Gid), 10))
	if lookErr != nil {
		return fmt.Sprintf("the socket admits group id %d: add your user to it, or use sudo", st.Gid)
	}
	return fmt.Sprintf("the socket admits the group %s: sudo usermod -aG %s $USER and log in again, or use sudo", g.Name, g.Name)
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
	case errors.Is(err, apitype.ErrForbidden), errors.Is(err, apitype.ErrLicenseRefused), errors.Is(err, apitype.ErrSyncRefused),
		errors.Is(err, apitype.ErrBrowserRequest), errors.Is(err, apitype.ErrNoCredentials):
		return exitRefused
	}
	return exitFailure
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
			fmt.Fprintf(w, "%s: %s\n", k, oneLine(s))
			continue
		}
		fmt.Fprintf(w, "%s: %s\n", k, m[k])
	}
}

// oneLine makes decoded text or a file name printable on one line of a
// terminal (see cli.OneLine): a barcode or a file name cannot send an
// escape sequence to the terminal.
func oneLine(s string) string { return cli.OneLine(s) }

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
