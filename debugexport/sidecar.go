package debugexport

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/png"
	"os"
	"time"

	"github.com/scannerd/scannerd/scanner"
)

// Sidecar describes an exported frame: NAME.json beside NAME.png.
type Sidecar struct {
	Image      string          `json:"image"`
	Source     string          `json:"source"`
	Frame      uint64          `json:"frame"`
	Width      int             `json:"width"`
	Height     int             `json:"height"`
	CapturedAt time.Time       `json:"captured_at"`
	DecodedAt  time.Time       `json:"decoded_at"`
	Options    SidecarOptions  `json:"options"`
	Results    []SidecarResult `json:"results"`
	Passes     []SidecarPass   `json:"passes"`
	Candidates int             `json:"candidates"`
	// Proposals are the regions the decoder looked at closely, each
	// x, y, width, height in frame pixels.
	Proposals [][4]int `json:"proposals,omitempty"`
}

// SidecarOptions are the engine options the frame was decoded with.
type SidecarOptions struct {
	Symbologies   string `json:"symbologies"`
	TryHarder     bool   `json:"try_harder"`
	TryInverted   bool   `json:"try_inverted"`
	TryRotated    bool   `json:"try_rotated"`
	ExpectedCount int    `json:"expected_count"`
	Region        []int  `json:"region,omitempty"` // x, y, width, height
}

// SidecarResult is one barcode read in the frame.
type SidecarResult struct {
	Symbology   string        `json:"symbology"`
	Text        string        `json:"text"`
	AddOn       string        `json:"addon,omitempty"`
	Points      [4][2]float64 `json:"points"`
	SymbologyID string        `json:"symbology_id,omitempty"`
	Strategy    string        `json:"strategy"`
}

// SidecarPass is one decode strategy's run.
type SidecarPass struct {
	Name       string  `json:"name"`
	DurationMS float64 `json:"duration_ms"`
	Found      int     `json:"found"`
}

func newSidecar(image string, rep *scanner.FrameReport) Sidecar {
	sc := Sidecar{Image: image, Source: rep.Source, Frame: rep.Seq, Width: rep.Width, Height: rep.Height,
		CapturedAt: rep.CapturedAt, DecodedAt: rep.DecodedAt, Candidates: rep.Candidates,
		Results: []SidecarResult{}, Passes: []SidecarPass{}}
	o := rep.Options
	syms := o.Symbologies
	if syms == 0 {
		syms = scanner.DefaultSymbologies()
	}
	sc.Options = SidecarOptions{Symbologies: syms.String(), TryHarder: o.TryHarder, TryInverted: o.TryInverted,
		TryRotated: o.TryRotated, ExpectedCount: o.ExpectedCount}
	if !o.Region.Empty() {
		sc.Options.Region = []int{o.Region.Min.X, o.Region.Min.Y, o.Region.Dx(), o.Region.Dy()}
	}
	for _, r := range rep.Results {
		sr := SidecarResult{Symbology: r.Symbology.String(), Text: r.Text, AddOn: r.AddOn, SymbologyID: r.SymbologyID, Strategy: r.Strategy}
		for i, p := range r.Points {
			sr.Points[i] = [2]float64{p.X, p.Y}
		}
		sc.Results = append(sc.Results, sr)
	}
	for _, r := range rep.Proposals {
		sc.Proposals = append(sc.Proposals, [4]int{r.Min.X, r.Min.Y, r.Dx(), r.Dy()})
	}
	for _, p := range rep.Passes {
		sc.Passes = append(sc.Passes, SidecarPass{Name: p.Name, DurationMS: float64(p.Duration.Microseconds()) / 1000, Found: p.Found})
	}
	return sc
}

// errAbandoned: the settings changed while the frame was being written.
var errAbandoned = errors.New("debug export frame abandoned")

// writeFrame writes base.png then base.json, each to a temporary name
// first and renamed into place, so a reader never sees half a file and a
// sidecar always has its image; when the sidecar cannot be written the
// image goes too. It stops between steps once the frame is abandoned.
func writeFrame(root *os.Root, base string, s *snapshot) (int64, error) {
	if s.abandon.Load() {
		return 0, errAbandoned
	}
	var img image.Image = &image.Gray{Pix: s.pix, Stride: s.w, Rect: image.Rect(0, 0, s.w, s.h)}
	if s.color {
		rgba := image.NewRGBA(image.Rect(0, 0, s.w, s.h))
		for i, j := 0, 0; i+2 < len(s.pix); i, j = i+3, j+4 {
			rgba.Pix[j], rgba.Pix[j+1], rgba.Pix[j+2], rgba.Pix[j+3] = s.pix[i+2], s.pix[i+1], s.pix[i], 255
		}
		defer clear(rgba.Pix)
		img = rgba
	}
	var buf bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&buf, img); err != nil {
		return 0, fmt.Errorf("encode %s.png: %w", base, err)
	}
	if s.abandon.Load() {
		clear(buf.Bytes())
		return 0, errAbandoned
	}
	n1, err := writeAtomic(root, base+".png", buf.Bytes())
	clear(buf.Bytes())
	if err != nil {
		return 0, err
	}
	side, err := json.MarshalIndent(newSidecar(base+".png", &s.report), "", "  ")
	if err == nil && s.abandon.Load() {
		err = errAbandoned
	}
	var n2 int64
	if err == nil {
		n2, err = writeAtomic(root, base+".json", append(side, '\n'))
	}
	if err != nil {
		root.Remove(base + ".png")
		return 0, err
	}
	return n1 + n2, nil
}

// removeFrame removes a frame's files and their temporary names, those
// that exist.
func removeFrame(root *os.Root, base string) {
	for _, name := range []string{base + ".json", "." + base + ".json.tmp", base + ".png", "." + base + ".png.tmp"} {
		root.Remove(name)
	}
}

func writeAtomic(root *os.Root, name string, data []byte) (int64, error) {
	tmp := "." + name + ".tmp"
	f, err := root.OpenFile(tmp, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o640)
	if err != nil {
		return 0, fmt.Errorf("create %s: %w", name, err)
	}
	w := bufio.NewWriter(f)
	_, err = w.Write(data)
	if err == nil {
		err = w.Flush()
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = root.Rename(tmp, name)
	}
	if err != nil {
		root.Remove(tmp)
		return 0, fmt.Errorf("write %s: %w", name, err)
	}
	return int64(len(data)), nil
}

// ReadSidecar reads and checks a sidecar file.
func ReadSidecar(path string) (*Sidecar, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var sc Sidecar
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&sc); err != nil {
		return nil, fmt.Errorf("%s: not a debug export sidecar: %w", path, err)
	}
	if sc.Width <= 0 || sc.Height <= 0 {
		return nil, fmt.Errorf("%s: sidecar without image size", path)
	}
	return &sc, nil
}
