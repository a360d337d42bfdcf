//go:build !nocv && linux

#include "loadpages.h"

#include <dirent.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

static long droppedKiB;

// threads returns how many threads the process has, or -1.
static int threads(void) {
	DIR *d = opendir("/proc/self/task");
	if (d == NULL)
		return -1;
	int n = 0;
	for (struct dirent *e; (e = readdir(d)) != NULL;)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

// loadNSSModules has glibc load the modules /etc/nsswitch.conf names for
// the group and user databases (Debian's: libnss_systemd), with lookups
// of the empty name, which no module finds and none asks a service about.
// Loaded later, at the program's first group or user lookup that the
// files do not answer (os/user through cgo: the daemon's socket and admin
// groups, a peer's groups), a module is relocated against every library
// loaded, its symbols looked up in their symbol tables, and those pages
// come back: 8.4 MiB of the libraries' file pages at the two photo
// streams' peak, most of the first pages of all 244 libraries. Loaded
// now, the pages that took are dropped with the rest.
static void loadNSSModules(void) {
	char buf[1024];
	struct group g, *gr;
	struct passwd p, *pw;
	getgrnam_r("", &g, buf, sizeof buf, &gr);
	getpwnam_r("", &p, buf, sizeof buf, &pw);
}

// dropLoadPages runs as the program is loaded, once every library is
// loaded, relocated and initialised and before any thread of the program
// starts. Loading Debian's OpenCV touches some 50 MiB of its 244
// libraries' files that the program never reads again: the symbol
// tables and relocations the dynamic linker reads to bind every symbol
// of every library at once (they are linked with BIND_NOW), and the
// code their constructors run. Those pages stay mapped, counted in the
// process's resident set, until the kernel is short of memory. Each
// read-only private mapping of a file that holds no page of its own (no
// relocated or written page: Anonymous 0 in smaps) is unmapped from the
// page tables with MADV_DONTNEED; the file's pages stay in the page cache,
// and a page the program reads again is mapped again from there on its
// first touch (a minor fault). Nothing else runs while this does, so no
// mapping can change between reading smaps and the madvise calls: were a
// library's constructor to have started a thread, the pages are kept.
// SCANNERD_KEEP_LOAD_PAGES set (to anything) in the environment keeps them.
__attribute__((constructor)) static void dropLoadPages(void) {
	const char *keep = getenv("SCANNERD_KEEP_LOAD_PAGES");
	if (keep != NULL && keep[0] != '\0')
		return;
	if (threads() != 1)
		return;
	loadNSSModules();
	if (threads() != 1)
		return;
	FILE *f = fopen("/proc/self/smaps", "re");
	if (f == NULL)
		return;
	enum { maxRanges = 4096 };
	static unsigned long starts[maxRanges], ends[maxRanges];
	static long rss[maxRanges];
	int n = 0;
	unsigned long start = 0, end = 0;
	long anon = -1, resident = 0;
	int candidate = 0;
	char line[4096];
	while (fgets(line, sizeof line, f) != NULL) {
		// A mapping's first line starts with its address in lower-case
		// hex ("start-end perms offset dev inode path"); the lines of its
		// fields with a capital letter.
		if ((line[0] >= '0' && line[0] <= '9') || (line[0] >= 'a' && line[0] <= 'f')) {
			char *p;
			start = strtoul(line, &p, 16);
			end = *p == '-' ? strtoul(p + 1, &p, 16) : 0;
			const char *perms = p + 1;
			int fields = 0; // perms, offset, device, inode
			while (*p == ' ' && fields < 4) {
				while (*p == ' ')
					p++;
				while (*p != ' ' && *p != '\n' && *p != '\0')
					p++;
				fields++;
			}
			while (*p == ' ')
				p++;
			// A private mapping of a file (a path), never writable.
			candidate = fields == 4 && end > start && *p == '/' && perms[4] == ' ' && perms[1] != 'w' && perms[3] == 'p';
			anon = -1;
			resident = 0;
			continue;
		}
		if (!candidate)
			continue;
		if (strncmp(line, "Rss:", 4) == 0)
			resident = strtol(line + 4, NULL, 10);
		else if (strncmp(line, "Anonymous:", 10) == 0)
			anon = strtol(line + 10, NULL, 10);
		else if (strncmp(line, "VmFlags:", 8) == 0) {
			// The mapping's last line. Locked pages stay.
			if (anon == 0 && resident > 0 && strstr(line, " lo") == NULL && n < maxRanges) {
				starts[n] = start;
				ends[n] = end;
				rss[n] = resident;
				n++;
			}
			candidate = 0;
		}
	}
	fclose(f);
	for (int i = 0; i < n; i++)
		if (madvise((void *)starts[i], ends[i] - starts[i], MADV_DONTNEED) == 0)
			droppedKiB += rss[i];
}

long scannerd_load_pages_dropped(void) { return droppedKiB; }
