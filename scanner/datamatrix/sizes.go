package datamatrix

// symbolSize is one Data Matrix ECC 200 symbol size: rows and columns of
// modules including the finder and timing patterns, and the size of each
// data region (ISO/IEC 16022:2006 Table 7; the rectangular extension of
// ISO/IEC 21471 adds the DMRE sizes).
type symbolSize struct {
	rows, cols             int
	regionRows, regionCols int // data modules per region, without its borders
}

var symbolSizes = [...]symbolSize{
	// Square.
	{10, 10, 8, 8}, {12, 12, 10, 10}, {14, 14, 12, 12}, {16, 16, 14, 14},
	{18, 18, 16, 16}, {20, 20, 18, 18}, {22, 22, 20, 20}, {24, 24, 22, 22},
	{26, 26, 24, 24}, {32, 32, 14, 14}, {36, 36, 16, 16}, {40, 40, 18, 18},
	{44, 44, 20, 20}, {48, 48, 22, 22}, {52, 52, 24, 24}, {64, 64, 14, 14},
	{72, 72, 16, 16}, {80, 80, 18, 18}, {88, 88, 20, 20}, {96, 96, 22, 22},
	{104, 104, 24, 24}, {120, 120, 18, 18}, {132, 132, 20, 20}, {144, 144, 22, 22},
	// Rectangular.
	{8, 18, 6, 16}, {8, 32, 6, 14}, {12, 26, 10, 24}, {12, 36, 10, 16},
	{16, 36, 14, 16}, {16, 48, 14, 22},
	// Rectangular extension (DMRE).
	{8, 48, 6, 22}, {8, 64, 6, 14}, {8, 80, 6, 18}, {8, 96, 6, 22},
	{8, 120, 6, 18}, {8, 144, 6, 22}, {12, 64, 10, 14}, {12, 88, 10, 20},
	{16, 64, 14, 14}, {20, 36, 18, 16}, {20, 44, 18, 20}, {20, 64, 18, 14},
	{22, 48, 20, 22}, {24, 48, 22, 22}, {24, 64, 22, 14}, {26, 40, 24, 18},
	{26, 48, 24, 22}, {26, 64, 24, 14},
}

// fixedModules is the number of modules of the fixed pattern: the full rows
// above and below every data region, and the two columns beside each
// region in the rows between.
func (s *symbolSize) fixedModules() int {
	full := 2 * (s.rows / (s.regionRows + 2))
	across := (s.cols + s.regionCols + 1) / (s.regionCols + 2)
	return full*s.cols + (s.rows-full)*2*across
}
