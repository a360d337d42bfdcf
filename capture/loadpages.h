// The file pages loading the program touched, left to the page cache
// (loadpages.go).
#ifndef SCANNERD_LOADPAGES_H
#define SCANNERD_LOADPAGES_H

// scannerd_load_pages_dropped returns how many KiB of file pages the
// program's start left to the page cache (0 when it kept them).
long scannerd_load_pages_dropped(void);

#endif
