package buildinfo

import "testing"

func TestVersion(t *testing.T) {
	if got := Version("1.2.3"); got != "1.2.3" {
		t.Errorf("stamped version came back as %q", got)
	}
	if got := Version(""); got == "" {
		t.Error("an unstamped build has no version at all")
	}
}
