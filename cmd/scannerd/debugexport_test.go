package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scannerd/scannerd/api"
	"github.com/scannerd/scannerd/api/apitype"
	"github.com/scannerd/scannerd/api/client"
	"github.com/scannerd/scannerd/api/openapitest"
)

// TestDebugExportOnWhileOn: over the daemon's socket, turning the debug
// export on while it is on answers 409 debug_export_on and leaves the
// running export as it was; once off, it may be turned on elsewhere. The
// audit log records a change only for the requests that changed the
// settings, not for refusals or for turning off an export that is off.
func TestDebugExportOnWhileOn(t *testing.T) {
	dir := t.TempDir()
	socket := filepath.Join(dir, "s.sock")
	_, _, logs := startMain(t, fmt.Sprintf(`
[api]
socket = %q
socket_group = "none"
admin_group = "none"
[debug_export]
root = %q
[[source]]
name = "demo"
url = "demo"
fps = 5
`, socket, dir))
	c := openapitest.NewClient(t, socket)
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	first, err := c.SetDebugExport(ctx, api.DebugExportSettings{Enabled: true, Dir: filepath.Join(dir, "first"), Frames: api.FramesFailed})
	if err != nil {
		t.Fatal(err)
	}
	second := filepath.Join(dir, "second")
	_, err = c.SetDebugExport(ctx, api.DebugExportSettings{Enabled: true, Dir: second, Frames: api.FramesAll})
	var apiErr *client.Error
	if !errors.Is(err, apitype.ErrDebugExportOn) || !errors.As(err, &apiErr) || apiErr.Status != 409 || apiErr.Code != "debug_export_on" {
		t.Fatalf("on while on: %v", err)
	}
	if _, serr := os.Stat(second); !errors.Is(serr, os.ErrNotExist) {
		t.Errorf("the refused directory was created: %v", serr)
	}
	if st, err := c.DebugExport(ctx); err != nil || st.DebugExportSettings != first.DebugExportSettings || !st.Enabled {
		t.Errorf("after the refusal: %+v %v, want %+v", st, err, first)
	}
	// A directory that is a symbolic link leading out of the root.
	os.Symlink("/", filepath.Join(dir, "link"))
	if _, err := c.SetDebugExport(ctx, api.DebugExportSettings{}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.SetDebugExport(ctx, api.DebugExportSettings{}); err != nil { // off while off
		t.Fatal(err)
	}
	if _, err := c.SetDebugExport(ctx, api.DebugExportSettings{Enabled: true, Dir: filepath.Join(dir, "link", "x")}); !errors.Is(err, apitype.ErrBadSettings) {
		t.Errorf("a symbolic link out of the root: %v", err)
	}
	if st, err := c.SetDebugExport(ctx, api.DebugExportSettings{Enabled: true, Dir: second}); err != nil || st.Dir != second {
		t.Errorf("on after off: %+v %v", st, err)
	}
	// on, off, on again: three changes.
	if n := strings.Count(logs.String(), "debug export settings changed"); n != 3 {
		t.Errorf("%d changes logged, want 3 (on, off, on)\n%s", n, logs.String())
	}
}
