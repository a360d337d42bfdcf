package python

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/jpeg"
	"slices"
	"sync"
	"time"

	"github.com/scannerd/scannerd/api"
	"github.com/scannerd/scannerd/api/apitype"
)

// setupState is the stand-in daemon's setup page side: a preview that
// is on or off, and cam0's settings in a 640×480 frame.
type setupState struct {
	mu      sync.Mutex
	preview api.PreviewState
	cam0    api.SetupSource
}

var (
	_ api.Previewer  = (*daemon)(nil)
	_ api.Configurer = (*daemon)(nil)
)

func (d *daemon) Preview() api.PreviewState {
	d.setup.mu.Lock()
	defer d.setup.mu.Unlock()
	return d.setup.preview
}

func (d *daemon) SetPreview(_ context.Context, _ api.Peer, s api.PreviewSettings) (api.PreviewState, error) {
	d.setup.mu.Lock()
	defer d.setup.mu.Unlock()
	if s.Enabled {
		now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
		dur := s.Duration.D()
		if dur == 0 {
			dur = apitype.DefaultPreviewDuration
		}
		d.setup.preview = api.PreviewState{Enabled: true, Since: now, Until: now.Add(dur), By: "uid=0 pid=1"}
	} else {
		d.setup.preview = api.PreviewState{StopReason: apitype.PreviewSwitchedOff}
	}
	return d.setup.preview, nil
}

// PreviewFrame is a gray 64×48 JPEG while the preview is on.
func (d *daemon) PreviewFrame(context.Context, string) ([]byte, error) {
	if !d.Preview().Enabled {
		return nil, fmt.Errorf("%w: switch it on first", api.ErrPreviewOff)
	}
	var b bytes.Buffer
	err := jpeg.Encode(&b, image.NewGray(image.Rect(0, 0, 64, 48)), nil)
	return b.Bytes(), err
}

func (d *daemon) Setup() api.Setup {
	d.setup.mu.Lock()
	defer d.setup.mu.Unlock()
	src := d.setup.cam0
	src.Source, src.Width, src.Height = "cam0", 640, 480
	if src.Region == nil {
		src.Region = []int{}
	}
	if src.Symbologies == nil {
		src.Symbologies = []string{"QR_CODE"}
	}
	all := []string{"QR_CODE", "EAN_13", "CODE_128"}
	return api.Setup{File: "/var/lib/scannerd/setup.toml", Sources: []api.SetupSource{src}, Symbologies: all, Default: all[:1]}
}

func (d *daemon) SaveSetup(_ context.Context, _ api.Peer, s api.SourceSetup) (api.Setup, error) {
	if r := s.Region; len(r) == 4 && (r[0]+r[2] > 640 || r[1]+r[3] > 480) {
		return api.Setup{}, fmt.Errorf("%w: region %v reaches outside the 640×480 frame", api.ErrBadSetup, r)
	}
	for _, sym := range s.Symbologies {
		if !slices.Contains([]string{"QR_CODE", "EAN_13", "CODE_128"}, sym) {
			return api.Setup{}, fmt.Errorf("%w: unknown symbology %q", api.ErrBadSetup, sym)
		}
	}
	d.setup.mu.Lock()
	d.setup.cam0 = api.SetupSource{Region: s.Region, Symbologies: s.Symbologies, Saved: true}
	d.setup.mu.Unlock()
	return d.Setup(), nil
}
