package sink_test

import (
	"context"
	"strings"
	"testing"

	"github.com/scannerd/scannerd/internal/conf"
	"github.com/scannerd/scannerd/scanner"
	"github.com/scannerd/scannerd/sink"
)

func hook(url string) *sink.WebhookSpec { return &sink.WebhookSpec{URL: url} }

func TestSpecErrors(t *testing.T) {
	t.Parallel()
	ok := func() sink.Spec { return sink.Spec{Name: "a", Webhook: hook("https://erp.example/scans")} }
	for _, tc := range []struct {
		name   string
		change func(*sink.Spec)
		want   string
	}{
		{"no name", func(s *sink.Spec) { s.Name = "" }, "name is empty"},
		{"slash in name", func(s *sink.Spec) { s.Name = "a/b" }, "slashes"},
		{"no kind", func(s *sink.Spec) { s.Webhook = nil }, "exactly one"},
		{"two kinds", func(s *sink.Spec) { s.Serial = &sink.SerialSpec{Device: "/dev/ttyS0"} }, "found 2"},
		{"symbology", func(s *sink.Spec) { s.Symbologies = conf.List{"QR_CODE", "BOGUS"} }, "symbologies"},
		{"regexp", func(s *sink.Spec) { s.Text = "([0-9]" }, "text:"},
		{"empty source", func(s *sink.Spec) { s.Sources = []string{""} }, "empty name"},
		{"format", func(s *sink.Spec) { s.Format = "xml" }, `format "xml"`},
		{"template without format", func(s *sink.Spec) { s.Template = "{{.Text}}" }, `set format = "template"`},
		{"template missing", func(s *sink.Spec) { s.Format = "template" }, "needs a template"},
		{"template syntax", func(s *sink.Spec) { s.Format, s.Template = "template", "{{.Text" }, "template:"},
		{"template field", func(s *sink.Spec) { s.Format, s.Template = "template", "{{.Barcode}}" }, "Barcode"},
		{"template range", func(s *sink.Spec) { s.Format, s.Template = "template", "{{range 1000000000}}{{end}}" }, "range"},
		{"template define", func(s *sink.Spec) {
			s.Format, s.Template = "template", `{{define "x"}}{{template "x"}}{{end}}{{template "x"}}`
		}, "not allowed"},
		{"queue", func(s *sink.Spec) { s.Queue = -1 }, "queue"},
		{"queue big", func(s *sink.Spec) { s.Queue = sink.MaxQueue + 1 }, "queue"},
		{"retry", func(s *sink.Spec) { s.RetryMin, s.RetryMax = dur(5e9), dur(1e9) }, "retry_min"},
		{"http", func(s *sink.Spec) { s.Webhook.URL = "http://erp.example/scans" }, "plain http only to a loopback"},
		{"scheme", func(s *sink.Spec) { s.Webhook.URL = "ftp://erp.example/" }, "https://"},
		{"no host", func(s *sink.Spec) { s.Webhook.URL = "https:///x" }, "https://"},
		{"url user", func(s *sink.Spec) { s.Webhook.URL = "https://u:p@erp.example/" }, "no credentials"},
		{"two secrets", func(s *sink.Spec) { s.Webhook.Secret, s.Webhook.SecretFile = "x", "/etc/k" }, "not both"},
		{"relative secret file", func(s *sink.Spec) { s.Webhook.SecretFile = "k" }, "absolute"},
		{"broker scheme", func(s *sink.Spec) { s.Webhook, s.MQTT = nil, &sink.MQTTSpec{Broker: "ws://h:1"} }, "scheme"},
		{"broker port", func(s *sink.Spec) { s.Webhook, s.MQTT = nil, &sink.MQTTSpec{Broker: "tcp://h"} }, "host:port"},
		{"qos", func(s *sink.Spec) { s.Webhook, s.MQTT = nil, &sink.MQTTSpec{Broker: "tcp://h:1", QoS: 2} }, "qos 2"},
		{"topic field", func(s *sink.Spec) { s.Webhook, s.MQTT = nil, &sink.MQTTSpec{Broker: "tcp://h:1", Topic: "a/{{.Nope}}"} }, "Nope"},
		{"status wildcard", func(s *sink.Spec) { s.Webhook, s.MQTT = nil, &sink.MQTTSpec{Broker: "tcp://h:1", StatusTopic: "a/#"} }, "wildcards"},
		{"password alone", func(s *sink.Spec) { s.Webhook, s.MQTT = nil, &sink.MQTTSpec{Broker: "tcp://h:1", Password: "p"} }, "without a username"},
		{"device", func(s *sink.Spec) { s.Webhook, s.Serial = nil, &sink.SerialSpec{Device: "ttyS0"} }, "absolute"},
		{"baud", func(s *sink.Spec) { s.Webhook, s.Serial = nil, &sink.SerialSpec{Device: "/dev/ttyS0", Baud: 12345} }, "9600"},
		{"parity", func(s *sink.Spec) { s.Webhook, s.Serial = nil, &sink.SerialSpec{Device: "/dev/ttyS0", Parity: "mark"} }, "parity"},
		{"data bits", func(s *sink.Spec) { s.Webhook, s.Serial = nil, &sink.SerialSpec{Device: "/dev/ttyS0", DataBits: 5} }, "data_bits"},
		{"stop bits", func(s *sink.Spec) { s.Webhook, s.Serial = nil, &sink.SerialSpec{Device: "/dev/ttyS0", StopBits: 3} }, "stop_bits"},
	} {
		s := ok()
		tc.change(&s)
		err := s.Validate()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want it to mention %q", tc.name, err, tc.want)
		}
	}
	for _, s := range []sink.Spec{
		ok(),
		{Name: "local", Webhook: hook("http://127.0.0.1:8080/x")},
		{Name: "local6", Webhook: hook("http://[::1]:8080/x")},
		{Name: "m", MQTT: &sink.MQTTSpec{Broker: "mqtts://broker:8883", QoS: 1, Topic: "t/{{.Host}}/{{.Source}}"}},
		{Name: "s", Serial: &sink.SerialSpec{Device: "/dev/ttyUSB0", Baud: 115200}, Template: `{{.Symbology}};{{printf "%.20s" .Text}}`},
	} {
		if err := s.Validate(); err != nil {
			t.Errorf("%+v: %v", s, err)
		}
	}
}

