// glibc's malloc arenas for the C code capture runs (mallocarenas.go).
#ifndef SCANNERD_MALLOCARENAS_H
#define SCANNERD_MALLOCARENAS_H

// SCANNERD_MALLOC_ARENAS is the cap on glibc's malloc arenas set as the
// program is loaded, unless the environment sets one.
#define SCANNERD_MALLOC_ARENAS 2

// scannerd_malloc_arenas returns how many arenas malloc has made (glibc's
// malloc_info), or -1 if it cannot tell.
int scannerd_malloc_arenas(void);

#endif
