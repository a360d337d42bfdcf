package capture

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/scannerd/scannerd/internal/symbols"
	"github.com/scannerd/scannerd/scanner"
)

// DemoConfig sets up the synthetic camera.
type DemoConfig struct {
	Name          string
	Width, Height int     // default 1280×720
	FPS           float64 // default 15
	Seed          uint64  // 0: a fixed default, so runs repeat
	// Labels on screen at once (default 3).
	Labels int
	// LabelFrames is how many frames a label stays before it shows a new
	// code (default: 3 to 5 seconds' worth).
	LabelFrames int
}

// Demo is a synthetic camera: labels carrying barcodes of several
// symbologies drift across a shaded background with sensor noise. Each
// label shows a new code after a few seconds, so a daemon on the demo
// source delivers a steady stream of scans with no hardware at all.
type Demo struct {
	cfg   DemoConfig
	clock func() time.Time
	rng   *rand.Rand

	background []byte
	noise      [][]int8
	labels     []*label
	serial     int
	seq        uint64
	next       time.Time
	// pace keeps the frame rate: the time now, and a wait that ends early
	// when the context does. They are the real ones but in tests.
	pace struct {
		now  func() time.Time
		wait func(ctx context.Context, d time.Duration) error
	}
}

// waitFor waits for d or until ctx is done.
func waitFor(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

type label struct {
	pix        []byte
	w, h       int
	x, y       float64
	vx, vy     float64
	framesLeft int
	text       string
	sym        scanner.Symbology
}

var _ Source = (*Demo)(nil)

// demoKinds are the symbologies the demo shows, in turn.
var demoKinds = []scanner.Symbology{
	scanner.QRCode, scanner.Code128, scanner.EAN13, scanner.DataMatrix,
	scanner.Code39, scanner.UPCA, scanner.ITF, scanner.EAN8,
}

// The demo camera's frame size when the spec sets none.
const (
	DefaultDemoWidth  = 1280
	DefaultDemoHeight = 720
)

// NewDemo returns a demo camera, not yet open.
func NewDemo(cfg DemoConfig, clock func() time.Time) *Demo {
	if cfg.Width <= 0 || cfg.Height <= 0 {
		cfg.Width, cfg.Height = DefaultDemoWidth, DefaultDemoHeight
	}
	if cfg.FPS <= 0 {
		cfg.FPS = 15
	}
	if cfg.Labels <= 0 {
		cfg.Labels = 3
	}
	if cfg.Name == "" {
		cfg.Name = "demo"
	}
	if clock == nil {
		clock = time.Now
	}
	d := &Demo{cfg: cfg, clock: clock}
	d.pace.now, d.pace.wait = time.Now, waitFor
	return d
}

// Open prepares the background and noise and places the first labels.
func (d *Demo) Open(ctx context.Context) error {
	seed := d.cfg.Seed
	if seed == 0 {
		seed = 2026
	}
	d.rng = rand.New(rand.NewPCG(seed, seed^0x5ca77e4d))
	w, h := d.cfg.Width, d.cfg.Height
	d.background = make([]byte, w*h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			// A lit table top: brighter in the middle, darker at the edges.
			dx, dy := float64(x-w/2)/float64(w), float64(y-h/2)/float64(h)
			d.background[y*w+x] = uint8(150 - 90*(dx*dx+dy*dy))
		}
	}
	d.noise = make([][]int8, 4)
	for i := range d.noise {
		d.noise[i] = make([]int8, w*h)
		for j := range d.noise[i] {
			d.noise[i][j] = int8(d.rng.IntN(17) - 8)
		}
	}
	d.labels = d.labels[:0]
	for i := 0; i < d.cfg.Labels; i++ {
		l, err := d.newLabel(i)
		if err != nil {
			return err
		}
		d.labels = append(d.labels, l)
	}
	d.next = time.Time{}
	return nil
}

// newLabel renders the next code onto a label in slot i of the screen.
func (d *Demo) newLabel(slot int) (*label, error) {
	sym := demoKinds[d.serial%len(demoKinds)]
	d.serial++
	text := demoText(sym, d.serial)
	s, err := symbols.Encode(sym, text)
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	module, tilt := 4.0, 1.0
	if !sym.Is2D() {
		module, tilt = 2.5, 3
	}
	angle := (d.rng.Float64()*2 - 1) * tilt
	q := float64(s.Quiet())
	lw := int(math.Ceil((float64(s.Width)+2*q)*module)) + 8
	lh := int(math.Ceil((float64(s.Height)+2*q)*module)) + 8
	c := symbols.NewCanvas(lw, lh, 235)
	c.Draw(s, symbols.Placement{CX: float64(lw) / 2, CY: float64(lh) / 2, Module: module, Angle: angle, Dark: 25, Light: 235})
	w, h := d.cfg.Width, d.cfg.Height
	slotW := w / d.cfg.Labels
	frames := d.cfg.LabelFrames
	if frames <= 0 {
		frames = int(d.cfg.FPS*3) + d.rng.IntN(int(d.cfg.FPS*2)+1)
	}
	l := &label{pix: c.Pix, w: lw, h: lh, text: text, sym: sym,
		x:          float64(slot*slotW) + float64(max(0, slotW-lw))/2,
		y:          float64(max(0, h-lh)) * d.rng.Float64(),
		vx:         (d.rng.Float64()*2 - 1) * 1.5,
		vy:         (d.rng.Float64()*2 - 1) * 2.5,
		framesLeft: frames,
	}
	return l, nil
}

