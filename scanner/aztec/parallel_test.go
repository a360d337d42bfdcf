package aztec_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/scannerd/scannerd/internal/symbols"
	"github.com/scannerd/scannerd/scanner/aztec"
)

// TestReadersInParallel runs one Reader per goroutine, as the decode
// engine's workers do; -race checks that readers share no state.
func TestReadersInParallel(t *testing.T) {
	const workers = 4
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		text := fmt.Sprintf("worker %d", w)
		c := symbols.NewCanvas(200, 200, 230)
		c.Draw(encode(t, text, 0, 0), symbols.Placement{CX: 100, CY: 100, Module: 4, Angle: float64(20 * w), Dark: 30, Light: 230})
		bm := bitmap(t, c)
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := aztec.NewReader()
			for i := 0; i < 10; i++ {
				res, err := r.Decode(bm, nil)
				if err != nil {
					errs <- err
					return
				}
				if res.GetText() != text {
					errs <- fmt.Errorf("read %q, want %q", res.GetText(), text)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
