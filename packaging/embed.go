// Package packaging holds the files a scannerd installation ships: systemd
// units, sysusers.d and tmpfiles.d entries, and the documented default
// configurations. The default scannerd.toml is also built into the daemon,
// which runs on it when no configuration file exists, and the documented
// ltsd.toml into ltsd, which writes it beside the config "ltsd init" makes.
package packaging

import _ "embed"

// DefaultScannerdConfig is packaging/scannerd.toml.
//
//go:embed scannerd.toml
var DefaultScannerdConfig []byte

// LTSDConfigExample is packaging/ltsd.toml: every key of ltsd's
// configuration with its default, commented out.
//
//go:embed ltsd.toml
var LTSDConfigExample []byte
