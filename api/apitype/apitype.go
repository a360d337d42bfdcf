// Package apitype holds the types of scannerd's local socket API as they
// travel on the wire: the JSON of every answer, request body and event,
// and the stable error codes. The server (package api) and the Go client
// (package api/client) share them, and docs/openapi.yaml describes the
// same JSON; tests check all three against each other.
//
// The package depends on the standard library alone, so a kiosk program
// that imports the client pulls in nothing of the daemon.
package apitype

import "time"

// Result is one barcode: one JSON object, one NDJSON line, one SSE data
// field.
type Result struct {
	// ID increases with every result, also across daemon restarts; it is
	// the cursor of /v1/results and the SSE event id. Uploads have ID 0.
	ID        uint64 `json:"id"`
	Source    string `json:"source"`
	Frame     uint64 `json:"frame"`
	Symbology string `json:"symbology"`
	Text      string `json:"text"`
	// AddOn is the EAN-2/EAN-5 add-on of an EAN-13, UPC-A or UPC-E symbol.
	AddOn string `json:"addon,omitempty"`
	// SymbologyID is the AIM symbology identifier ("]Q1", "]C1", "]e0",
	// …) the symbol announced, which tells GS1 data (]C1, ]e0, ]Q3, ]d2,
	// ]J1) from plain text; absent when the reader reports none.
	SymbologyID string `json:"symbology_id,omitempty"`
	// Sequence places a structured append symbol in its set, or says
	// that the result joins a whole set; absent for other symbols.
	Sequence *Sequence `json:"sequence,omitempty"`
	// Bytes is the base64 payload when it is not valid UTF-8.
	Bytes string `json:"bytes,omitempty"`
	// Points are the symbol's corners in frame pixels (fractional):
	// top-left, top-right, bottom-right, bottom-left as read.
	Points     [4][2]float64 `json:"points"`
	CapturedAt time.Time     `json:"captured_at"`
	DecodedAt  time.Time     `json:"decoded_at"`
	LatencyMS  float64       `json:"latency_ms"` // capture to decoded
}

// Sequence is a result's place in a structured append set (QR Code, Data
// Matrix, Macro PDF417 and MicroPDF417, MaxiCode, DotCode): symbols that carry one
// message between them. The daemon joins a set that one frame holds whole into one result
// with Index -1.
type Sequence struct {
	// Index is the symbol's place in the set, from 0; -1 for a joined set.
	Index int `json:"index"`
	// Count is the number of symbols in the set; 0 when the symbol does
	// not say (a Macro PDF417 segment may leave it to Last).
	Count int `json:"count"`
	// ID tells one set from another: QR Code's parity byte in hex, Data
	// Matrix's two file identification codewords ("12.34"), Macro
	// PDF417's file ID digits; empty for MaxiCode and DotCode.
	ID string `json:"id"`
	// Last marks the last segment of a Macro PDF417 set.
	Last bool `json:"last,omitempty"`
}

// Health is GET /v1/health's answer.
type Health struct {
	OK bool `json:"ok"`
}

// Results is GET /v1/results's answer.
type Results struct {
	Results []Result `json:"results"`
	// Cursor is the since= of the next call: it returns only newer results.
	Cursor uint64 `json:"cursor"`
	// Expired counts results published after the request's since= that
	// were purged (result_ttl, max_held_results) before it came: a gap.
	// Absent when there is none.
	Expired uint64 `json:"expired,omitempty"`
}

// Decoded is POST /v1/decode's answer. Results of uploads have ID 0 and
// source UploadSource: they are not published to subscribers.
type Decoded struct {
	Results []Result `json:"results"`
	Width   int      `json:"width"`
	Height  int      `json:"height"`
}

// UploadSource is the source name of results decoded from uploads.
const UploadSource = "upload"
