package audit

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"image"
	"image/png"
	"math/rand/v2"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/scannerd/scannerd/api/client"
	"github.com/scannerd/scannerd/internal/syncbuf"
	"github.com/scannerd/scannerd/scanner"
)

// plane is a gray image as the decoder sees one: rows of w bytes.
type plane struct {
	w, h int
	pix  []byte
}

func (p *plane) at(x, y int) byte { return p.pix[y*p.w+x] }

// plantedImage is a w×h gray image with no barcode and two planted
// patches: G, 8×8 blocks of random gray levels (at 64,64, 128×64 pixels),
// whose rows and columns are the needles for copies of gray pixels; and B,
// 4×4 blocks of black and white (at 256,64, 256×128 pixels), whose
// binarized rows are the needles for copies of the black-and-white image
// the binarizers make.
func plantedImage(w, h int, seed uint64) *plane {
	rng := rand.New(rand.NewPCG(seed, 99))
	p := &plane{w: w, h: h, pix: make([]byte, w*h)}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			p.pix[y*w+x] = byte(110 + (x+y)%40 + rng.IntN(16)) // a ramp with sensor noise
		}
	}
	for by := 0; by < 8; by++ {
		for bx := 0; bx < 16; bx++ {
			v := byte(30 + rng.IntN(196))
			for y := 0; y < 8; y++ {
				for x := 0; x < 8; x++ {
					p.pix[(64+8*by+y)*w+64+8*bx+x] = v
				}
			}
		}
	}
	for by := 0; by < 32; by++ {
		for bx := 0; bx < 64; bx++ {
			v := byte(235)
			if rng.IntN(2) == 0 {
				v = 20
			}
			for y := 0; y < 4; y++ {
				for x := 0; x < 4; x++ {
					p.pix[(64+4*by+y)*w+256+4*bx+x] = v
				}
			}
		}
	}
	return p
}

func (p *plane) png() []byte {
	var buf bytes.Buffer
	png.Encode(&buf, &image.Gray{Pix: p.pix, Stride: p.w, Rect: image.Rect(0, 0, p.w, p.h)})
	return buf.Bytes()
}

// The views and copies the engine makes of a frame (scanner/decode.go and
// scanner/luminance.go): inverted, turned a quarter counter-clockwise,
// halved by 2×2 box averages, doubled by bilinear interpolation.
func (p *plane) inverted() *plane {
	q := &plane{w: p.w, h: p.h, pix: make([]byte, len(p.pix))}
	for i, v := range p.pix {
		q.pix[i] = 255 - v
	}
	return q
}

func (p *plane) rotated() *plane {
	q := &plane{w: p.h, h: p.w, pix: make([]byte, len(p.pix))}
	for y := 0; y < q.h; y++ {
		for x := 0; x < q.w; x++ {
			q.pix[y*q.w+x] = p.at(p.w-1-y, x)
		}
	}
	return q
}

func (p *plane) halved() *plane {
	q := &plane{w: p.w / 2, h: p.h / 2, pix: make([]byte, p.w/2*(p.h/2))}
	for y := 0; y < q.h; y++ {
		for x := 0; x < q.w; x++ {
			s := uint(p.at(2*x, 2*y)) + uint(p.at(2*x+1, 2*y)) + uint(p.at(2*x, 2*y+1)) + uint(p.at(2*x+1, 2*y+1))
			q.pix[y*q.w+x] = byte((s + 2) / 4)
		}
	}
	return q
}

func (p *plane) doubled() *plane {
	q := &plane{w: 2 * p.w, h: 2 * p.h, pix: make([]byte, 4*len(p.pix))}
	clamp := func(v, hi int) int { return max(0, min(hi-1, v)) }
	for y := 0; y < p.h; y++ {
		for half, dy := range [2]int{-1, 1} {
			oy := clamp(y+dy, p.h)
			for x := 0; x < p.w; x++ {
				l, r := clamp(x-1, p.w), clamp(x+1, p.w)
				c := 9*uint(p.at(x, y)) + 3*uint(p.at(x, oy))
				q.pix[(2*y+half)*q.w+2*x] = byte((c + 3*uint(p.at(l, y)) + uint(p.at(l, oy)) + 8) / 16)
				q.pix[(2*y+half)*q.w+2*x+1] = byte((c + 3*uint(p.at(r, y)) + uint(p.at(r, oy)) + 8) / 16)
			}
		}
	}
	return q
}

