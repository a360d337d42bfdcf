package api

import "testing"

// TestMetricsAddressDefaultsToLoopback: a port alone never listens
// beyond the machine.
func TestMetricsAddressDefaultsToLoopback(t *testing.T) {
	for in, want := range map[string]string{
		"": "", "9464": "127.0.0.1:9464", ":9464": "127.0.0.1:9464", "[::1]:9464": "[::1]:9464",
		"0.0.0.0:9464": "0.0.0.0:9464",
	} {
		if got, err := metricsAddress(in); err != nil || got != want {
			t.Errorf("metricsAddress(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}
