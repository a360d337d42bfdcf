// Package buildinfo names the version of the running binary.
package buildinfo

import "runtime/debug"

// Version returns stamped, the version the build wrote into the binary
// (-ldflags "-X main.version=…"), or else the module version Go recorded,
// or "devel" for a plain build from a checkout.
func Version(stamped string) string {
	if stamped != "" {
		return stamped
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "devel"
}
