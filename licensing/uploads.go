package licensing

import (
	"fmt"

	"github.com/scannerd/scannerd/licensing/wire"
)

// UploadMetering says whether the images uploaded through the local API are
// metered, and why.
type UploadMetering struct {
	Metered bool   `json:"metered"`
	Reason  string `json:"reason"`
}

// UploadMetering returns whether uploads are metered now. They go unmetered
// only when the operator asks for it (unmetered_uploads) and the license
// the device holds grants wire.FeatureUnmeteredUploads: the vendor's
// signature allows it, not the device's configuration, which whoever owns
// the device can edit. It takes no locks: the daemon asks for every
// upload.
func (c *Client) UploadMetering() UploadMetering { return c.uploadMetering(c.gate.Load()) }

func (c *Client) uploadMetering(g *gate) UploadMetering {
	if !c.cfg.UnmeteredUploads {
		return UploadMetering{Metered: true, Reason: "uploads are metered like camera scans (unmetered_uploads is not set)"}
	}
	switch {
	case g.auth != nil && g.auth.Grants(wire.FeatureUnmeteredUploads):
		return UploadMetering{Reason: fmt.Sprintf("uploads are not metered: unmetered_uploads is set and the licenses of handshake code %s grant it", g.auth.HandshakeCode)}
	case g.offline != nil && g.offline.Grants(wire.FeatureUnmeteredUploads):
		return UploadMetering{Reason: fmt.Sprintf("uploads are not metered: unmetered_uploads is set and offline license %s grants it", g.offline.ID)}
	case g.auth == nil && g.offline == nil:
		return UploadMetering{Metered: true, Reason: "uploads are metered: unmetered_uploads is set, but the device holds no license yet that could grant it"}
	}
	return UploadMetering{Metered: true, Reason: "uploads are metered: unmetered_uploads is set, but the license does not grant the unmetered_uploads feature (only the vendor can grant it, in the license)"}
}

// UnmeteredUploadsAsked reports whether the configuration asks for
// unmetered uploads, granted or not.
func (c *Client) UnmeteredUploadsAsked() bool { return c.cfg.UnmeteredUploads }
