package licensing

import (
	"crypto/ecdh"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/google/uuid"
)

// deviceNamespace makes device UUIDs app-specific: the UUIDv5 of the
// machine-id in this namespace identifies the device to the LTS without
// revealing the machine-id, which other software may use.
var deviceNamespace = uuid.MustParse("4f0d1c8a-6b2e-5d37-9a4c-2e81f05b7d63")

// Identity is the device UUID and the X25519 key LTS replies are sealed to.
type Identity struct {
	Device string
	Key    *ecdh.PrivateKey
}

// deviceID derives the device UUID from the machine-id file, or makes a
// random one when there is none.
func deviceID(machineIDFile string) (id string, derived bool, err error) {
	b, err := os.ReadFile(machineIDFile)
	if errors.Is(err, os.ErrNotExist) {
		return uuid.NewString(), false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("read machine id: %w", err)
	}
	mid := strings.TrimSpace(string(b))
	if len(mid) < 16 {
		return uuid.NewString(), false, nil
	}
	return uuid.NewSHA1(deviceNamespace, []byte(mid)).String(), true, nil
}

func newIdentity(machineIDFile string) (*Identity, error) {
	id, _, err := deviceID(machineIDFile)
	if err != nil {
		return nil, err
	}
	k, err := ecdh.X25519().GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	return &Identity{Device: id, Key: k}, nil
}
