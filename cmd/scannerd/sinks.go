package main

import (
	"context"
	"encoding/json"
	"os"
	"time"

	"github.com/scannerd/scannerd/api"
	"github.com/scannerd/scannerd/sink"
)

// sinkDrain bounds how long the result sinks may take, at stop, to
// deliver what they still hold.
const sinkDrain = 5 * time.Second

// newSinks returns the set of result sinks, none started yet (Apply
// starts them). Their overflow notices go to the API's event streams.
func (d *daemon) newSinks() *sink.Set {
	host, _ := os.Hostname()
	return sink.NewSet(sink.Env{
		Logger: d.log, Clock: d.clock, Host: host, UserAgent: "scannerd/" + buildVersion(),
		Encode: encodeSinkResult,
		OnOverflow: func(o sink.Overflow) {
			d.api.Notify(api.Notice{Event: "sink_overflow", Data: o})
		},
	})
}

// encodeSinkResult writes a result as the API does (with its API id).
func encodeSinkResult(it *sink.Item) ([]byte, error) {
	r := api.NewResult(&it.Result)
	r.ID = it.ID
	return json.Marshal(r)
}

// closeSinks lets the sinks deliver what they hold, for at most sinkDrain.
func (d *daemon) closeSinks() {
	if d.sinks == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), sinkDrain)
	defer cancel()
	d.sinks.Close(ctx)
	for _, st := range d.sinks.Status() {
		d.log.Info("sink stopped", "sink", st.Name, "delivered", st.Delivered, "retried", st.Retried, "dropped", st.Dropped)
	}
}

// sinkStatuses returns the sinks' states for /v1/status and /metrics.
func (d *daemon) sinkStatuses() []api.SinkStatus {
	if d.sinks == nil {
		return nil
	}
	var out []api.SinkStatus
	for _, st := range d.sinks.Status() {
		out = append(out, api.SinkStatus{Name: st.Name, Kind: st.Kind, Target: st.Target, State: st.State,
			Delivered: st.Delivered, Retried: st.Retried, Dropped: st.Dropped, Overflow: st.Overflow,
			Queued: st.Queued, QueueSize: st.QueueSize, LastError: st.LastError, LastErrorAt: st.LastErrorAt})
	}
	return out
}
