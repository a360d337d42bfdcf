package audit

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scannerd/scannerd/api/client"
	"github.com/scannerd/scannerd/internal/syncbuf"
)

// killRounds is how many times the kill test kills scannerd.
func killRounds(t *testing.T) int {
	if s := os.Getenv("AUDIT_KILL_ROUNDS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("AUDIT_KILL_ROUNDS=%q", s)
		}
		return n
	}
	return 8
}

// subscriber is an application reading a device's results: what it
// received is what was delivered.
type subscriber struct {
	mu    sync.Mutex
	got   map[string]int // text → times received
	bySym map[string]uint64
	done  chan struct{}
	// onResult, when set, runs after each result is taken in.
	onResult func()
}

func newSubscriber() *subscriber {
	return &subscriber{got: map[string]int{}, bySym: map[string]uint64{}}
}

// follow reads the events of a running daemon until its stream ends.
func (sub *subscriber) follow(t *testing.T, s *scannerd) {
	st, err := s.api.Subscribe(context.Background(), client.EventsOptions{})
	if err != nil {
		t.Fatalf("subscribe: %v", err)
	}
	sub.done = make(chan struct{})
	go func() {
		defer close(sub.done)
		defer st.Close()
		for {
			ev, err := st.Next()
			if err != nil {
				return
			}
			if ev.Kind == client.EventResult {
				sub.mu.Lock()
				sub.got[ev.Result.Text]++
				sub.bySym[ev.Result.Symbology]++
				hook := sub.onResult
				sub.mu.Unlock()
				if hook != nil {
					hook()
				}
			}
		}
	}()
}

func (sub *subscriber) wait() {
	if sub.done != nil {
		<-sub.done
		sub.done = nil
	}
}

// feeder drops labels, each with a text of its own, into a directory at a
// steady rate until halted.
type feeder struct {
	stop    chan struct{}
	done    chan struct{}
	mu      sync.Mutex
	dropped map[string]string // text dropped → its symbology
	files   map[string]string // file name → its text
}

func newFeeder() *feeder { return &feeder{dropped: map[string]string{}, files: map[string]string{}} }

func (f *feeder) start(t *testing.T, dir string, round int, every time.Duration) {
	f.stop, f.done = make(chan struct{}), make(chan struct{})
	go func() {
		defer close(f.done)
		tick := time.NewTicker(every)
		defer tick.Stop()
		for n := 0; ; n++ {
			select {
			case <-f.stop:
				return
			case <-tick.C:
			}
			lb := label{labelSymbologies[n%len(labelSymbologies)], ""}
			lb.text = labelText(lb.sym, round, n)
			data := labelPNG(t, lb)
			name := fmt.Sprintf("r%03d-%05d.png", round, n)
			f.mu.Lock()
			f.dropped[lb.text] = lb.sym.String()
			f.files[name] = lb.text
			f.mu.Unlock()
			drop(t, dir, name, data)
		}
	}()
}

func (f *feeder) halt() {
	close(f.stop)
	<-f.done
}

