package sink_test

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/scannerd/scannerd/scanner"
	"github.com/scannerd/scannerd/sink"
)

const statusTopic = "scannerd/scannerd-testhost/status"

func mqttSpec(name, broker string, qos int) sink.Spec {
	return sink.Spec{Name: name, RetryMin: dur(time.Millisecond), RetryMax: dur(50 * time.Millisecond),
		MQTT: &sink.MQTTSpec{Broker: broker, Username: brokerUser, Password: brokerPassword, QoS: qos, Timeout: dur(hangBound)}}
}

// resultTexts returns the texts of the JSON results published on topic.
func resultTexts(t testing.TB, msgs []message, topic string) []string {
	t.Helper()
	var out []string
	for _, m := range msgs {
		if m.topic != topic {
			continue
		}
		var p payload
		if err := json.Unmarshal([]byte(m.payload), &p); err != nil {
			t.Fatalf("payload %q on %s: %v", m.payload, topic, err)
		}
		out = append(out, p.Text)
	}
	return out
}

// TestMQTTOverTLSWithPasswordFileTopicsAndStatus: QoS 1 over TLS with a
// username and a password file; results on the topic the template makes,
// in order; a retained "online" while connected and "offline" after.
func TestMQTTOverTLSWithPasswordFileTopicsAndStatus(t *testing.T) {
	t.Parallel()
	b := startBroker(t)
	sub := b.subscribe(t, "watcher-tls", "#")
	spec := mqttSpec("broker", "mqtts://"+b.tls, 1)
	spec.MQTT.Password, spec.MQTT.PasswordFile = "", writeFile(t, "mqtt.pw", brokerPassword+"\n")
	spec.MQTT.CAFile = b.ca
	spec.MQTT.Topic = "lines/{{.Host}}/{{.Source}}/{{.Symbology}}"
	s := newSet(t, sink.Env{}, spec)
	waitFor(t, "the online status", func() bool { return sub.last(statusTopic) == sink.StatusOnline })

	deliver(s, 0, 100)
	odd := scanner.Result{Source: "dock/2+#", Symbology: scanner.EAN13, Text: text(100)}
	s.Deliver(nil, []scanner.Result{odd})
	waitFor(t, "101 results", func() bool { return statusOf(t, s, "broker").Delivered == 101 })
	waitFor(t, "101 messages", func() bool {
		return len(resultTexts(t, sub.messages(), "lines/testhost/cam/QR_CODE")) == 100 &&
			len(resultTexts(t, sub.messages(), "lines/testhost/dock_2__/EAN_13")) == 1
	})
	if got := resultTexts(t, sub.messages(), "lines/testhost/cam/QR_CODE"); inOrder(t, got, texts(0, 100)) != 0 {
		t.Error("repeats without a failure")
	}
	if st := statusOf(t, s, "broker"); st.Target != "mqtts://"+b.tls || st.Dropped != 0 || st.State != sink.StateOK {
		t.Errorf("status %+v", st)
	}

	ctx, cancel := context.WithTimeout(context.Background(), hangBound)
	defer cancel()
	s.Close(ctx)
	waitFor(t, "the offline status", func() bool { return sub.last(statusTopic) == sink.StatusOffline })
	late := b.subscribe(t, "late", statusTopic)
	waitFor(t, "the retained status", func() bool { return len(late.messages()) == 1 })
	if m := late.messages()[0]; m.payload != sink.StatusOffline || !m.retained {
		t.Errorf("a new subscriber gets %+v, want a retained offline", m)
	}
}

// TestMQTTLastWillAndReconnect: a connection cut without a DISCONNECT (a
// crash, a pulled cable) makes the broker publish the Last Will, a
// retained "offline"; the sink reconnects by itself, says "online" again
// and goes on delivering.
func TestMQTTLastWillAndReconnect(t *testing.T) {
	t.Parallel()
	b := startBroker(t)
	sub := b.subscribe(t, "watcher-will", "#")
	p := startProxy(t, b.plain)
	s := newSet(t, sink.Env{}, mqttSpec("broker", "tcp://"+p.addr(), 1))
	waitFor(t, "the online status", func() bool { return sub.last(statusTopic) == sink.StatusOnline })
	deliver(s, 0, 10)
	waitFor(t, "10 results", func() bool { return len(resultTexts(t, sub.messages(), "scannerd/cam/QR_CODE")) == 10 })

	p.cut()
	waitFor(t, "the Last Will, then online again", func() bool {
		var seq []string
		for _, m := range sub.messages() {
			if m.topic == statusTopic {
				seq = append(seq, m.payload)
			}
		}
		return slices.Equal(seq, []string{sink.StatusOnline, sink.StatusOffline, sink.StatusOnline})
	})
	deliver(s, 10, 10)
	waitFor(t, "20 results", func() bool { return statusOf(t, s, "broker").Delivered == 20 })
	waitFor(t, "20 messages", func() bool { return len(resultTexts(t, sub.messages(), "scannerd/cam/QR_CODE")) == 20 })
	inOrder(t, resultTexts(t, sub.messages(), "scannerd/cam/QR_CODE"), texts(0, 20))
}

