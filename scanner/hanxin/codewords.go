package hanxin

import (
	"errors"
	"fmt"

	"github.com/makiuchi-d/gozxing/common/reedsolomon"

	"github.com/scannerd/scannerd/scanner/internal/scrub"
)

// errBadInfo is returned when neither copy of the function information
// decodes to the symbol's version.
var errBadInfo = errors.New("hanxin: unreadable function information")

// errChecksum is returned when Reed–Solomon cannot correct a block.
var errChecksum = errors.New("hanxin: too many errors")

// grid is a sampled symbol: true where a module is dark, row by row.
type grid struct {
	size int
	dark []bool
}

func (g *grid) at(row, col int) bool { return g.dark[row*g.size+col] }

// symbolInfo is what the function information says.
type symbolInfo struct {
	version, level, mask int
}

// decoder holds what decoding a grid needs: the Reed–Solomon decoders of
// both fields and the layouts met so far. One decoder serves one
// goroutine.
type decoder struct {
	rs256, rs16 *reedsolomon.ReedSolomonDecoder
	layouts     [maxVersion + 1]*layout
	ints        []int
	cw, placed  []byte
}

func newDecoder() *decoder {
	// GF(2^8) of x^8+x^6+x^5+x+1 and GF(2^4) of x^4+x+1, generator
	// polynomials with roots from alpha^1 (§5.7.2, §5.6).
	return &decoder{
		rs256: reedsolomon.NewReedSolomonDecoder(reedsolomon.NewGenericGF(0x163, 256, 1)),
		rs16:  reedsolomon.NewReedSolomonDecoder(reedsolomon.NewGenericGF(0x13, 16, 1)),
	}
}

func (d *decoder) layout(version int) *layout {
	if d.layouts[version] == nil {
		d.layouts[version] = newLayout(version)
	}
	return d.layouts[version]
}

// readInfo decodes the function information, both copies: the one round
// the top finders first. Each holds version+20 (8 bits), level-1 (2 bits)
// and mask (2 bits) as three 4-bit symbols with four Reed–Solomon symbols
// over GF(16). A copy counts when it names the grid's version; a second
// copy that says something else is returned too, to be tried next.
func (d *decoder) readInfo(g *grid) ([]symbolInfo, error) {
	a, b := infoModules(g.size)
	var out []symbolInfo
	for _, copyOf := range [2][34][2]int{a, b} {
		var nib [7]int
		for i := range 28 {
			if g.at(copyOf[i][0], copyOf[i][1]) {
				nib[i/4] |= 8 >> (i % 4)
			}
		}
		if info, ok := d.decodeInfo(nib); ok && sizeOf(info.version) == g.size && (len(out) == 0 || out[0] != info) {
			out = append(out, info)
		}
	}
	if len(out) == 0 {
		return nil, errBadInfo
	}
	return out, nil
}

func (d *decoder) decodeInfo(nib [7]int) (symbolInfo, bool) {
	d.ints = append(scrub.Room(d.ints, len(nib)), nib[:]...) // an array outgrown is cleared as it is let go
	if err := d.rs16.Decode(d.ints, 4); err != nil {
		return symbolInfo{}, false
	}
	v := d.ints[0]<<8 | d.ints[1]<<4 | d.ints[2]
	info := symbolInfo{version: v>>4 - 20, level: v>>2&3 + 1, mask: v & 3}
	if info.version < 1 || info.version > maxVersion {
		return symbolInfo{}, false
	}
	return info, true
}

// codewords unmasks the data modules, reads them row by row into
// codewords and undoes the interleaving (§5.8.2): the codeword stream was
// laid out taking every 13th codeword, from the first, then from the
// second, and so on.
func (d *decoder) codewords(g *grid, l *layout, mask int) []byte {
	total := l.dataModules() / 8
	// Room for the codewords, made once: appended to, an array outgrown
	// was let go with the symbol's codewords so far.
	d.placed = scrub.Room(d.placed, total)
	var cur byte
	n := 0
	for row := 0; row < g.size && len(d.placed) < total; row++ {
		for col := 0; col < g.size && len(d.placed) < total; col++ {
			if l.mod[row*g.size+col] != data {
				continue
			}
			cur <<= 1
			if g.at(row, col) != masked(mask, row, col) {
				cur |= 1
			}
			if n++; n == 8 {
				d.placed = append(d.placed, cur)
				cur, n = 0, 0
			}
		}
	}
	d.cw = grow(d.cw, total) // every entry set below
	p := 0
	for start := range 13 {
		for i := start; i < total; i += 13 {
			d.cw[i] = d.placed[p]
			p++
		}
	}
	return d.cw
}

// correct runs Reed–Solomon on each block, in the order the table lists
// them (each block's data codewords then its error correction ones), and
// returns the data codewords and the number of codewords corrected.
func (d *decoder) correct(cw []byte, info symbolInfo) ([]byte, int, error) {
	bs := blocks[info.version][info.level-1]
	total := 0
	for _, b := range bs {
		total += b.n * (b.k + b.e)
	}
	if total != len(cw) {
		return nil, 0, fmt.Errorf("hanxin: version %d level %d has %d codewords, layout %d", info.version, info.level, total, len(cw))
	}
	var out []byte
	fixed, pos := 0, 0
	for _, b := range bs {
		for range b.n {
			blk := cw[pos : pos+b.k+b.e]
			pos += b.k + b.e
			// Room for the block, made once: appended to, an array
			// outgrown was let go with the codewords so far.
			d.ints = scrub.Room(d.ints, len(blk))
			for _, c := range blk {
				d.ints = append(d.ints, int(c))
			}
			if err := d.rs256.Decode(d.ints, b.e); err != nil {
				return nil, 0, errChecksum
			}
			for i, v := range d.ints {
				if v < 0 || v > 255 {
					return nil, 0, errChecksum
				}
				if byte(v) != blk[i] {
					fixed++
				}
				if i < b.k {
					out = append(out, byte(v))
				}
			}
		}
	}
	return out, fixed, nil
}

// decodeGrid decodes a sampled symbol.
func (d *decoder) decodeGrid(g *grid) (text string, info symbolInfo, fixed int, err error) {
	if versionOf(g.size) == 0 {
		return "", info, 0, fmt.Errorf("hanxin: no version is %d modules wide", g.size)
	}
	infos, err := d.readInfo(g)
	if err != nil {
		return "", info, 0, err
	}
	for _, info = range infos {
		cw := d.codewords(g, d.layout(info.version), info.mask)
		var dataWords []byte
		dataWords, fixed, err = d.correct(cw, info)
		if err != nil {
			continue
		}
		text, err = decodeBits(dataWords)
		if err == nil {
			return text, info, fixed, nil
		}
	}
	return "", info, 0, err
}
