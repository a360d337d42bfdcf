//go:build !nocv

package capture_test

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"testing"

	"github.com/scannerd/scannerd/capture"
	"github.com/scannerd/scannerd/scanner"
)

// pngSpec is a PNG built chunk by chunk, for the kinds Go's encoder does
// not write: its rows as raw (unfiltered) bytes, filtered with the five
// filter types in turn.
type pngSpec struct {
	width, height    int
	depth, colorType byte
	plte, trns       []byte
	rows             [][]byte
	interlaced       bool // rows hold 8-bit RGB, written in Adam7 passes
	idatSize         int  // bytes per IDAT chunk; all in one when 0
}

func (s pngSpec) bitsPerPixel() int {
	samples := map[byte]int{0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[s.colorType]
	return int(s.depth) * samples
}

func pngChunk(b *bytes.Buffer, kind string, body []byte) {
	binary.Write(b, binary.BigEndian, uint32(len(body)))
	b.WriteString(kind)
	b.Write(body)
	binary.Write(b, binary.BigEndian, crc32.ChecksumIEEE(append([]byte(kind), body...)))
}

// paethPredict is the Paeth predictor of the PNG specification, 9.4.
func paethPredict(a, b, c byte) byte {
	p := int(a) + int(b) - int(c)
	pa, pb, pc := abs(p-int(a)), abs(p-int(b)), abs(p-int(c))
	switch {
	case pa <= pb && pa <= pc:
		return a
	case pb <= pc:
		return b
	}
	return c
}

func abs(v int) int { return max(v, -v) }

// filterRows writes rows, each behind a filter type byte, filtered with
// the types 0 to 4 in turn (the PNG specification, 9.2).
func filterRows(out []byte, rows [][]byte, bpp int) []byte {
	prev := make([]byte, len(rows[0]))
	for y, row := range rows {
		ft := byte(y % 5)
		out = append(out, ft)
		for i, x := range row {
			var a, b, c byte
			if i >= bpp {
				a, c = row[i-bpp], prev[i-bpp]
			}
			b = prev[i]
			pred := [5]byte{0, a, b, byte((int(a) + int(b)) / 2), paethPredict(a, b, c)}[ft]
			out = append(out, x-pred)
		}
		prev = row
	}
	return out
}

func (s pngSpec) encode(t testing.TB) []byte {
	t.Helper()
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := binary.BigEndian.AppendUint32(nil, uint32(s.width))
	ihdr = binary.BigEndian.AppendUint32(ihdr, uint32(s.height))
	ihdr = append(ihdr, s.depth, s.colorType, 0, 0, 0)
	if s.interlaced {
		ihdr[12] = 1
	}
	pngChunk(&b, "IHDR", ihdr)
	if s.plte != nil {
		pngChunk(&b, "PLTE", s.plte)
	}
	if s.trns != nil {
		pngChunk(&b, "tRNS", s.trns)
	}
	bpp := max(1, s.bitsPerPixel()/8)
	var raw []byte
	if s.interlaced {
		// Adam7 (8.2): seven passes, each a smaller image of its own.
		for _, p := range [7][4]int{{0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4}, {0, 2, 2, 4}, {1, 0, 2, 2}, {0, 1, 1, 2}} {
			var rows [][]byte
			for y := p[1]; y < s.height; y += p[3] {
				var row []byte
				for x := p[0]; x < s.width; x += p[2] {
					row = append(row, s.rows[y][3*x:3*x+3]...)
				}
				if row != nil {
					rows = append(rows, row)
				}
			}
			if rows != nil {
				raw = filterRows(raw, rows, bpp)
			}
		}
	} else {
		raw = filterRows(nil, s.rows, bpp)
	}
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(raw)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	data := z.Bytes()
	size := s.idatSize
	if size == 0 {
		size = len(data)
	}
	for len(data) > 0 {
		n := min(size, len(data))
		pngChunk(&b, "IDAT", data[:n])
		data = data[n:]
	}
	pngChunk(&b, "IEND", nil)
	return b.Bytes()
}

// randomRows fills rows of the spec's size with bytes from rng; when
// same is set, every seventh pixel repeats the first (the shade or colour
// a tRNS chunk then names).
func (s pngSpec) randomRows(rng *rand.Rand, same bool) pngSpec {
	rowBytes := (s.bitsPerPixel()*s.width + 7) / 8
	if s.interlaced {
		rowBytes = 3 * s.width
	}
	bpp := s.bitsPerPixel() / 8
	s.rows = make([][]byte, s.height)
	for y := range s.rows {
		s.rows[y] = make([]byte, rowBytes)
		for i := range s.rows[y] {
			s.rows[y][i] = byte(rng.IntN(256))
		}
		if same && bpp > 0 {
			for x := (y * 3) % 7; x < s.width; x += 7 {
				copy(s.rows[y][x*bpp:(x+1)*bpp], s.rows[0][:bpp])
			}
		}
	}
	return s
}

// pngKinds are PNGs of every colour type and bit depth, with and without
// transparency, written by Go's encoder where it writes the kind and
// chunk by chunk where it does not: odd widths, every filter type.
func pngKinds(t testing.TB) map[string][]byte {
	rng := rand.New(rand.NewPCG(1, 2))
	out := map[string][]byte{}
	encode := func(name string, img image.Image) {
		var b bytes.Buffer
		if err := png.Encode(&b, img); err != nil {
			t.Fatal(err)
		}
		out[name] = b.Bytes()
	}
	const w, h = 37, 23
	r := image.Rect(0, 0, w, h)
	gray, gray16 := image.NewGray(r), image.NewGray16(r)
	rgb, rgba := image.NewNRGBA(r), image.NewNRGBA(r)
	rgb16, rgba16 := image.NewNRGBA64(r), image.NewNRGBA64(r)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			// Smooth enough for the encoder to pick every filter type.
			v := uint8(3*x + 5*y + rng.IntN(9))
			gray.SetGray(x, y, color.Gray{v})
			gray16.SetGray16(x, y, color.Gray16{uint16(v)<<8 | uint16(rng.IntN(256))})
			rgb.SetNRGBA(x, y, color.NRGBA{v, uint8(7 * y), uint8(x * y), 0xff})
			rgba.SetNRGBA(x, y, color.NRGBA{v, uint8(7 * y), uint8(x * y), uint8(rng.IntN(256))})
			rgb16.SetNRGBA64(x, y, color.NRGBA64{uint16(v) * 251, uint16(rng.IntN(65536)), uint16(x * y * 97), 0xffff})
			rgba16.SetNRGBA64(x, y, color.NRGBA64{uint16(v) * 251, uint16(rng.IntN(65536)), uint16(x * y * 97), uint16(rng.IntN(65536))})
		}
	}
	encode("gray8", gray)
	encode("gray16", gray16)
	encode("rgb8", rgb)
	encode("rgba8", rgba)
	encode("rgb16", rgb16)
	encode("rgba16", rgba16)
	for _, colours := range []int{2, 4, 16, 200} { // 1, 2, 4 and 8 bits a pixel
		for _, alpha := range []bool{false, true} {
			pal := make(color.Palette, colours)
			for i := range pal {
				c := color.NRGBA{uint8(rng.IntN(256)), uint8(rng.IntN(256)), uint8(rng.IntN(256)), 0xff}
				if alpha && i%3 == 1 {
					c.A = uint8(rng.IntN(256))
				}
				pal[i] = c
			}
			img := image.NewPaletted(r, pal)
			for i := range img.Pix {
				img.Pix[i] = uint8(rng.IntN(colours))
			}
			name := map[int]string{2: "palette1", 4: "palette2", 16: "palette4", 200: "palette8"}[colours]
			if alpha {
				name += "-alpha"
			}
			encode(name, img)
		}
	}

	// The kinds Go's encoder does not write.
	spec := func(depth, colorType byte) pngSpec {
		return pngSpec{width: w, height: h, depth: depth, colorType: colorType, idatSize: 97}
	}
	for _, depth := range []byte{1, 2, 4} {
		s := spec(depth, 0).randomRows(rng, false)
		name := map[byte]string{1: "gray1", 2: "gray2", 4: "gray4"}[depth]
		out[name] = s.encode(t)
		s.trns = []byte{0, 1}
		out[name+"-trns"] = s.encode(t)
	}
	s := spec(8, 0).randomRows(rng, true)
	s.trns = []byte{0, s.rows[0][0]}
	out["gray8-trns"] = s.encode(t)
	s = spec(16, 0).randomRows(rng, true)
	s.trns = s.rows[0][:2]
	out["gray16-trns"] = s.encode(t)
	s = spec(8, 2).randomRows(rng, true)
	s.trns = []byte{0, s.rows[0][0], 0, s.rows[0][1], 0, s.rows[0][2]}
	out["rgb8-trns"] = s.encode(t)
	s = spec(16, 2).randomRows(rng, true)
	s.trns = s.rows[0][:6]
	out["rgb16-trns"] = s.encode(t)
	out["gray-alpha8"] = spec(8, 4).randomRows(rng, false).encode(t)
	out["gray-alpha16"] = spec(16, 4).randomRows(rng, false).encode(t)
	// Indices past the palette (opaque black to Go's decoder), and a tRNS
	// chunk longer than the palette.
	s = spec(8, 3).randomRows(rng, false)
	s.plte = make([]byte, 3*100)
	for i := range s.plte {
		s.plte[i] = byte(rng.IntN(256))
	}
	out["palette8-past-end"] = s.encode(t)
	s.trns = make([]byte, 150)
	for i := range s.trns {
		s.trns[i] = byte(rng.IntN(256))
	}
	out["palette8-long-trns"] = s.encode(t)
	return out
}

