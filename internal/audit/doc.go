// Package audit holds no code of its own: its tests audit a device as a
// customer's auditor would, on the real scannerd and ltsd binaries built
// from this tree. They kill scannerd and ltsd with SIGKILL at random moments
// and compare the scans delivered to subscribers with the totals the LTS
// bills, per symbology; search every file, log line and request body for
// the barcode texts read; and search the memory of a running scannerd for
// the pixels of images it decoded.
//
// The number of kill rounds is AUDIT_KILL_ROUNDS (default 8; "make soak"
// runs 200).
package audit
