package main

import (
	"context"
	"fmt"
	"slices"

	"github.com/scannerd/scannerd/api"
	"github.com/scannerd/scannerd/internal/conf"
	"github.com/scannerd/scannerd/scanner"
)

var (
	_ api.Previewer  = apiDaemon{}
	_ api.Configurer = apiDaemon{}
)

// Preview returns the setup page's preview state.
func (a apiDaemon) Preview() api.PreviewState { return a.d.preview.State() }

// SetPreview switches the preview on or off.
func (a apiDaemon) SetPreview(_ context.Context, peer api.Peer, s api.PreviewSettings) (api.PreviewState, error) {
	return a.d.preview.Set(s.Enabled, s.Duration.D(), fmt.Sprintf("uid=%d pid=%d", peer.UID, peer.PID))
}

// PreviewFrame returns the next decoded frame of source, drawn on, while
// the preview is on.
func (a apiDaemon) PreviewFrame(ctx context.Context, source string) ([]byte, error) {
	return a.d.preview.Frame(ctx, source)
}

// Setup returns the sources' region and symbologies.
func (a apiDaemon) Setup() api.Setup { return a.d.setupState() }

// SaveSetup keeps a source's settings in the setup file and reloads.
func (a apiDaemon) SaveSetup(_ context.Context, _ api.Peer, s api.SourceSetup) (api.Setup, error) {
	if err := a.d.saveSetup(s); err != nil {
		return api.Setup{}, err
	}
	return a.d.setupState(), nil
}

// frameSize returns the size of source's latest decoded frame, or zeros.
func (d *daemon) frameSize(source string) (w, h int) {
	if v, ok := d.frameSizes.Load(source); ok {
		sz := v.([2]int)
		return sz[0], sz[1]
	}
	return 0, 0
}

// symbologyNames names each symbology of set.
func symbologyNames(set scanner.SymbologySet) []string {
	all := set.All()
	out := make([]string, len(all))
	for i, s := range all {
		out[i] = s.String()
	}
	return out
}

func (d *daemon) setupState() api.Setup {
	cfg := d.cfg.Load()
	out := api.Setup{File: cfg.setupPath(), Sources: []api.SetupSource{},
		Symbologies: symbologyNames(scanner.AllSymbologies()), Default: symbologyNames(scanner.DefaultSymbologies())}
	for i := range cfg.Sources {
		spec := &cfg.Sources[i]
		syms := scanner.DefaultSymbologies()
		if o, err := spec.Options(); err == nil && o.Symbologies != 0 {
			syms = o.Symbologies
		}
		w, h := d.frameSize(spec.Name)
		out.Sources = append(out.Sources, api.SetupSource{Source: spec.Name, Region: cmpOrEmpty(spec.Region),
			Symbologies: symbologyNames(syms), Width: w, Height: h, Saved: slices.Contains(cfg.setupSources, spec.Name)})
	}
	return out
}

func cmpOrEmpty(r []int) []int {
	if r == nil {
		return []int{}
	}
	return slices.Clone(r)
}

// saveSetup checks a source's new settings against the source (its latest
// frame, the symbologies the daemon reads) and against the whole
// configuration as the next load will see it, then replaces the setup
// file and reloads. A refusal wraps api.ErrBadSetup and changes nothing.
func (d *daemon) saveSetup(s api.SourceSetup) error {
	d.setupMu.Lock()
	defer d.setupMu.Unlock()
	if len(s.Symbologies) > 0 {
		if _, err := scanner.ParseSymbologyItems(s.Symbologies); err != nil {
			return fmt.Errorf("%w: %w", api.ErrBadSetup, err)
		}
	}
	if r := s.Region; len(r) > 0 {
		w, h := d.frameSize(s.Source)
		switch {
		case w == 0:
			return fmt.Errorf("%w: no frame of %s has been decoded yet, so the region cannot be checked against its size", api.ErrBadSetup, s.Source)
		case r[0]+r[2] > w || r[1]+r[3] > h:
			return fmt.Errorf("%w: region [%d, %d, %d, %d] reaches outside the %d×%d frame of %s", api.ErrBadSetup, r[0], r[1], r[2], r[3], w, h, s.Source)
		}
	}
	cfg := d.cfg.Load()
	path := cfg.setupPath()
	old, err := readSetupFile(path)
	if err != nil {
		return err
	}
	sf := &setupFile{}
	if old != nil {
		if sf, err = parseSetupFile(path, old); err != nil {
			return err
		}
	}
	data, err := sf.with(setupEntry{Name: s.Source, Region: s.Region, Symbologies: conf.List(s.Symbologies)}).encode()
	if err != nil {
		return err
	}
	// The configuration as the reload will load it, checked first.
	next, _, err := loadConfig(d.configPath, data)
	if err != nil {
		return fmt.Errorf("%w: %w", api.ErrBadSetup, err)
	}
	// A setting the load would leave out is refused here, where someone
	// is there to see it.
	for _, w := range next.setupWarnings {
		if w.Source == s.Source && w.Setting != "" {
			return fmt.Errorf("%w: %w", api.ErrBadSetup, w.Err)
		}
	}
	if !slices.Contains(next.setupSources, s.Source) {
		return fmt.Errorf("%w: the configuration file has no source named %q now", api.ErrBadSetup, s.Source)
	}
	if err := writeFileAtomic(path, data, 0o640); err != nil {
		return fmt.Errorf("save setup file: %w", err)
	}
	if err := d.reload(); err != nil {
		return fmt.Errorf("saved in %s, but the reload failed: %w", path, err)
	}
	return nil
}