// TestPNGReaderMatchesGo: the PNG reader gives the engine exactly the
// gray plane Go's decoder and scanner.DecodeImage give, for every colour
// type and bit depth.
func TestPNGReaderMatchesGo(t *testing.T) {
	t.Run("fastest", func(t *testing.T) { testPNGReaderMatchesGo(t) })
	// The loops the reader runs where the CPU lacks the extensions the
	// fastest ones use.
	capture.UsePNGBaselineLoops(true)
	defer capture.UsePNGBaselineLoops(false)
	t.Run("baseline", func(t *testing.T) { testPNGReaderMatchesGo(t) })
}

func testPNGReaderMatchesGo(t *testing.T) {
	pool := scanner.NewPlanePool(0)
	for name, data := range pngKinds(t) {
		t.Run(name, func(t *testing.T) {
			want, err := scanner.DecodeImage(data, scanner.DefaultLimits, pool)
			if err != nil {
				t.Fatal(err)
			}
			defer want.Purge()
			got, elsewhere, err := capture.DecodePNG(data, pool)
			if err != nil || elsewhere {
				t.Fatalf("err = %v, left to another decoder: %v", err, elsewhere)
			}
			defer got.Purge()
			if i := firstDifference(got, want); i >= 0 {
				t.Fatalf("pixel %d is %d, Go's decoder gives %d", i, got.Pix[i], want.Pix[i])
			}
		})
	}
	if st := pool.Stats(); st.Outgoing != 0 {
		t.Errorf("frames left: %+v", st)
	}
}