// needle is a byte string whose presence in memory means a copy of an
// image outlived its decoding.
type needle struct {
	name  string
	first []byte
}

// grayNeedles takes n bytes from the middle of one row of each band of
// block rows of p in the rectangle r: every row of a band is the same.
func grayNeedles(name string, p *plane, r image.Rectangle, block, n int) []needle {
	var out []needle
	for y := r.Min.Y + block/2; y < r.Max.Y; y += block {
		x := r.Min.X + (r.Dx()-n)/2
		out = append(out, needle{name: fmt.Sprintf("%s row %d", name, y), first: bytes.Clone(p.pix[y*p.w+x : y*p.w+x+n])})
	}
	return out
}

// bitNeedles are one row of each band of block rows of p in r, binarized
// (dark is set) as BitMatrix and BitArray words hold it: bit x%32 of word
// x/32, little-endian words. A single row is a needle, not only a whole
// binarized image: the readers that keep a row between searches must
// clear it too. r.Min.X and r.Dx() are multiples of 32.
func bitNeedles(name string, p *plane, r image.Rectangle, block int, invert bool) []needle {
	var out []needle
	for y := r.Min.Y + block/2; y < r.Max.Y; y += block {
		row := make([]byte, r.Dx()/8)
		for x := r.Min.X; x < r.Max.X; x++ {
			if (p.at(x, y) < 128) != invert {
				i := x - r.Min.X
				row[i/32*4+i%32/8] |= 1 << (i % 8)
			}
		}
		out = append(out, needle{name: fmt.Sprintf("%s bits row %d", name, y), first: row})
	}
	return out
}

// needlesOf are the needles for every copy the engine makes of a frame p
// decoded with every strategy (copies), and for the frame's own pixels
// (direct), named after what holds them.
func needlesOf(what string, p *plane, small bool) (direct, copies []needle) {
	g := image.Rect(64, 64, 64+128, 64+64)    // 8×8 blocks
	b := image.Rect(256, 64, 256+256, 64+128) // 4×4 blocks
	direct = grayNeedles(what+" frame", p, g, 8, 48)
	copies = append(copies, bitNeedles(what+" frame", p, b, 4, false)...)
	copies = append(copies, grayNeedles(what+" inverted copy", p.inverted(), g, 8, 48)...)
	copies = append(copies, bitNeedles(what+" inverted", p, b, 4, true)...)
	rot := p.rotated()
	turn := func(r image.Rectangle) image.Rectangle { return image.Rect(r.Min.Y, p.w-r.Max.X, r.Max.Y, p.w-r.Min.X) }
	copies = append(copies, grayNeedles(what+" turned copy", rot, turn(g), 8, 48)...)
	// The turned copy's rows are the frame's columns as the readers that
	// search columns hold them (bitrow.Columns): these needles find those
	// too, and the inverted ones the inverted pass's columns.
	copies = append(copies, bitNeedles(what+" turned", rot, turn(b), 4, false)...)
	copies = append(copies, bitNeedles(what+" inverted turned", rot, turn(b), 4, true)...)
	if small {
		d := p.doubled()
		copies = append(copies, grayNeedles(what+" doubled copy", d, image.Rect(2*g.Min.X, 2*g.Min.Y, 2*g.Max.X, 2*g.Max.Y), 16, 64)...)
	} else {
		h := p.halved()
		half := func(r image.Rectangle) image.Rectangle { return image.Rect(r.Min.X/2, r.Min.Y/2, r.Max.X/2, r.Max.Y/2) }
		copies = append(copies, grayNeedles(what+" halved copy", h, half(g), 4, 32)...)
		copies = append(copies, bitNeedles(what+" halved", h, half(b), 2, false)...)
	}
	return direct, copies
}

