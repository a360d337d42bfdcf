package maxicode

// The module layout of a MaxiCode symbol, ISO/IEC 16023 §4.2 and Figure 5.
//
// A symbol is 33 rows of hexagonal modules, 30 positions per row. Odd rows
// are shifted right by half a module, so their last position lies outside the
// symbol and is unused. The bullseye finder covers the centre. Grid positions
// are (row, col) with row 0 at the top, as the symbol is read upright.

import "math"

const (
	gridRows     = 33
	gridCols     = 30
	numCodewords = 144
	noBit        = -1

	// centerRow and centerCol locate the bullseye centre in grid units:
	// it lies on row 16, at the centre of column 14.
	centerRow = 16
	centerCol = 14
)

// rowPitch is the distance between rows in module widths: the hexagons are
// close packed.
var rowPitch = math.Sqrt(3) / 2

// gridLayout maps every grid position to the bit it carries: codeword*6+k,
// k = 0 for the codeword's most significant bit, or noBit.
type gridLayout [gridRows][gridCols]int16

// moduleLayout is computed once and only read afterwards.
var moduleLayout = buildLayout()

// orientationModule is one module of the six orientation patterns around
// the bullseye (ISO/IEC 16023 §4.2.3), with the colour it always has.
type orientationModule struct {
	row, col int
	dark     bool
}

var orientationModules = [18]orientationModule{
	{9, 10, true}, {9, 11, true}, {10, 11, true}, // upper left: three dark
	{9, 17, false}, {10, 17, false}, {10, 18, false}, // upper right: three light
	{15, 7, true}, {16, 7, false}, {16, 8, true}, // left
	{16, 20, true}, {16, 21, false}, {17, 20, true}, // right
	{22, 10, true}, {22, 11, false}, {23, 10, true}, // lower left
	{22, 17, true}, {23, 16, false}, {23, 17, true}, // lower right
}

// primaryIrregular lists the modules of primary codewords 1 to 9, most
// significant bit first, as Figure 5 places them around the bullseye.
var primaryIrregular = [9][6][2]int8{
	{{15, 19}, {17, 19}, {9, 16}, {10, 16}, {11, 17}, {11, 16}},
	{{22, 13}, {22, 12}, {23, 13}, {23, 12}, {21, 17}, {22, 16}},
	{{9, 13}, {9, 12}, {10, 13}, {10, 12}, {12, 10}, {20, 10}},
	{{20, 18}, {12, 19}, {12, 18}, {13, 19}, {13, 18}, {14, 19}},
	{{23, 15}, {23, 14}, {18, 19}, {19, 19}, {19, 18}, {20, 19}},
	{{15, 8}, {17, 8}, {21, 10}, {23, 11}, {22, 15}, {22, 14}},
	{{9, 15}, {9, 14}, {10, 15}, {10, 14}, {10, 10}, {11, 10}},
	{{17, 21}, {9, 19}, {9, 18}, {10, 19}, {11, 19}, {11, 18}},
	{{15, 6}, {16, 6}, {17, 7}, {17, 6}, {15, 21}, {15, 20}},
}

// primaryBlocks gives the top-left grid position of primary codewords 10 to
// 20, each a block of two columns by three rows.
var primaryBlocks = [11][2]int8{
	{12, 8}, {18, 8}, {21, 18}, {21, 8}, {9, 8}, {12, 20},
	{18, 20}, {18, 6}, {12, 6}, {9, 20}, {21, 20},
}

// placeBlock stores codeword cw in the 2x3 block whose top-left module is
// (row, col). Within a block the bits run right to left, top to bottom.
func (g *gridLayout) placeBlock(cw, row, col int) {
	for k := 0; k < 3; k++ {
		g[row+k][col+1] = int16(cw*6 + 2*k)
		g[row+k][col] = int16(cw*6 + 2*k + 1)
	}
}

func buildLayout() *gridLayout {
	g := new(gridLayout)
	for r := range g {
		for c := range g[r] {
			g[r][c] = noBit
		}
	}
	for cw, mods := range primaryIrregular {
		for k, m := range mods {
			g[m[0]][m[1]] = int16(cw*6 + k)
		}
	}
	for i, b := range primaryBlocks {
		g.placeBlock(9+i, int(b[0]), int(b[1]))
	}
	// The secondary message fills bands of three rows in a serpentine, left
	// to right on even bands, skipping the columns around the bullseye.
	cw := 20
	for band := 0; band < 11; band++ {
		var pairs []int
		for p := 0; p < 14; p++ {
			inner := p >= 3 && p <= 10
			if (band == 3 || band == 7) && p == 3 {
				inner = false
			}
			if band >= 3 && band <= 7 && inner {
				continue
			}
			pairs = append(pairs, p)
		}
		if band%2 == 1 {
			for i, j := 0, len(pairs)-1; i < j; i, j = i+1, j-1 {
				pairs[i], pairs[j] = pairs[j], pairs[i]
			}
		}
		for _, p := range pairs {
			g.placeBlock(cw, band*3, 2*p)
			cw++
		}
	}
	// The last eight codewords run down the two right-hand columns.
	bit := cw * 6
	for r := 1; r < gridRows; r++ {
		if r%2 == 0 {
			g[r][29] = int16(bit)
			bit++
		}
		g[r][28] = int16(bit)
		bit++
	}
	return g
}
