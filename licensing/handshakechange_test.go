package licensing

import (
	"errors"
	"testing"

	"github.com/scannerd/scannerd/licensing/lts"
	"github.com/scannerd/scannerd/licensing/wire"
	"github.com/scannerd/scannerd/scanner"
)

// TestHandshakeCodeChangedInTheConfig: after the config changes the
// handshake code, Status names the configured code and, while the
// authorization is still the previous code's, that code too, so that
// "scanctl license" no longer shows the old code as if it were configured.
// The next sync asks the LTS for the configured code even when the old
// authorization is fresh and there is usage to report; a refusal of it is
// the LTS's (ErrLTSRefused) and keeps the old authorization.
func TestHandshakeCodeChangedInTheConfig(t *testing.T) {
	e := newEnv(t, wire.License{}, lts.Handshake{})
	c := e.open(t, e.config())
	mustSync(t, c)
	if st := c.Status(); st.HandshakeCode != e.code || st.AuthorizedHandshakeCode != "" || st.State != StateAuthorized {
		t.Fatalf("authorized under %s: %s, authorized %q, %s", e.code, st.HandshakeCode, st.AuthorizedHandshakeCode, st.State)
	}
	c.Close()

	unknown := e.config()
	unknown.HandshakeCode = "NOPE-NOPE-NOPE"
	c = e.open(t, unknown)
	if st := c.Status(); st.HandshakeCode != "NOPE-NOPE-NOPE" || st.AuthorizedHandshakeCode != e.code {
		t.Errorf("code changed to NOPE-NOPE-NOPE: %s, authorized %q", st.HandshakeCode, st.AuthorizedHandshakeCode)
	}
	count(t, c, scanner.QRCode, 1)
	err := c.Sync(t.Context())
	if !errors.Is(err, ErrLTSRefused) || !errors.Is(err, &wire.Error{Code: wire.CodeUnknownCode}) {
		t.Fatalf("sync under an unknown code: %v, want the LTS's unknown_handshake refusal", err)
	}
	if st := c.Status(); st.State != StateAuthorized || st.AuthorizedHandshakeCode != e.code {
		t.Errorf("after the refusal: %s, authorized %q; want the previous authorization kept", st.State, st.AuthorizedHandshakeCode)
	}
	c.Close()

	other := e.config()
	e.lts.IssueLicense(t, wire.License{ID: "L2", Type: wire.LicensePerDevice, MaxDevices: 10, Expires: e.lts.Clock.Now().AddDate(2, 0, 0)})
	other.HandshakeCode = e.lts.Handshake(t, lts.Handshake{Licenses: []string{"L2"}})
	c = e.open(t, other)
	count(t, c, scanner.QRCode, 1)
	mustSync(t, c)
	if st := c.Status(); st.HandshakeCode != other.HandshakeCode || st.AuthorizedHandshakeCode != "" || st.State != StateAuthorized {
		t.Errorf("after a sync under %s: %s, authorized %q, %s", other.HandshakeCode, st.HandshakeCode, st.AuthorizedHandshakeCode, st.State)
	}
}
