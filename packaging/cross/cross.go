// Package cross describes building for another architecture: the targets,
// and the sysroot of Debian's packages for one (made by
// scripts/deps-cross.sh) that cross builds link against and qemu runs
// their binaries on.
package cross

import (
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
)

// Target is a Debian architecture and how Go and C compile for it.
type Target struct {
	Deb, GOARCH, Triplet string
	// Qemu runs the target's binaries here (qemu-user-static).
	Qemu string
}

// Targets are the architectures the packages are built for.
var Targets = map[string]Target{
	"amd64": {Deb: "amd64", GOARCH: "amd64", Triplet: "x86_64-linux-gnu", Qemu: "qemu-x86_64-static"},
	"arm64": {Deb: "arm64", GOARCH: "arm64", Triplet: "aarch64-linux-gnu", Qemu: "qemu-aarch64-static"},
}

// Native says the target is the machine's own architecture.
func (t Target) Native() bool { return t.GOARCH == runtime.GOARCH }

// Sysroot is where scripts/deps-cross.sh unpacks Debian's packages of the
// target's OpenCV and all they need: root/ holds them all, pkgs/NAME/
// each with its control files. $SCANNERD_SYSROOT overrides it.
func (t Target) Sysroot() (string, error) {
	if s := os.Getenv("SCANNERD_SYSROOT"); s != "" {
		return s, nil
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(cache, "scannerd", "sysroot-"+t.Deb), nil
}

// LibDirs returns the directories below the sysroot's root that hold the
// target's shared libraries: the multiarch directories, those below them
// (where ld.so.conf.d entries and alternatives point: lapack, blas, …) and
// /usr/lib itself (a few packages are not multiarch yet). The linker
// (rpath-link) and the target's loader under qemu (LD_LIBRARY_PATH) search
// them.
func (t Target) LibDirs(sysroot string) []string {
	seen := map[string]bool{}
	for _, top := range []string{"lib", "usr/lib"} {
		filepath.WalkDir(filepath.Join(sysroot, "root", top), func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.Contains(d.Name(), ".so") {
				seen[filepath.Dir(p)] = true
			}
			return nil
		})
	}
	dirs := make([]string, 0, len(seen))
	for d := range seen {
		dirs = append(dirs, d)
	}
	sort.Strings(dirs)
	return dirs
}