// encodedNeedles are pieces from the middle of an encoded file: away from
// its first and last 8 KiB, which net/http's connection read buffer may
// still hold (docs/api.md says so).
func encodedNeedles(name string, data []byte) []needle {
	var out []needle
	for _, f := range []int{2, 3, 4} {
		i := len(data) * f / 6
		out = append(out, needle{name: fmt.Sprintf("%s bytes at %d", name, i), first: bytes.Clone(data[i : i+32])})
	}
	return out
}

// needleIndex finds many needles in one pass over memory: each is keyed
// by 8 of its bytes that start with two non-zero ones, so that the zeros
// most memory holds pass the first test quickly.
type needleIndex struct {
	pairs [1 << 16]bool
	keys  map[uint64][]keyed
}

type keyed struct {
	n   *needle
	off int
}

func newNeedleIndex(needles []needle) *needleIndex {
	x := &needleIndex{keys: map[uint64][]keyed{}}
	for i := range needles {
		nd := &needles[i]
		off := 0
		for off+8 < len(nd.first) && (nd.first[off] == 0 || nd.first[off+1] == 0) {
			off++
		}
		key := binary.LittleEndian.Uint64(nd.first[off:])
		x.pairs[binary.LittleEndian.Uint16(nd.first[off:])] = true
		x.keys[key] = append(x.keys[key], keyed{nd, off})
	}
	return x
}

func (x *needleIndex) search(buf []byte, hits map[string]int) {
	for i := 0; i+8 <= len(buf); i++ {
		if !x.pairs[binary.LittleEndian.Uint16(buf[i:])] {
			continue
		}
		for _, k := range x.keys[binary.LittleEndian.Uint64(buf[i:])] {
			at, nd := i-k.off, k.n
			if at >= 0 && at+len(nd.first) <= len(buf) && bytes.Equal(buf[at:at+len(nd.first)], nd.first) {
				hits[nd.name]++
			}
		}
	}
}

// memoryHits searches the writable memory of process pid for the needles
// and returns the names of those found, with how often.
func memoryHits(t *testing.T, pid int, needles []needle) (map[string]int, int64) {
	maps, err := os.Open(fmt.Sprintf("/proc/%d/maps", pid))
	if err != nil {
		t.Fatal(err)
	}
	defer maps.Close()
	mem, err := os.Open(fmt.Sprintf("/proc/%d/mem", pid))
	if err != nil {
		t.Skipf("cannot read the memory of process %d: %v", pid, err)
	}
	defer mem.Close()
	index := newNeedleIndex(needles)
	hits := map[string]int{}
	var scanned int64
	sc := bufio.NewScanner(maps)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 2 || f[1][0] != 'r' || f[1][1] != 'w' || (len(f) >= 6 && strings.HasPrefix(f[5], "[v")) {
			continue
		}
		lo, hi, _ := strings.Cut(f[0], "-")
		start, _ := strconv.ParseUint(lo, 16, 64)
		end, _ := strconv.ParseUint(hi, 16, 64)
		buf := make([]byte, end-start)
		n, _ := mem.ReadAt(buf, int64(start))
		scanned += int64(n)
		index.search(buf[:n], hits)
	}
	return hits, scanned
}