// TestFilters: each sink takes only the results its sources, symbologies
// and text pattern select; a sink without filters takes every result,
// those of symbologies read only when a source names them too, and one
// with symbologies = "default" only those on by default.
func TestFilters(t *testing.T) {
	t.Parallel()
	r := newReceiver(t)
	all, some, defaults := r.spec("all"), r.spec("some"), r.spec("defaults")
	defaults.Symbologies = conf.List{"default"}
	some.Sources = []string{"dock"}
	some.Symbologies = conf.List{"EAN_13", "CODE_128"}
	some.Text = "^400[0-9]+$"
	s := newSet(t, sink.Env{}, all, some, defaults)
	s.Deliver(nil, []scanner.Result{
		{Source: "dock", Symbology: scanner.EAN13, Text: "4006381333931"},  // taken by both
		{Source: "gate", Symbology: scanner.EAN13, Text: "4006381333931"},  // other source
		{Source: "dock", Symbology: scanner.QRCode, Text: "4006381333931"}, // other symbology
		{Source: "dock", Symbology: scanner.Code128, Text: "X4001"},        // text does not match
		{Source: "dock", Symbology: scanner.Code128, Text: "40012"},        // taken by both
		{Source: "gate", Symbology: scanner.Code11, Text: "123-455"},       // off by default
		{Source: "gate", Symbology: scanner.MicroPDF417, Text: "4001"},     // off by default
	})
	want := map[string]uint64{"all": 7, "some": 2, "defaults": 5}
	waitFor(t, "the deliveries", func() bool {
		for name, n := range want {
			if statusOf(t, s, name).Delivered < n {
				return false
			}
		}
		return true
	})
	// Closing drains the queues: no sink has more to deliver after.
	ctx, cancel := context.WithTimeout(context.Background(), hangBound)
	defer cancel()
	s.Close(ctx)
	for name, n := range want {
		if st := statusOf(t, s, name); st.Delivered != n || st.Dropped != 0 {
			t.Errorf("sink %s delivered %d, dropped %d; want %d, none dropped", name, st.Delivered, st.Dropped, n)
		}
	}
}

// TestApplyKeepsUnchangedSinksAndRefusesBadSpecs: a reload with the same
// spec keeps the sink (and what it holds); a changed one is replaced; an
// invalid set, or one whose secret file is missing, changes nothing.
func TestApplyKeepsUnchangedSinksAndRefusesBadSpecs(t *testing.T) {
	t.Parallel()
	r := newReceiver(t)
	a, b := r.spec("a"), r.spec("b")
	s := newSet(t, sink.Env{}, a, b)
	deliver(s, 0, 3)
	waitFor(t, "3 results each", func() bool { return statusOf(t, s, "a").Delivered == 3 && statusOf(t, s, "b").Delivered == 3 })

	bad := r.spec("c")
	bad.Webhook.SecretFile = "/nonexistent/hook.key"
	for _, specs := range [][]sink.Spec{{a, bad}, {a, a}, {a, {Name: "x"}}} {
		if err := s.Apply(specs); err == nil {
			t.Errorf("Apply(%v) succeeded", specs)
		}
	}
	if st := s.Status(); len(st) != 2 || st[1].Name != "b" {
		t.Fatalf("a refused Apply changed the sinks: %+v", st)
	}

	b.Symbologies = conf.List{"EAN_13"}
	if err := s.Apply([]sink.Spec{b, a}); err != nil {
		t.Fatal(err)
	}
	st := s.Status()
	if st[0].Name != "b" || st[0].Delivered != 0 || st[1].Name != "a" || st[1].Delivered != 3 {
		t.Errorf("after Apply: %+v; want b new (nothing delivered) and a kept (3 delivered)", st)
	}
}