// TestMQTTBrokerRestartMidStream: results keep coming while the broker
// restarts. At QoS 1 every result arrives, in order (the one in flight at
// the restart may arrive twice); at QoS 0 none arrives twice, the order
// holds, and results that waited in the queue arrive after the restart.
func TestMQTTBrokerRestartMidStream(t *testing.T) {
	t.Parallel()
	for _, qos := range []int{1, 0} {
		b := startBroker(t)
		topic := "qos" + string(rune('0'+qos)) + "/{{.Source}}"
		sub := b.subscribe(t, "watcher-restart", "#")
		spec := mqttSpec("broker", "tcp://"+b.plain, qos)
		spec.MQTT.Topic = topic
		s := newSet(t, sink.Env{}, spec)
		const n = 300
		next := 0
		feed := func(until int) {
			for ; next < until; next++ {
				s.Deliver(ids(next, 1), results(next, 1))
				if next%10 == 0 {
					time.Sleep(time.Millisecond) // a steady stream, not one burst
				}
			}
		}
		feed(100)
		b.restart()
		// QoS 0 messages are not kept for a subscriber away: wait for ours.
		waitFor(t, "the subscriber back", sub.c.IsConnectionOpen)
		feed(200)
		waitFor(t, "a delivery after the restart", func() bool { return statusOf(t, s, "broker").Delivered > 100 })
		feed(n)
		waitFor(t, "every result handled", func() bool {
			st := statusOf(t, s, "broker")
			return st.Delivered+st.Dropped == n && st.Queued == 0
		})
		name := "qos" + string(rune('0'+qos)) + "/cam"
		st := statusOf(t, s, "broker")
		if qos == 1 {
			waitFor(t, "every message", func() bool { return len(distinct(resultTexts(t, sub.messages(), name))) == n })
			repeats := inOrder(t, resultTexts(t, sub.messages(), name), texts(0, n))
			t.Logf("QoS 1: %d delivered, %d retried, %d repeats", st.Delivered, st.Retried, repeats)
			if st.Dropped != 0 || st.Retried == 0 {
				t.Errorf("QoS 1 status %+v: want retries and no drops", st)
			}
			continue
		}
		waitFor(t, "the last message", func() bool {
			got := resultTexts(t, sub.messages(), name)
			return len(got) > 0 && got[len(got)-1] == text(n-1)
		})
		got := resultTexts(t, sub.messages(), name)
		if len(distinct(got)) != len(got) {
			t.Errorf("QoS 0 delivered a result twice")
		}
		subsequence(t, got, texts(0, n))
		t.Logf("QoS 0: %d of %d arrived, status %+v", len(got), n, st)
	}
}

func distinct(s []string) map[string]bool {
	m := map[string]bool{}
	for _, x := range s {
		m[x] = true
	}
	return m
}

// subsequence checks got is want with some elements left out.
func subsequence(t testing.TB, got, want []string) {
	t.Helper()
	j := 0
	for _, g := range got {
		for j < len(want) && want[j] != g {
			j++
		}
		if j == len(want) {
			t.Fatalf("%q out of order or unknown", g)
		}
		j++
	}
}

// TestMQTTStopsWhileTheBrokerIsAway: a sink retrying to connect, with
// nothing queued, stops at once when asked, without waiting for a broker
// that may never come.
func TestMQTTStopsWhileTheBrokerIsAway(t *testing.T) {
	t.Parallel()
	spec := mqttSpec("broker", "tcp://"+freePort(t), 1)
	spec.RetryMin, spec.RetryMax = dur(time.Hour), dur(time.Hour)
	s := newSet(t, sink.Env{}, spec)
	waitFor(t, "a failed connection", func() bool { return statusOf(t, s, "broker").State == sink.StateFailing })
	done := make(chan struct{})
	go func() {
		s.Close(context.Background()) // no deadline: only the sink can end it
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("Close waits for a broker that is away")
	}
}
