package main

import (
	"fmt"
	"log/slog"
	"strings"
	"time"

	sd "github.com/coreos/go-systemd/v22/daemon"
)

// notifier speaks the sd_notify protocol; outside systemd (no
// NOTIFY_SOCKET) every call does nothing.
type notifier struct{ log *slog.Logger }

func newNotifier(log *slog.Logger) *notifier { return &notifier{log: log} }

func (n *notifier) send(state string) {
	if _, err := sd.SdNotify(false, state); err != nil {
		n.log.Debug("sd_notify failed", "err", err)
	}
}

// Ready says the daemon serves: sources started, socket listening.
func (n *notifier) Ready(status string) { n.send("READY=1\nSTATUS=" + status) }

// Reloading says a configuration reload began; Ready ends it.
func (n *notifier) Reloading() {
	n.send("RELOADING=1\n" + sd.SdNotifyMonotonicUsec())
}

// Stopping says a graceful stop began.
func (n *notifier) Stopping() { n.send("STOPPING=1") }

// Status updates the one-line status systemctl shows.
func (n *notifier) Status(s string) { n.send("STATUS=" + s) }

// Watchdog tells systemd the daemon is alive.
func (n *notifier) Watchdog() { n.send("WATCHDOG=1") }

// watchdogHooks let a test drive the watchdog: tick replaces the ticker
// that systemd's WATCHDOG_USEC sets, and pinged is told, after each tick,
// whether the daemon pinged.
type watchdogHooks struct {
	tick   <-chan time.Time
	pinged func(bool)
}

// supervise refreshes STATUS= every few seconds and pings the watchdog
// while the pipeline makes progress.
func (d *daemon) supervise() {
	defer d.wg.Done()
	pingC := d.watchdog.tick
	if pingC == nil {
		if interval, _ := sd.SdWatchdogEnabled(false); interval > 0 {
			t := time.NewTicker(interval / 2)
			defer t.Stop()
			pingC = t.C
		}
	}
	statusT := time.NewTicker(5 * time.Second)
	defer statusT.Stop()
	unhealthy := ""
	for {
		select {
		case <-d.ctx.Done():
			return
		case <-statusT.C:
			d.notify.Status(d.statusLine())
		case <-pingC:
			err := d.healthy()
			switch {
			case err == nil:
				unhealthy = ""
				d.notify.Watchdog()
			case err.Error() != unhealthy:
				d.log.Error("pipeline not making progress: watchdog pings stop", "err", err)
				unhealthy = err.Error()
			}
			if d.watchdog.pinged != nil {
				d.watchdog.pinged(err == nil)
			}
		}
	}
}

// healthy reports whether the pipeline makes progress: no worker stuck on
// a frame. A source that is reopening is not a stuck pipeline: the daemon
// is doing what it should, and restarting it would not bring a camera back.
func (d *daemon) healthy() error {
	return d.engine.Healthy()
}

// statusLine summarises the daemon for STATUS= and logs.
func (d *daemon) statusLine() string {
	var parts []string
	for _, s := range d.sourceStatuses() {
		if s.State == "running" {
			parts = append(parts, fmt.Sprintf("%s %.1f fps", s.Name, s.FPS))
		} else {
			parts = append(parts, fmt.Sprintf("%s %s", s.Name, s.State))
		}
	}
	st := d.engine.Stats()
	uptime := d.clock().Sub(d.started).Seconds()
	rate := 0.0
	if uptime > 0 {
		rate = float64(st.Decoded) / uptime
	}
	line := fmt.Sprintf("%s; decoding %.1f frames/s, %d dropped; %d scans",
		strings.Join(parts, ", "), rate, st.Dropped, d.scans.Load())
	line += "; " + d.gate.line()
	if ex := d.export.State(); ex.Enabled {
		line += fmt.Sprintf("; DEBUG EXPORT ON (%d images)", ex.Images)
	}
	if d.preview != nil && d.preview.State().Enabled {
		line += "; SETUP PREVIEW ON"
	}
	return line
}
