package scanner

import (
	"fmt"
	"math"
	"sort"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/scanner/pdf417"
)

// Sequence places a symbol in a structured append set (QR Code, Data
// Matrix, MaxiCode, DotCode, Macro PDF417 and MicroPDF417): up to 16
// symbols (8 for MaxiCode, 35 for DotCode, 99999 for PDF417) that carry
// one message between them. The engine joins the symbols of a set that
// one frame holds whole into one result.
type Sequence struct {
	// Index is the symbol's place in the set, from 0; -1 in a joined
	// result.
	Index int `json:"index"`
	// Count is the number of symbols in the set; 0 when the symbol does
	// not say (Macro PDF417 may leave it to the last symbol's flag).
	Count int `json:"count"`
	// ID tells the set from others: QR Code's parity byte, Data Matrix's
	// file identification, Macro PDF417's file ID.
	ID string `json:"id"`
	// Last is set on the last symbol of a Macro PDF417 set.
	Last bool `json:"last,omitempty"`
}

// sequenceOf reads a result's place in a structured append set, if it has
// one.
func sequenceOf(sym Symbology, res *gozxing.Result) *Sequence {
	md := res.GetResultMetadata()
	switch sym {
	case DotCode:
		// Up to 35 symbols: the index and count minus one, a byte each.
		seq, ok := md[gozxing.ResultMetadataType_STRUCTURED_APPEND_SEQUENCE].(int)
		if !ok || seq < 0 {
			return nil
		}
		return &Sequence{Index: seq >> 8, Count: seq&0xff + 1}
	case QRCode, DataMatrix, MaxiCode:
		seq, ok := md[gozxing.ResultMetadataType_STRUCTURED_APPEND_SEQUENCE].(int)
		if !ok || seq < 0 {
			return nil
		}
		s := &Sequence{Index: seq >> 4, Count: seq&0x0f + 1}
		switch p, _ := md[gozxing.ResultMetadataType_STRUCTURED_APPEND_PARITY].(int); sym {
		case QRCode:
			s.ID = fmt.Sprintf("%02x", p)
		case DataMatrix:
			s.ID = fmt.Sprintf("%d.%d", p>>8, p&0xff)
		}
		return s
	case PDF417, MicroPDF417:
		m, ok := md[gozxing.ResultMetadataType_PDF417_EXTRA_METADATA].(*pdf417.Metadata)
		if !ok || m.Macro == nil {
			return nil
		}
		s := &Sequence{Index: m.Macro.SegmentIndex, ID: m.Macro.FileID, Last: m.Macro.LastSegment}
		if m.Macro.SegmentCount > 0 {
			s.Count = m.Macro.SegmentCount
		}
		return s
	}
	return nil
}

// joinSequences replaces the symbols of each structured append set that
// results hold whole by one result: their texts (and bytes) in order, the
// box round them, Sequence{Index: -1, Count, ID}, the rest from the
// first symbol. Sets with symbols missing (or twice) are left as they are,
// each symbol saying its place: the application may gather them over
// frames.
func joinSequences(results []Result) []Result {
	type key struct {
		sym Symbology
		id  string
	}
	sets := map[key][]int{}
	var keys []key // in the order of the sets' first symbols
	for i, r := range results {
		if r.Sequence != nil && r.Sequence.Index >= 0 {
			k := key{r.Symbology, r.Sequence.ID}
			if sets[k] == nil {
				keys = append(keys, k)
			}
			sets[k] = append(sets[k], i)
		}
	}
	if len(sets) == 0 {
		return results
	}
	drop := map[int]bool{}
	var joined []Result
	for _, k := range keys {
		idx := sets[k]
		sort.Slice(idx, func(a, b int) bool { return results[idx[a]].Sequence.Index < results[idx[b]].Sequence.Index })
		count := 0
		for _, i := range idx {
			s := results[i].Sequence
			count = max(count, s.Count)
			if s.Last {
				count = max(count, s.Index+1)
			}
		}
		if count < 2 || len(idx) != count {
			continue
		}
		whole := true
		for n, i := range idx {
			if results[i].Sequence.Index != n {
				whole = false
			}
		}
		if !whole {
			continue
		}
		j := results[idx[0]]
		j.Text, j.Bytes = "", nil
		binary := true // every symbol carries bytes: so does the message
		minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
		for _, i := range idx {
			r := &results[i]
			j.Text += r.Text
			j.Bytes = append(j.Bytes, r.Bytes...)
			binary = binary && r.Bytes != nil
			for _, p := range r.Points {
				minX, minY, maxX, maxY = math.Min(minX, p.X), math.Min(minY, p.Y), math.Max(maxX, p.X), math.Max(maxY, p.Y)
			}
			drop[i] = true
		}
		if !binary {
			j.Bytes = nil
		}
		j.Points = [4]Point{{minX, minY}, {maxX, minY}, {maxX, maxY}, {minX, maxY}}
		j.Sequence = &Sequence{Index: -1, Count: count, ID: k.id}
		joined = append(joined, j)
	}
	if len(joined) == 0 {
		return results
	}
	out := results[:0:0]
	for i, r := range results {
		if !drop[i] {
			out = append(out, r)
		}
	}
	return append(out, joined...)
}