// TestPNGReaderLeavesInterlacedToOpenCV: an interlaced PNG goes to
// OpenCV's decoder, which gives the plane Go's decoder gives.
func TestPNGReaderLeavesInterlacedToOpenCV(t *testing.T) {
	s := pngSpec{width: 29, height: 19, depth: 8, colorType: 2, interlaced: true}.randomRows(rand.New(rand.NewPCG(3, 4)), false)
	data := s.encode(t)
	pool := scanner.NewPlanePool(0)
	if _, elsewhere, err := capture.DecodePNG(data, pool); err != nil || !elsewhere {
		t.Fatalf("interlaced: err = %v, left to another decoder: %v", err, elsewhere)
	}
	want, err := scanner.DecodeImage(data, scanner.DefaultLimits, pool)
	if err != nil {
		t.Fatal(err)
	}
	defer want.Purge()
	got, err := capture.DecodeImage(data, scanner.DefaultLimits, pool)
	if err != nil {
		t.Fatal(err)
	}
	defer got.Purge()
	if i := firstDifference(got, want); i >= 0 {
		t.Fatalf("pixel %d is %d, Go's decoder gives %d", i, got.Pix[i], want.Pix[i])
	}
}

// fixCRCs rewrites the CRC of every whole chunk, so that a changed byte
// reaches the checks behind the CRC's.
func fixCRCs(data []byte) []byte {
	data = bytes.Clone(data)
	for at := 8; at+12 <= len(data); {
		n := int(binary.BigEndian.Uint32(data[at:]))
		if n < 0 || n > len(data)-at-12 {
			break
		}
		binary.BigEndian.PutUint32(data[at+8+n:], crc32.ChecksumIEEE(data[at+4:at+8+n]))
		at += 12 + n
	}
	return data
}