// demoText makes a valid payload for sym numbered n.
func demoText(sym scanner.Symbology, n int) string {
	switch sym {
	case scanner.EAN13:
		return withCheckDigit(fmt.Sprintf("400638%06d", n%1000000))
	case scanner.EAN8:
		return withCheckDigit(fmt.Sprintf("9638%03d", n%1000))
	case scanner.UPCA:
		return withCheckDigit(fmt.Sprintf("03600%06d", n%1000000))
	case scanner.ITF:
		return fmt.Sprintf("%014d", 10712345000000+int64(n))
	case scanner.Code39:
		return fmt.Sprintf("DEMO-%05d", n)
	case scanner.QRCode:
		return fmt.Sprintf("https://scannerd.example/demo/%d", n)
	case scanner.Code128:
		return fmt.Sprintf("SD%08d", n)
	}
	return fmt.Sprintf("scannerd demo %s #%d", sym, n)
}

// withCheckDigit appends the GS1 mod-10 check digit.
func withCheckDigit(digits string) string {
	sum := 0
	for i := len(digits) - 1; i >= 0; i-- {
		v := int(digits[i] - '0')
		if (len(digits)-1-i)%2 == 0 {
			v *= 3
		}
		sum += v
	}
	return digits + string(rune('0'+(10-sum%10)%10))
}

// Read waits for the next frame time and renders the frame.
func (d *Demo) Read(ctx context.Context, pool *scanner.PlanePool) (*scanner.Frame, error) {
	if d.background == nil {
		return nil, fmt.Errorf("read %s: demo not open", d.cfg.Name)
	}
	now := d.pace.now()
	if d.next.IsZero() {
		d.next = now
	}
	if wait := d.next.Sub(now); wait > 0 {
		if err := d.pace.wait(ctx, wait); err != nil {
			return nil, err
		}
	}
	d.next = d.next.Add(time.Duration(float64(time.Second) / d.cfg.FPS))
	if now := d.pace.now(); now.Sub(d.next) > time.Second {
		d.next = now // fell far behind: do not try to catch up
	}

	w, h := d.cfg.Width, d.cfg.Height
	f := pool.Get(w, h)
	copy(f.Pix, d.background)
	for i, l := range d.labels {
		d.blit(f.Pix, l)
		d.move(l)
		if l.framesLeft--; l.framesLeft <= 0 {
			nl, err := d.newLabel(i)
			if err != nil {
				f.Purge()
				return nil, err
			}
			d.labels[i] = nl
		}
	}
	noise := d.noise[d.seq%uint64(len(d.noise))]
	for i, v := range f.Pix {
		f.Pix[i] = uint8(min(255, max(0, int(v)+int(noise[i]))))
	}
	f.Source, f.Seq, f.CapturedAt = d.cfg.Name, d.seq, d.clock()
	d.seq++
	return f, nil
}

func (d *Demo) blit(dst []byte, l *label) {
	w, h := d.cfg.Width, d.cfg.Height
	x0, y0 := int(l.x), int(l.y)
	for y := max(0, -y0); y < l.h && y0+y < h; y++ {
		xa, xb := max(0, -x0), min(l.w, w-x0)
		if xa >= xb {
			continue
		}
		copy(dst[(y0+y)*w+x0+xa:(y0+y)*w+x0+xb], l.pix[y*l.w+xa:y*l.w+xb])
	}
}

// move drifts a label and bounces it off the frame's edges.
func (d *Demo) move(l *label) {
	l.x += l.vx
	l.y += l.vy
	if maxX := float64(d.cfg.Width - l.w); l.x < 0 || l.x > maxX {
		l.vx = -l.vx
		l.x = math.Max(0, math.Min(l.x, maxX))
	}
	if maxY := float64(d.cfg.Height - l.h); l.y < 0 || l.y > maxY {
		l.vy = -l.vy
		l.y = math.Max(0, math.Min(l.y, maxY))
	}
}

// Showing returns the codes on screen now, for tests.
func (d *Demo) Showing() map[string]scanner.Symbology {
	out := map[string]scanner.Symbology{}
	for _, l := range d.labels {
		out[l.text] = l.sym
	}
	return out
}

// Close drops the rendered images.
func (d *Demo) Close() error {
	clear(d.background)
	d.background = nil
	d.labels = nil
	return nil
}
