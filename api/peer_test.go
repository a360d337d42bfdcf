package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"go.uber.org/goleak"

	"github.com/scannerd/scannerd/api"
)

// The peer helper is this test binary run again as another user: it makes
// one request over the socket and prints the status and body.
const peerHelperEnv = "SCANNERD_API_PEER_HELPER"

func TestMain(m *testing.M) {
	if spec := os.Getenv(peerHelperEnv); spec != "" {
		os.Exit(peerHelper(spec))
	}
	if os.Getenv(activationHelperEnv) != "" {
		os.Exit(activationHelper())
	}
	goleak.VerifyTestMain(m)
}

func peerHelper(spec string) int {
	socket, target, _ := strings.Cut(spec, " ")
	method, path, _ := strings.Cut(target, " ")
	hc := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "unix", socket)
	}}}
	var body io.Reader
	req, _ := http.NewRequest(method, "http://scannerd"+path, body)
	if method == http.MethodPut {
		req.Body = io.NopCloser(strings.NewReader(`{"enabled":false}`))
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := hc.Do(req)
	if err != nil {
		fmt.Println("error", err)
		return 1
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	fmt.Printf("%d %s", resp.StatusCode, b)
	return 0
}

// asUser runs the peer helper as uid/gid and returns its status and body.
func asUser(t *testing.T, bin string, uid, gid uint32, socket, method, path string) (int, string) {
	t.Helper()
	cmd := exec.Command(bin)
	cmd.Env = []string{peerHelperEnv + "=" + socket + " " + method + " " + path}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uid, Gid: gid}}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("helper as uid %d: %v\n%s", uid, err, out)
	}
	status, body, _ := strings.Cut(string(out), " ")
	n, err := strconv.Atoi(status)
	if err != nil {
		t.Fatalf("helper output %q", out)
	}
	return n, body
}

// TestAdminEndpointsRefuseNonAdminPeer runs the client as another user, so
// the kernel's SO_PEERCRED answer decides: the socket group admits it to
// read endpoints; admin endpoints need the admin group.
func TestAdminEndpointsRefuseNonAdminPeer(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to run the client as another user")
	}
	nobody, err := user.Lookup("nobody")
	if err != nil {
		t.Skip("no user nobody")
	}
	uid64, _ := strconv.ParseUint(nobody.Uid, 10, 32)
	gid64, _ := strconv.ParseUint(nobody.Gid, 10, 32)
	uid, gid := uint32(uid64), uint32(gid64)
	group, err := user.LookupGroupId(nobody.Gid)
	if err != nil {
		t.Skipf("no group %s", nobody.Gid)
	}

	// The helper binary and the socket must be reachable by nobody.
	bin := copyTestBinary(t)
	for _, tc := range []struct {
		adminGroup string
		wantAdmin  bool
	}{
		{"root", false}, // nobody is not a member of root
		{group.Name, true},
	} {
		t.Run("admin_group="+tc.adminGroup, func(t *testing.T) {
			ts := startServer(t, withConfig(func(c *api.Config) {
				c.SocketGroup = group.Name
				c.AdminGroup = tc.adminGroup
			}))
			openUp(t, filepath.Dir(ts.socket))
			fi, err := os.Stat(ts.socket)
			if err != nil {
				t.Fatal(err)
			}
			if st := fi.Sys().(*syscall.Stat_t); st.Gid != gid || fi.Mode().Perm() != 0o660 {
				t.Fatalf("socket gid %d mode %v, want gid %d mode 0660", st.Gid, fi.Mode().Perm(), gid)
			}

			if status, body := asUser(t, bin, uid, gid, ts.socket, "GET", "/v1/status"); status != 200 {
				t.Errorf("read endpoint as nobody: %d %s", status, body)
			}
			for _, ep := range []struct{ method, path string }{
				{"POST", "/v1/license/sync"}, {"GET", "/v1/debug/export"}, {"PUT", "/v1/debug/export"},
			} {
				status, body := asUser(t, bin, uid, gid, ts.socket, ep.method, ep.path)
				if tc.wantAdmin {
					if status != 200 {
						t.Errorf("%s %s as admin: %d %s", ep.method, ep.path, status, body)
					}
					continue
				}
				var eb api.ErrorBody
				json.Unmarshal([]byte(body), &eb)
				if status != http.StatusForbidden || eb.Error.Code != "forbidden" {
					t.Errorf("%s %s as non-admin: %d %s, want 403 forbidden", ep.method, ep.path, status, body)
				}
				// The refusal says which group admits and what to do.
				if !strings.Contains(eb.Error.Message, "the group "+tc.adminGroup) || !strings.Contains(eb.Error.Message, "sudo") {
					t.Errorf("%s %s as non-admin: message %q does not name the group %s and sudo", ep.method, ep.path, eb.Error.Message, tc.adminGroup)
				}
			}
			// A snapshot shows what the camera sees: admins only.
			if status, body := asUser(t, bin, uid, gid, ts.socket, "GET", "/v1/snapshot?source=cam0&timeout=1ms"); !tc.wantAdmin && status != http.StatusForbidden {
				t.Errorf("snapshot as non-admin: %d %s", status, body)
			}
			ts.license.mu.Lock()
			syncs := ts.license.syncs
			ts.license.mu.Unlock()
			if want := map[bool]int{false: 0, true: 1}[tc.wantAdmin]; syncs != want {
				t.Errorf("%d syncs ran, want %d", syncs, want)
			}
			if tc.wantAdmin {
				_, peer := ts.export.Last()
				if peer.UID != uid || peer.GID != gid || !peer.Admin || peer.PID <= 0 {
					t.Errorf("exporter was told the peer is %+v, want uid %d gid %d admin", peer, uid, gid)
				}
			}
		})
	}

	t.Run("socket mode keeps others out", func(t *testing.T) {
		ts := startServer(t, withConfig(func(c *api.Config) { c.SocketGroup = "root" }))
		openUp(t, filepath.Dir(ts.socket))
		cmd := exec.Command(bin)
		cmd.Env = []string{peerHelperEnv + "=" + ts.socket + " GET /v1/health"}
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uid, Gid: gid}}
		out, _ := cmd.CombinedOutput()
		if !strings.Contains(string(out), "permission denied") {
			t.Errorf("nobody outside the socket group connected: %s", out)
		}
	})
}

// copyTestBinary puts this test binary where another user can run it.
func copyTestBinary(t *testing.T) string {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	openUp(t, dir)
	dst := filepath.Join(dir, "peer-helper")
	src, err := os.Open(self)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, src); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	return dst
}

// openUp lets other users traverse dir and its parent (the test's
// temporary directories are 0700).
func openUp(t *testing.T, dir string) {
	t.Helper()
	for _, d := range []string{dir, filepath.Dir(dir)} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
}
