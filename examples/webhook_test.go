package examples_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/scannerd/scannerd/api"
	"github.com/scannerd/scannerd/sink"
)

// TestPythonWebhookReceiver runs examples/python/webhook_receiver.py and
// a webhook sink posting to it: it prints every result once, in order,
// and refuses a request whose signature is wrong.
func TestPythonWebhookReceiver(t *testing.T) {
	python := need(t, "python3")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	_, port, _ := net.SplitHostPort(addr)
	key := filepath.Join(t.TempDir(), "hook.key")
	os.WriteFile(key, []byte("example-secret\n"), 0o600)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, python, "python/webhook_receiver.py", "--port", port, "--secret-file", key)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cancel(); cmd.Wait() }()
	lines := bufio.NewScanner(stdout)
	if !lines.Scan() || lines.Text() != "listening" {
		t.Fatalf("the receiver did not start: %q %s", lines.Text(), stderr.String())
	}

	// A forged request is refused.
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/", strings.NewReader(`{"id":1,"symbology":"QR_CODE","text":"forged"}`))
	req.Close = true
	req.Header.Set(sink.HeaderTimestamp, strconv.FormatInt(time.Now().Unix(), 10))
	req.Header.Set(sink.HeaderSignature, "sha256="+sink.Sign([]byte("wrong-secret"), req.Header.Get(sink.HeaderTimestamp), []byte(`{}`)))
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("a forged request: %v %v", resp, err)
	}

	set := sink.NewSet(sink.Env{Encode: func(it *sink.Item) ([]byte, error) {
		r := api.NewResult(&it.Result)
		r.ID = it.ID
		return json.Marshal(r)
	}})
	if err := set.Apply([]sink.Spec{{Name: "receiver",
		Webhook: &sink.WebhookSpec{URL: "http://" + addr + "/scans", SecretFile: key}}}); err != nil {
		t.Fatal(err)
	}
	defer set.Close(ctx)
	set.Deliver([]uint64{7, 8}, published)
	var got []string
	for len(got) < 2 && lines.Scan() {
		got = append(got, lines.Text())
	}
	want := []string{"7 EAN_13 5901234123457", "8 QR_CODE https://example.com/ticket/42"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("the receiver printed %q, want %q\n%s", got, want, stderr.String())
	}
	for deadline := time.Now().Add(30 * time.Second); set.Status()[0].Delivered != 2; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("sink status %+v", set.Status()[0])
		}
	}
}