// TestPNGReaderBadInput: corrupt, truncated and bomb PNGs give an error
// wrapping scanner.ErrBadImage, which Go's decoder agrees is one, and no
// frame is left behind; a bomb is refused before its rows' buffer is
// allocated.
func TestPNGReaderBadInput(t *testing.T) {
	good := pngKinds(t)["rgb8"]
	idat := bytes.Index(good, []byte("IDAT")) + 4 // the first byte of the image data
	with := func(at int, b byte) []byte {
		d := bytes.Clone(good)
		d[at] = b
		return d
	}
	spec := pngSpec{width: 5000, height: 4000, depth: 8, colorType: 0}
	spec.rows = make([][]byte, 1) // one row of a 20-megapixel image
	spec.rows[0] = make([]byte, 5000)
	bomb := spec.encode(t)
	rows := spec
	rows.width, rows.height = 64, 8
	rows.rows = make([][]byte, 9) // a row too many
	for i := range rows.rows {
		rows.rows[i] = make([]byte, 64)
	}
	tooMuch := rows.encode(t)
	for name, data := range map[string][]byte{
		"cut in the image data":   good[:idat+20],
		"cut before IEND":         good[:len(good)-12],
		"cut in IEND's CRC":       good[:len(good)-2],
		"wrong CRC":               with(idat+5, good[idat+5]^0x40),
		"corrupt zlib stream":     fixCRCs(with(idat+7, good[idat+7]^0xff)),
		"zlib header":             fixCRCs(with(idat, 0x79)),
		"20 megapixels in a row":  bomb,
		"a row too many":          tooMuch,
		"bit depth 3":             fixCRCs(with(24, 3)),
		"colour type 5":           fixCRCs(with(25, 5)),
		"chunk length past end":   with(idat-7, 0x7f),
		"no IDAT":                 append(append([]byte(nil), good[:idat-8]...), good[len(good)-12:]...),
		"filter method 1":         fixCRCs(with(27, 1)),
		"PLTE in a gray image":    pngKindWithChunk(t, "PLTE", []byte{1, 2, 3}),
		"tRNS of 5 bytes in gray": pngKindWithChunk(t, "tRNS", []byte{1, 2, 3, 4, 5}),
		"unknown filter type":     pngSpec{width: 3, height: 2, depth: 8}.encodeRaw(t, []byte{0, 1, 2, 3, 5, 4, 5, 6}),
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := png.Decode(bytes.NewReader(data)); err == nil {
				t.Fatal("Go's decoder reads it: not a bad PNG")
			}
			pool := scanner.NewPlanePool(0)
			f, wiped, err := capture.DecodeImageWiped(data, scanner.DefaultLimits, pool)
			if !errors.Is(err, scanner.ErrBadImage) {
				t.Errorf("err = %v, want %v", err, scanner.ErrBadImage)
			}
			if err == nil {
				f.Purge()
			}
			if name == "20 megapixels in a row" && wiped != 0 {
				t.Errorf("%d bytes of rows allocated and zeroed for a bomb", wiped)
			}
			if st := pool.Stats(); st.Outgoing != 0 {
				t.Errorf("frames left: %+v", st)
			}
		})
	}
}

// encodeRaw is encode with the image data given as it is inflated:
// filter type bytes and rows.
func (s pngSpec) encodeRaw(t testing.TB, raw []byte) []byte {
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(raw)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := binary.BigEndian.AppendUint32(nil, uint32(s.width))
	ihdr = binary.BigEndian.AppendUint32(ihdr, uint32(s.height))
	pngChunk(&b, "IHDR", append(ihdr, s.depth, s.colorType, 0, 0, 0))
	pngChunk(&b, "IDAT", z.Bytes())
	pngChunk(&b, "IEND", nil)
	return b.Bytes()
}

