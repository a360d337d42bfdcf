package sink_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scannerd/scannerd/internal/conf"
	"github.com/scannerd/scannerd/internal/syncbuf"
	"github.com/scannerd/scannerd/scanner"
	"github.com/scannerd/scannerd/sink"
)

// payload is the JSON document the tests' encoder writes.
type payload struct {
	ID        uint64 `json:"id"`
	Source    string `json:"source"`
	Symbology string `json:"symbology"`
	Text      string `json:"text"`
}

func encode(it *sink.Item) ([]byte, error) {
	return json.Marshal(payload{ID: it.ID, Source: it.Result.Source, Symbology: it.Result.Symbology.String(), Text: it.Result.Text})
}

// newSet starts a set of sinks from specs and closes it at the end of
// the test, checking that nothing it logged holds a barcode's text.
func newSet(t testing.TB, env sink.Env, specs ...sink.Spec) *sink.Set {
	t.Helper()
	logs := &syncbuf.Buffer{}
	env.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	if env.Encode == nil {
		env.Encode = encode
	}
	if env.Host == "" {
		env.Host = "testhost"
	}
	s := sink.NewSet(env)
	if err := s.Apply(specs); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), hangBound)
		defer cancel()
		s.Close(ctx)
		if strings.Contains(logs.String(), textPrefix) {
			t.Errorf("barcode text in the log:\n%s", logs.String())
		}
	})
	return s
}

// hangBound bounds a test's wait for something that should happen soon:
// a sink closing once its queue is delivered, a broker answering. It only
// ends a test that hangs, so it is generous; a loaded machine stays far
// below it.
const hangBound = 2 * time.Minute

const textPrefix = "SECRET-TEXT-"

// results returns n results numbered from first, from source "cam".
func results(first, n int) []scanner.Result {
	out := make([]scanner.Result, n)
	for i := range out {
		out[i] = scanner.Result{Source: "cam", Symbology: scanner.QRCode, Text: text(first + i), Frame: uint64(first + i)}
	}
	return out
}

func text(i int) string { return fmt.Sprintf("%s%05d", textPrefix, i) }

// ids returns the API ids of results numbered from first.
func ids(first, n int) []uint64 {
	out := make([]uint64, n)
	for i := range out {
		out[i] = uint64(1000 + first + i)
	}
	return out
}

// deliver hands the set results numbered from first, in batches of 7.
func deliver(s *sink.Set, first, n int) {
	for i := 0; i < n; i += 7 {
		k := min(7, n-i)
		s.Deliver(ids(first+i, k), results(first+i, k))
	}
}

// statusOf returns the named sink's status.
func statusOf(t testing.TB, s *sink.Set, name string) sink.Status {
	t.Helper()
	for _, st := range s.Status() {
		if st.Name == name {
			return st
		}
	}
	t.Fatalf("no sink %q in %+v", name, s.Status())
	return sink.Status{}
}

// waitFor polls cond until it holds, failing the test after a deadline.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// inOrder checks that the first arrivals in got are want, in order, and
// returns how many arrivals repeat an earlier one (at least once: the
// sink repeats the result it was sending when a connection failed, and an
// MQTT broker restarting repeats what it was passing on to a subscriber).
func inOrder(t testing.TB, got []string, want []string) int {
	t.Helper()
	seen := map[string]bool{}
	repeats, j := 0, 0
	for i, g := range got {
		switch {
		case seen[g]:
			repeats++
		case j < len(want) && g == want[j]:
			seen[g] = true
			j++
		default:
			t.Fatalf("delivery %d is %q; want %q (or a repeat): out of order", i, g, want[min(j, len(want)-1)])
		}
	}
	if j != len(want) {
		t.Fatalf("delivered %d distinct results, want %d", j, len(want))
	}
	return repeats
}

func texts(first, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = text(first + i)
	}
	return out
}

func dur(d time.Duration) conf.Duration { return conf.Duration(d) }

// writeFile writes a file in a test directory and returns its path.
func writeFile(t testing.TB, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
