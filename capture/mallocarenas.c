//go:build !nocv && linux

#include "mallocarenas.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// capMallocArenas runs as the program is loaded, before any thread is
// made: glibc binds each thread to the arena it first allocated from, so
// only a cap set before the threads start bounds them all. glibc's own
// cap is 8 arenas a core; a thread's arena keeps what the thread once
// held. The environment's setting (MALLOC_ARENA_MAX, or arena_max in
// GLIBC_TUNABLES), read by glibc itself, is left alone.
__attribute__((constructor)) static void capMallocArenas(void) {
#ifdef M_ARENA_MAX
	const char *tunables = getenv("GLIBC_TUNABLES");
	if (getenv("MALLOC_ARENA_MAX") != NULL || (tunables != NULL && strstr(tunables, "arena_max") != NULL))
		return;
	mallopt(M_ARENA_MAX, SCANNERD_MALLOC_ARENAS);
#endif
}

int scannerd_malloc_arenas(void) {
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (f == NULL)
		return -1;
	int ok = malloc_info(0, f) == 0;
	fclose(f);
	int n = 0;
	for (char *p = buf; ok && p != NULL && (p = strstr(p, "<heap nr=")) != NULL; p++)
		n++;
	free(buf);
	return ok ? n : -1;
}
