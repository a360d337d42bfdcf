//go:build !nocv && linux

package capture

// #include "mallocarenas.h"
import "C"

// MallocArenaCap is the cap on glibc's malloc arenas a program built with
// capture runs with, unless MALLOC_ARENA_MAX or GLIBC_TUNABLES sets
// another (mallocarenas.c sets it as the program is loaded, before any
// thread allocates).
//
// glibc gives each thread that allocates an arena of its own, up to 8 a
// core, and an arena keeps the memory it once held. Every Go thread that
// runs C code (a source's reads through OpenCV and FFmpeg, libjpeg's
// decodes) and every thread of those libraries would keep its own: seven
// arenas, 6 to 7.5 MiB resident, reading two 1080p videos, against 3.5 to
// 4.5 MiB with two (README.md, Measured). Capture's C code allocates
// little and seldom at once from several threads, so two arenas are
// seldom contended.
const MallocArenaCap = C.SCANNERD_MALLOC_ARENAS

// mallocArenas returns how many arenas glibc's malloc has made, or -1.
func mallocArenas() int { return int(C.scannerd_malloc_arenas()) }