// TestKillNineNeverLosesAScan kills a real scannerd with SIGKILL at random
// moments, again and again over the same state directory: during start-up,
// while it scans images dropped into its directory at 10 a second, and
// while it syncs with a real ltsd, and the instant a subscriber has received
// a result (when a count that reaches disk after its delivery would be
// lost); some rounds kill ltsd in the middle of a sync instead. After the last round the device reports what it has left.
// The LTS totals must then equal the scans delivered to a subscriber, per
// symbology: none lost, none counted twice, and no store moved aside. A scan
// counted and never delivered is possible only if the kill falls after its
// count reached disk and before the subscriber's socket had it; they are
// counted and shown. Nor may a dropped file be gone without its result
// delivered: scannerd deletes a file only once its result is.
func TestKillNineNeverLosesAScan(t *testing.T) {
	t.Parallel()
	rounds := killRounds(t)
	l := newLTSD(t, "-type", "scan", "-scans", "100000000", "-period", "month")
	l.start(t)
	d := newDevice(t, l, "5ca1ab1e5ca1ab1e5ca1ab1e5ca1ab1e", "")
	f := newFeeder()
	rng := rand.New(rand.NewPCG(uint64(rounds), 23))
	var log syncbuf.Buffer
	sub := newSubscriber()
	kinds := map[string]int{}
	ltsdKills := max(1, rounds/10)
	unread := map[string]bool{} // texts of files still there when scannerd was killed
	for round := 0; round < rounds; round++ {
		kind := []string{"start-up", "delivery", "scanning", "sync", "delivery"}[round%5]
		if kind == "sync" && kinds["ltsd"] < ltsdKills && rng.IntN(2) == 0 {
			kind = "ltsd"
		}
		kinds[kind]++
		s := d.start(t, &log)
		if kind == "start-up" {
			time.Sleep(time.Duration(rng.IntN(30_000)) * time.Microsecond) // the kill moment
			s.kill()
			continue
		}
		s.ready(t)
		if kind == "delivery" {
			var once sync.Once
			after := 1 + rng.IntN(3)
			sub.mu.Lock()
			sub.onResult = func() {
				if after--; after == 0 {
					once.Do(s.kill)
				}
			}
			sub.mu.Unlock()
		}
		sub.follow(t, s)
		f.start(t, d.drop, round, 100*time.Millisecond)
		time.Sleep(time.Duration(300+rng.IntN(1500)) * time.Millisecond) // scanning
		switch kind {
		case "sync", "ltsd":
			go s.api.Sync(context.Background())
			time.Sleep(time.Duration(rng.IntN(40_000)) * time.Microsecond) // the kill moment
		}
		if kind == "ltsd" {
			l.kill()
			time.Sleep(time.Duration(rng.IntN(500)) * time.Millisecond) // scanning with the LTS gone
			l.start(t)
		}
		s.kill()
		f.halt()
		sub.wait()
		sub.onResult = nil
		// Images not read yet are not scans; the next round starts with
		// an empty directory, as a subscriber could not see them otherwise.
		left, _ := filepath.Glob(filepath.Join(d.drop, "*"))
		for _, p := range left {
			if text, ok := f.files[filepath.Base(p)]; ok {
				unread[text] = true
			}
			os.Remove(p)
		}
	}
	s := d.start(t, &log)
	s.ready(t)
	st := s.syncAll(t)
	s.stop(t)
	l.kill()

	got := l.usage(t)
	aside, _ := filepath.Glob(filepath.Join(d.dir, "state", "licensing.db.*"))
	var lines []string
	var delivered, lost, extra, doubled uint64
	syms := map[string]bool{}
	for sym := range got {
		syms[sym] = true
	}
	for sym := range sub.bySym {
		syms[sym] = true
	}
	for sym := range syms {
		dv, lt := sub.bySym[sym], got[sym]
		delivered += dv
		if lt < dv {
			lost += dv - lt
		} else {
			extra += lt - dv
		}
		lines = append(lines, fmt.Sprintf("%s delivered %d, LTS %d", sym, dv, lt))
	}
	sort.Strings(lines)
	for text, n := range sub.got {
		if n > 1 {
			doubled += uint64(n - 1)
		}
		if f.dropped[text] == "" {
			t.Errorf("delivered a text that was never dropped: %q", text)
		}
	}
	// A file is deleted once its result was handed to the subscribers: a
	// kill before the subscriber's socket had it leaves a file gone whose
	// scan was counted and not delivered, the window above. Any more gone
	// per symbology are scans lost.
	vanished := map[string][]string{}
	for text, sym := range f.dropped {
		if sub.got[text] == 0 && !unread[text] {
			vanished[sym] = append(vanished[sym], text)
		}
	}
	for sym, texts := range vanished {
		if lt, dv := got[sym], sub.bySym[sym]; uint64(len(texts)) > lt-min(lt, dv) {
			sort.Strings(texts)
			t.Errorf("%s: %d dropped files gone without their result delivered, %d counted and not delivered: %q", sym, len(texts), lt-min(lt, dv), texts)
		}
	}
	t.Logf("%d rounds (%v): %s; counted but not delivered: %d", rounds, kinds, strings.Join(lines, "; "), extra)
	if delivered == 0 {
		t.Fatal("nothing delivered")
	}
	if lost > 0 || doubled > 0 || len(aside) > 0 || st.StoreRecovered != "" {
		t.Fatalf("lost %d, delivered twice %d, moved aside %v %q", lost, doubled, aside, st.StoreRecovered)
	}
	// The window between a count reaching disk and its result reaching
	// the subscriber's socket is a few microseconds of each delivery.
	if extra > uint64(rounds) {
		t.Errorf("%d scans counted but not delivered in %d kills", extra, rounds)
	}
	if strings.Contains(string(log.Bytes()), "panic") {
		t.Errorf("a scannerd run panicked:\n%s", tailBytes(log.Bytes(), 4000))
	}
}
