package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/scannerd/scannerd/api"
)

// Setup and SaveSetup make the stand-in daemon one the setup page works
// with.
func (daemon) Setup() api.Setup {
	return api.Setup{File: "/var/lib/scannerd/setup.toml", Sources: []api.SetupSource{{Source: "cam0", Region: []int{}, Symbologies: []string{"QR_CODE"}}},
		Symbologies: []string{"QR_CODE"}, Default: []string{"QR_CODE"}}
}

func (d daemon) SaveSetup(context.Context, api.Peer, api.SourceSetup) (api.Setup, error) {
	return d.Setup(), nil
}

var _ api.Configurer = daemon{}

// TestSetupPrintsAOneTimeURLAndStops: scanctl setup checks the daemon,
// prints a loopback URL that opens the page once, and returns 0 when its
// context ends (Ctrl-C).
func TestSetupPrintsAOneTimeURLAndStops(t *testing.T) {
	_, sock, _ := startDaemon(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	m := &Main{Stdin: strings.NewReader(""), Stdout: pw, Stderr: io.Discard,
		Getenv: func(k string) string { return map[string]string{socketEnv: sock}[k] }}
	code := make(chan int, 1)
	go func() {
		code <- m.Run(ctx, []string{"setup", "--json"})
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	go io.Copy(io.Discard, pr)
	_, rest, _ := strings.Cut(line, `"url":"`)
	link, _, _ := strings.Cut(rest, `"`)
	if !strings.HasPrefix(link, "http://127.0.0.1:") || !strings.Contains(link, "/?token=") {
		t.Fatalf("printed %q", line)
	}
	c := &http.Client{Timeout: 2 * time.Minute}
	for i, want := range []int{http.StatusSeeOther, http.StatusForbidden} {
		c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		resp, err := c.Get(link)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("opening the URL the %d. time: %d, want %d", i+1, resp.StatusCode, want)
		}
	}
	cancel()
	select {
	case c := <-code:
		if c != exitOK {
			t.Errorf("exit %d after Ctrl-C", c)
		}
	case <-time.After(2 * time.Minute):
		t.Fatal("scanctl setup did not stop")
	}
}

// TestSetupRefusesAWideListenAddress: --listen takes loopback only.
func TestSetupRefusesAWideListenAddress(t *testing.T) {
	_, sock, _ := startDaemon(t)
	code, _, errOut := run(context.Background(), sock, "setup", "--listen", "0.0.0.0:8080")
	if code != exitUsage || !strings.Contains(errOut, "loopback") {
		t.Errorf("exit %d: %s", code, errOut)
	}
}