// pngKindWithChunk is an 8-bit gray PNG with the chunk before its image
// data.
func pngKindWithChunk(t testing.TB, kind string, body []byte) []byte {
	good := pngKinds(t)["gray8"]
	at := bytes.Index(good, []byte("IDAT")) - 4
	var b bytes.Buffer
	b.Write(good[:at])
	pngChunk(&b, kind, body)
	b.Write(good[at:])
	return b.Bytes()
}

// FuzzPNGReader: whatever a file holds, the PNG reader gives a frame
// exactly as Go's decoder would, or an error where Go's decoder gives one
// too, or leaves the file to OpenCV; it never crashes or keeps a frame.
// Each input is tried as it is and with its chunks' CRCs made right, so
// that changes reach past them.
func FuzzPNGReader(f *testing.F) {
	for _, data := range pngKinds(f) {
		f.Add(data)
	}
	lim := scanner.Limits{MaxBytes: 1 << 20, MaxPixels: 1 << 18}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, data := range [][]byte{data, fixCRCs(data)} {
			if format, _, err := scanner.CheckImage(data, lim); err != nil || format != "png" {
				continue
			}
			pool := scanner.NewPlanePool(0)
			got, elsewhere, err := capture.DecodePNG(data, pool)
			want, goErr := scanner.DecodeImage(data, lim, pool)
			switch {
			case elsewhere:
			case err != nil && goErr == nil:
				t.Fatalf("the reader refuses what Go's decoder reads: %v", err)
			case err != nil && !errors.Is(err, scanner.ErrBadImage):
				t.Fatalf("err = %v, want one wrapping %v", err, scanner.ErrBadImage)
			case err == nil && goErr != nil:
				t.Fatalf("the reader reads what Go's decoder refuses: %v", goErr)
			case err == nil:
				if i := firstDifference(got, want); i >= 0 {
					t.Fatalf("pixel %d is %d, Go's decoder gives %d", i, got.Pix[i], want.Pix[i])
				}
			}
			got.Purge()
			want.Purge()
			if pool.Stats().Outgoing != 0 {
				t.Fatal("frame left behind")
			}
		}
	})
}

// TestPNGReaderZeroesItsBuffers: the buffer the rows are inflated into,
// and the image data gathered from several IDAT chunks, are zeroed before
// they are freed, also when the data turns out corrupt half way. The
// encoded bytes are left as they were, for their owner to zero.
func TestPNGReaderZeroesItsBuffers(t *testing.T) {
	kinds := pngKinds(t)
	// A corrupt stream: a byte three quarters into the image data changed
	// (and the chunk's CRC made right), so that most rows are inflated
	// before the error.
	corrupt := bytes.Clone(kinds["rgb8"])
	at := bytes.Index(corrupt, []byte("IDAT"))
	n := int(binary.BigEndian.Uint32(corrupt[at-4:]))
	corrupt[at+4+n*3/4] ^= 0x5a
	corrupt = fixCRCs(corrupt)
	pool := scanner.NewPlanePool(0)
	for _, tc := range []struct {
		name     string
		data     []byte
		rowBytes int // bytes a row takes
		chunks   bool
	}{
		{"gray8", kinds["gray8"], 37, false},
		{"rgb8", kinds["rgb8"], 3 * 37, false},
		{"rgba16", kinds["rgba16"], 8 * 37, false},
		{"gray-alpha8 in IDAT chunks of 97 bytes", kinds["gray-alpha8"], 2 * 37, true},
		{"corrupt rgb8", corrupt, 3 * 37, false},
	} {
		data := bytes.Clone(tc.data)
		f, wiped, err := capture.DecodeImageWiped(data, scanner.DefaultLimits, pool)
		if (tc.name == "corrupt rgb8") != (err != nil) {
			t.Fatalf("%s: err = %v", tc.name, err)
		}
		f.Purge()
		want := 23 * (1 + tc.rowBytes)
		if tc.chunks {
			want += len(data) / 2 // at least: the data is most of the file
		}
		if wiped < want {
			t.Errorf("%s: %d bytes of the reader's buffers zeroed, want at least %d", tc.name, wiped, want)
		}
		if !bytes.Equal(data, tc.data) {
			t.Errorf("%s: the encoded bytes changed", tc.name)
		}
	}
	if st := pool.Stats(); st.Outgoing != 0 {
		t.Errorf("frames left: %+v", st)
	}
}
