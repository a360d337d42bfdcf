package main

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/scannerd/scannerd/scanner"
)

// A frame that waits to hear how its results ended (a dir: source's file)
// hears it only after they were delivered, and hears a refusal, which
// keeps the file, when the meter refused any of them: the file used to be
// deleted as soon as the frame was decoded, before its count reached disk
// (a crash then lost the scan) and whether or not the meter took it.
func TestDeliveryTellsEachFrameAfterItsResults(t *testing.T) {
	errLease := errors.New("lease used up")
	var mu sync.Mutex
	var events []string
	log := func(format string, a ...any) {
		mu.Lock()
		events = append(events, fmt.Sprintf(format, a...))
		mu.Unlock()
	}
	allowed := 3
	record := func(results []scanner.Result) ([]scanner.Result, error) {
		n := min(allowed, len(results))
		allowed -= n
		if n < len(results) {
			return results[:n], errLease
		}
		return results, nil
	}
	m := newMeteredDelivery(record, func(results []scanner.Result) {
		for _, r := range results {
			log("deliver %s", r.Text)
		}
	}, func(error, []scanner.Result) {})
	outcomes := map[string]error{}
	frame := func(name string, texts ...string) {
		var results []scanner.Result
		for _, text := range texts {
			results = append(results, scanner.Result{Symbology: scanner.QRCode, Text: text})
		}
		m.submit(results, func(refused []scanner.Result) {
			for _, r := range refused {
				log("undelivered %s", r.Text)
			}
		}, func(err error) {
			log("done %s", name)
			mu.Lock()
			outcomes[name] = err
			mu.Unlock()
		})
	}
	frame("a", "a1", "a2")
	frame("b", "b1", "b2") // b2 is past the lease
	frame("c", "c1")
	m.close()

	want := map[string]int{}
	for i, e := range events {
		want[e] = i
	}
	for _, f := range []struct{ done, lastResult string }{{"a", "a2"}, {"b", "b1"}} {
		d, ok1 := want["done "+f.done]
		r, ok2 := want["deliver "+f.lastResult]
		if !ok1 || !ok2 || d < r {
			t.Errorf("frame %s told before its results were delivered: %v", f.done, events)
		}
	}
	if _, ok := want["deliver b2"]; ok {
		t.Errorf("a result past the lease was delivered: %v", events)
	}
	// The refused results are handed back (to the dedup filter) before the
	// frame's source hears, and read again it delivers them.
	for _, f := range []struct{ done, refused string }{{"b", "b2"}, {"c", "c1"}} {
		d, ok1 := want["done "+f.done]
		u, ok2 := want["undelivered "+f.refused]
		if !ok1 || !ok2 || d < u {
			t.Errorf("frame %s: refused %s not handed back before the frame heard: %v", f.done, f.refused, events)
		}
	}
	for _, e := range events {
		if e == "undelivered a1" || e == "undelivered a2" || e == "undelivered b1" {
			t.Errorf("a delivered result handed back as refused: %v", events)
		}
	}
	if err := outcomes["a"]; err != nil {
		t.Errorf("frame a, delivered: %v", err)
	}
	for _, name := range []string{"b", "c"} {
		if err := outcomes[name]; !errors.Is(err, scanner.ErrRefused) || !errors.Is(err, errLease) {
			t.Errorf("frame %s, refused: %v", name, err)
		}
	}
}
