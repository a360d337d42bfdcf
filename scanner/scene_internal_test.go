package scanner

import (
	"image"
	"slices"
	"testing"
	"time"
)

// TestSceneMemoryRescansWhatTheSweepLeft: a region of contrasted cells
// that the rescan sweep did not search (it passed while the region was
// elsewhere, or of another shape) is searched whole once a cell of it has
// gone unsearched for Rescan, whether or not the sweep passes it; the
// sweep searches each region when it passes the region's centre; a clock
// set back has everything searched once, then the sweep goes on.
func TestSceneMemoryRescansWhatTheSweepLeft(t *testing.T) {
	const w, h, rescan = 256, 128, 500 * time.Millisecond
	cw := w / cellSize
	active := make([]bool, cw*(h/cellSize))
	a, b := []int{0, 1}, []int{2*cw + 5, 2*cw + 6} // two regions: a at the top left, b lower right
	for _, c := range append(slices.Clone(a), b...) {
		active[c] = true
	}
	nb := (w / blockSize) * (h / blockSize)
	look := func(m *sceneMemory, at time.Duration) *sceneLook {
		l := &sceneLook{stats: blockStats{cw: cw, means: make([]uint8, nb), spans: make([]uint8, nb)},
			active: active, at: time.Unix(1_700_000_000, 0).Add(at)}
		m.look(l, w, h, rescan)
		return l
	}
	searched := func(l *sceneLook, cells []int) bool {
		for _, c := range cells {
			if !l.search[c] {
				return false
			}
		}
		return true
	}
	m := &sceneMemory{}
	first := look(m, 0)
	if !first.full {
		t.Fatal("the first frame not searched whole")
	}
	m.remember(first, w, h, nil, true, nil)
	// 100 ms on, the sweep has passed a fifth of the frame's cells, none
	// of b, which lies past the middle; a's centre is the first cell,
	// passed at the start of each period, not since.
	if l := look(m, 100*time.Millisecond); slices.Contains(l.search, true) {
		t.Errorf("100 ms after a whole search, cells %v searched again", cellsOn(l.search))
	}
	// b left unsearched a whole period (as a region the sweep missed).
	for _, c := range b {
		m.searched[c] = time.Unix(1_700_000_000, 0).Add(-time.Second).UnixNano()
	}
	l := look(m, 150*time.Millisecond)
	if !searched(l, b) || searched(l, a[:1]) {
		t.Errorf("with b unsearched for a period: cells %v searched, want b's %v", cellsOn(l.search), b)
	}
	m.remember(l, w, h, []image.Rectangle{image.Rect(5*cellSize, 2*cellSize, 7*cellSize, 3*cellSize)}, false, nil)
	// The sweep passes b's centre (cell 21 of 32) between 320 and 340 ms,
	// and a's (cell 0) as a new period starts.
	for _, step := range []struct {
		at   time.Duration
		want []int
	}{
		{320 * time.Millisecond, nil},
		{340 * time.Millisecond, b},
		{510 * time.Millisecond, a},
		// The clock set back an hour: everything, once.
		{-time.Hour, append(slices.Clone(a), b...)},
		{-time.Hour + 20*time.Millisecond, nil},
	} {
		l := look(m, step.at)
		if !slices.Equal(cellsOn(l.search), step.want) {
			t.Errorf("at %v: cells %v searched, want %v", step.at, cellsOn(l.search), step.want)
		}
		var rects []image.Rectangle // what a decode of the cells searched searches
		for _, c := range cellsOn(l.search) {
			rects = append(rects, image.Rect(c%cw*cellSize, c/cw*cellSize, (c%cw+1)*cellSize, (c/cw+1)*cellSize))
		}
		m.remember(l, w, h, rects, false, nil)
	}
}

func cellsOn(cells []bool) []int {
	var on []int
	for c, v := range cells {
		if v {
			on = append(on, c)
		}
	}
	return on
}

// TestCarriedLookTakenForTheSameRegion: a look the budget cut short is
// carried on by the next frame of the same size whose largest region
// covers half of the look's and is half covered by it (the same label,
// moved); another region or size drops it, wiped.
func TestCarriedLookTakenForTheSameRegion(t *testing.T) {
	region := image.Rect(100, 100, 500, 400)
	for _, c := range []struct {
		name    string
		largest image.Rectangle
		w, h    int
		taken   bool
	}{
		{"same", region, 960, 540, true},
		{"moved a little", region.Add(image.Pt(40, 20)), 960, 540, true},
		{"moved away", region.Add(image.Pt(300, 0)), 960, 540, false},
		{"within a larger one", image.Rect(0, 0, 960, 540), 960, 540, false},
		{"another frame size", region, 1280, 720, false},
	} {
		m := &sceneMemory{}
		l := &carriedLook{w: 960, h: 540, region: region, steps: 3, began: sceneLook{stats: blockStats{means: []uint8{7}, spans: []uint8{9}}}}
		m.carry(l)
		got := m.takeCarried(c.largest, c.w, c.h)
		if (got != nil) != c.taken || m.carried != nil {
			t.Errorf("%s: taken %v, want %v (left %v)", c.name, got != nil, c.taken, m.carried != nil)
		}
		if !c.taken && (l.began.stats.means[0] != 0 || l.began.stats.spans[0] != 0) {
			t.Errorf("%s: the dropped look's blocks kept", c.name)
		}
	}
}
