// Command mkdeb builds the Debian packages of scannerd (make deb): scannerd
// (the daemon and scanctl, for scanner devices) and ltsd (the License
// Tracking Server), for amd64 or, cross-built, arm64, with dpkg-deb.
//
//	go run ./packaging/mkdeb [--arch amd64|arm64] [--version V] [--out DIR]
//
// The version comes from git (packaging/debversion) unless --version names
// one. It prints the path of each package built.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var o options
	flag.StringVar(&o.arch, "arch", runtime.GOARCH, "Debian architecture to build for: amd64 or arm64")
	flag.StringVar(&o.version, "version", "", "upstream version (default: from git)")
	flag.StringVar(&o.out, "out", "dist", "directory for the packages")
	flag.StringVar(&o.compression, "compression", "xz", "data compression: xz, gzip or zstd")
	flag.Parse()
	if flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
	debs, err := build(ctx, o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "mkdeb:", err)
		os.Exit(1)
	}
	for _, d := range debs {
		fmt.Println(d)
	}
}

type options struct {
	arch, version, out, compression string
}

// repoRoot finds the checkout: the directory above the working directory
// that holds go.mod and cmd/scannerd.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "cmd", "scannerd")); err == nil {
			if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
				return dir, nil
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("not inside a scannerd checkout")
		}
		dir = parent
	}
}
