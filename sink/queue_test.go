package sink

import (
	"context"
	"testing"
)

func TestQueueKeepsOrderAcrossGrowthAndWraps(t *testing.T) {
	q := newQueue(100)
	next, want := 0, 0
	for round := range 50 {
		for range round % 7 * 9 {
			if q.push(&Item{ID: uint64(next)}) == pushed {
				next++
			}
		}
		for range round % 5 * 8 {
			it, got := q.peek(context.Background(), nil)
			if got != peekItem {
				break
			}
			if it.ID != uint64(want) {
				t.Fatalf("round %d: got %d, want %d", round, it.ID, want)
			}
			q.pop()
			want++
		}
		if q.len() != next-want || q.len() > 100 {
			t.Fatalf("round %d: len %d, pushed %d, popped %d", round, q.len(), next, want)
		}
	}
	if q.push(&Item{}) != pushed && q.len() < 100 {
		t.Fatal("a queue with room refused an item")
	}
	q.close()
	if q.push(&Item{}) != pushClosed {
		t.Fatal("a closed queue took an item")
	}
	n := q.len()
	if q.clear() != n || q.len() != 0 {
		t.Fatal("clear")
	}
	if _, got := q.peek(context.Background(), nil); got != peekEnded {
		t.Fatal("peek on a closed empty queue")
	}
}

// BenchmarkQueue is the cost of queueing one result and taking it off.
func BenchmarkQueue(b *testing.B) {
	q := newQueue(DefaultQueue)
	it := &Item{ID: 1}
	for b.Loop() {
		q.push(it)
		q.pop()
	}
}
