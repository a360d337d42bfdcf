// Package packaging holds the files a scannerd installation ships: systemd
// units, sysusers.d and tmpfiles.d entries, and the documented default
// configurations. The default scannerd.toml is also built into the daemon,
// which runs on it when no configuration file exists.
package packaging

import _ "embed"

// DefaultScannerdConfig is packaging/scannerd.toml.
//
//go:embed scannerd.toml
var DefaultScannerdConfig []byte
