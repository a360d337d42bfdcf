//go:build !nocv && linux

package capture

// #include "loadpages.h"
import "C"

// loadPagesDroppedKiB returns how many KiB of file pages the program's
// start left to the page cache: the pages of its libraries and its own
// file that loading touched and that hold nothing of the program's own
// (loadpages.c). They are unmapped, not freed: they stay in the page
// cache, shared with every program that maps the same files, and a page
// read again is mapped again on its first touch. 0 when
// SCANNERD_KEEP_LOAD_PAGES is set.
func loadPagesDroppedKiB() int { return int(C.scannerd_load_pages_dropped()) }