// TestNoPixelsStayInMemory has a real scannerd decode images with planted
// pixel patterns and no barcode, so that every strategy runs on them (the
// inverted, turned, halved and doubled copies, and the binarized images of
// each): a large one dropped into its directory and a small one uploaded
// to its socket twice, read for every symbology and for QR Code alone.
// One second after the last decode, it searches all of scannerd's
// writable memory for the planted gray rows and columns, the binarized
// rows and columns (as a BitMatrix, a reader's kept row or the readers
// that search columns hold them), in every form the engine derives, and
// for pieces of the encoded files. None may be found.
func TestNoPixelsStayInMemory(t *testing.T) {
	if !scanner.ErasesDecoderMemory {
		// The image decoders' own buffers (rows, the inflate window, the
		// decoded image) and gozxing's reversed DataBar rows are erased
		// only in a build with runtime/secret.
		t.Skip("this build does not erase decoder memory: build with GOEXPERIMENT=runtimesecret, as make test does")
	}
	t.Parallel()
	l := newLTSD(t, "-type", "scan", "-scans", "100000", "-period", "month")
	l.start(t)
	// Every symbology, the readers off by default among them (Han Xin,
	// DX film edge, DotCode, the postal codes: some keep binarized rows
	// or columns between frames).
	d := newDevice(t, l, "feedf00dfeedf00dfeedf00dfeedf00d", "try_harder = true\ntry_inverted = true\ntry_rotated = true\nsymbologies = \"all\"\n")
	var log syncbuf.Buffer
	s := d.start(t, &log)
	s.ready(t)
	waitAuthorized(t, s)

	large, small := plantedImage(1200, 800, 1), plantedImage(640, 360, 2)
	largePNG, smallPNG := large.png(), small.png()
	drop(t, d.drop, "planted.png", largePNG)
	waitDecoded(t, s, 1)
	// Every symbology, then QR Code alone: with no row reader, no step of
	// the turned pass binarizes its view, and the wipe of its bitmap does.
	for i, syms := range [][]string{{"all"}, {"QR_CODE"}} {
		dec, err := s.api.Decode(context.Background(), bytes.NewReader(smallPNG), client.DecodeOptions{TryHarder: true, Symbologies: syms})
		if err != nil || len(dec.Results) != 0 {
			t.Fatalf("upload with %v: %+v %v", syms, dec, err)
		}
		waitDecoded(t, s, uint64(2+i))
	}
	// The moment the audit looks: a second after the last decode, and
	// once the collection the daemon runs after decodes (scrub) has run
	// since it, which on a loaded machine can come later.
	time.Sleep(time.Second)
	waitScrubbed(t, &log, 3)

	ld, lc := needlesOf("dropped", large, false)
	sd, smc := needlesOf("uploaded", small, true)
	needles := append(append(append(lc, smc...), ld...), sd...)
	needles = append(needles, encodedNeedles("dropped file", largePNG)...)
	needles = append(needles, encodedNeedles("upload", smallPNG)...)
	hits, scanned := memoryHits(t, s.cmd.Process.Pid, needles)
	for name, n := range hits {
		t.Errorf("%s found %d times in scannerd's memory", name, n)
	}
	t.Logf("%d needles searched in %d MiB of scannerd's memory, %d found", len(needles), scanned>>20, len(hits))
	s.stop(t)
}

func waitAuthorized(t *testing.T, s *scannerd) {
	deadline := time.Now().Add(30 * time.Second)
	for s.license(t).State != "authorized" {
		if time.Now().After(deadline) {
			t.Fatalf("not authorized: %+v", s.license(t))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitDecoded waits until the engine has decoded n frames.
// waitScrubbed waits until scannerd's log (at debug level) says it ran
// its collection after decodes with at least n frames done.
func waitScrubbed(t *testing.T, log *syncbuf.Buffer, n uint64) {
	re := regexp.MustCompile(`memory scrubbed.*frames[=":]+([0-9]+)`)
	deadline := time.Now().Add(60 * time.Second)
	for {
		for _, m := range re.FindAllStringSubmatch(log.String(), -1) {
			if k, err := strconv.ParseUint(m[1], 10, 64); err == nil && k >= n {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("scannerd did not log its collection after %d frames", n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func waitDecoded(t *testing.T, s *scannerd, n uint64) {
	deadline := time.Now().Add(60 * time.Second)
	for {
		st, err := s.api.Status(context.Background())
		if err == nil && st.Engine.Decoded >= n && st.Engine.Busy == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("engine decoded %d of %d frames: %v", st.Engine.Decoded, n, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
