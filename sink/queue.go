package sink

import (
	"context"
	"sync"
)

// queue is a bounded FIFO of items in memory. push never blocks: an item
// that does not fit is refused. The one consumer peeks at the head, tries
// to deliver it, and pops it only when it is done with it, so a result
// being retried keeps its place and the order holds.
type queue struct {
	mu     sync.Mutex
	max    int
	ring   []Item // grows up to max, so an idle big queue costs little
	head   int
	n      int
	closed bool
	ready  chan struct{} // a token when an item arrived or the queue closed
}

func newQueue(max int) *queue {
	return &queue{max: max, ring: make([]Item, min(max, 64)), ready: make(chan struct{}, 1)}
}

// What push did.
const (
	pushed = iota
	pushFull
	pushClosed
)

// push appends it unless the queue is full or closed.
func (q *queue) push(it *Item) int {
	q.mu.Lock()
	switch {
	case q.closed:
		q.mu.Unlock()
		return pushClosed
	case q.n == q.max:
		q.mu.Unlock()
		return pushFull
	}
	if q.n == len(q.ring) {
		grown := make([]Item, min(2*len(q.ring), q.max))
		for i := range q.n {
			grown[i] = q.ring[(q.head+i)%len(q.ring)]
		}
		q.ring, q.head = grown, 0
	}
	q.ring[(q.head+q.n)%len(q.ring)] = *it
	q.n++
	q.mu.Unlock()
	select {
	case q.ready <- struct{}{}:
	default:
	}
	return pushed
}

// What peek returns with.
const (
	peekItem  = iota // the head item
	peekAttn         // attn fired first
	peekEnded        // ctx ended, or the queue is closed and empty
)

// peek waits for the head item and returns a copy of it. It returns
// without one when attn fires first, when ctx ends, or when the queue is
// closed and empty.
func (q *queue) peek(ctx context.Context, attn <-chan struct{}) (Item, int) {
	for {
		q.mu.Lock()
		if q.n > 0 {
			it := q.ring[q.head]
			q.mu.Unlock()
			return it, peekItem
		}
		closed := q.closed
		q.mu.Unlock()
		if closed {
			return Item{}, peekEnded
		}
		select {
		case <-q.ready:
		case <-attn:
			return Item{}, peekAttn
		case <-ctx.Done():
			return Item{}, peekEnded
		}
	}
}

// pop removes the head item.
func (q *queue) pop() {
	q.mu.Lock()
	if q.n > 0 {
		q.ring[q.head] = Item{} // let its strings go now
		q.head = (q.head + 1) % len(q.ring)
		q.n--
	}
	q.mu.Unlock()
}

// close refuses further items; peek returns those still queued, then false.
func (q *queue) close() {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	select {
	case q.ready <- struct{}{}:
	default:
	}
}

// clear empties the queue and returns how many items it held.
func (q *queue) clear() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	n := q.n
	for q.n > 0 {
		q.ring[q.head] = Item{}
		q.head = (q.head + 1) % len(q.ring)
		q.n--
	}
	return n
}

func (q *queue) len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.n
}
