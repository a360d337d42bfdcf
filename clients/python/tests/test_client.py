"""Tests of the scannerd client against a real daemon socket.

They run inside `make test` (clients/python/client_test.go), which serves
the API on $SCANNERD_SOCKET and answers requests to publish results, move
its clock, restart, on $SCANNERD_TEST_CONTROL. Without those they skip.
"""

import datetime
import json
import os
import socket
import tempfile
import threading
import unittest

import scannerd

SOCKET = os.environ.get("SCANNERD_SOCKET", "")
CONTROL = os.environ.get("SCANNERD_TEST_CONTROL", "")


def control(op, **kw):
    """Ask the test harness to do something; return its answer."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.connect(CONTROL)
        s.sendall(json.dumps(dict(op=op, **kw)).encode() + b"\n")
        reply = json.loads(s.makefile("rb").readline())
    if "error" in reply:
        raise RuntimeError(f"control {op}: {reply['error']}")
    return reply


def publish(*texts, symbology="QR_CODE", source="cam0"):
    return control("publish", results=[dict(source=source, symbology=symbology, text=t) for t in texts])["ids"]


class Collector:
    """Reads an event iterator on a thread; take() waits for the next
    events of the kinds asked for."""

    def __init__(self, events):
        self.events = events
        self.cond = threading.Condition()
        self.items = []
        self.error = None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        try:
            for ev in self.events:
                with self.cond:
                    self.items.append(ev)
                    self.cond.notify_all()
        except BaseException as e:  # noqa: BLE001 - reported by take()
            with self.cond:
                self.error = e
                self.cond.notify_all()

    def take(self, *kinds, timeout=20):
        with self.cond:
            while True:
                for i, ev in enumerate(self.items):
                    if ev.kind in kinds:
                        del self.items[: i + 1]
                        return ev
                    if ev.kind == "result":
                        raise AssertionError(f"unexpected result {ev.result.text!r} before {kinds}")
                if self.error is not None:
                    raise AssertionError(f"events ended: {self.error!r}")
                if not self.cond.wait(timeout):
                    raise AssertionError(f"no {kinds} event within {timeout} s; have {self.items}")


@unittest.skipUnless(SOCKET and CONTROL, "run by make test (clients/python/client_test.go)")
class ClientTest(unittest.TestCase):
    def setUp(self):
        self.c = scannerd.Client(SOCKET, timeout=20)

    def test_status(self):
        self.assertTrue(self.c.health())
        st = self.c.status()
        self.assertIsInstance(st, scannerd.Status)
        self.assertEqual(st.version, "python-test")
        self.assertEqual([s.name for s in st.sources], ["cam0", "cam1"])
        self.assertEqual(st.sources[0].fps, 29.5)
        self.assertEqual(st.license.state, "authorized")
        self.assertGreaterEqual(st.engine.workers, 1)
        self.assertIsInstance(st.started, (datetime.datetime, type(None)))

    def test_license(self):
        lic = self.c.license()
        self.assertIsInstance(lic, scannerd.License)
        self.assertEqual((lic.state, lic.mode, lic.pending, lic.pending_scans), ("authorized", "lts", {"QR_CODE": 3}, 3))
        self.assertEqual(lic.symbologies, ["QR_CODE", "EAN_13"])
        self.assertEqual(self.c.sync().state, "authorized")

    def test_debug_export(self):
        with tempfile.TemporaryDirectory() as d:
            st = self.c.set_debug_export(scannerd.DebugExportSettings(enabled=True, dir=d, duration="10m"))
            self.assertEqual((st.enabled, st.dir, st.duration), (True, d, "10m0s"))
            self.assertEqual(self.c.debug_export().dir, d)
            self.c.set_debug_export(scannerd.DebugExportSettings(enabled=False))
        with self.assertRaises(scannerd.APIError) as cm:
            self.c.set_debug_export(scannerd.DebugExportSettings(enabled=True, dir="relative"))
        self.assertEqual((cm.exception.status, cm.exception.code), (400, "bad_settings"))

    def test_setup_page(self):
        with self.assertRaises(scannerd.APIError) as cm:
            self.c.preview_frame("cam0")
        self.assertEqual((cm.exception.status, cm.exception.code), (409, "preview_off"))
        st = self.c.set_preview(True, "5m")
        self.assertTrue(st.enabled)
        self.assertEqual(st.until - st.since, datetime.timedelta(minutes=5))
        self.assertTrue(self.c.status().preview.enabled)
        self.assertEqual(self.c.preview_frame("cam0")[:2], b"\xff\xd8")  # a JPEG
        self.assertEqual(self.c.set_preview(False).stop_reason, "switched off")

        setup = self.c.setup()
        self.assertEqual((setup.sources[0].source, setup.sources[0].width), ("cam0", 640))
        saved = self.c.save_setup("cam0", region=[10, 20, 300, 200], symbologies=["QR_CODE", "EAN_13"])
        self.assertEqual((saved.sources[0].region, saved.sources[0].saved), ([10, 20, 300, 200], True))
        with self.assertRaises(scannerd.APIError) as cm:
            self.c.save_setup("cam0", region=[600, 0, 100, 100])
        self.assertEqual((cm.exception.status, cm.exception.code), (400, "bad_setup"))

    def test_scan(self):
        got = {}

        def scan():
            got["result"] = self.c.scan(timeout=20, symbologies=["QR_CODE"], sources=["cam1"])

        t = threading.Thread(target=scan)
        t.start()
        control("wait_subscribers", n=1)
        publish("not this one", source="cam0")
        publish("5901234123457", symbology="EAN_13", source="cam1")
        publish("ticket 42", source="cam1")
        t.join(20)
        r = got["result"]
        self.assertEqual((r.text, r.symbology, r.source), ("ticket 42", "QR_CODE", "cam1"))
        self.assertEqual(r.points[0], (10.5, 20.0))
        self.assertEqual(r.captured_at.tzinfo, datetime.timezone.utc)
        self.assertGreater(r.decoded_at, r.captured_at)

    def test_scan_timeout(self):
        with self.assertRaises(scannerd.ScanTimeout) as cm:
            self.c.scan(timeout=0.01)
        self.assertEqual((cm.exception.status, cm.exception.code), (504, "timeout"))

    def test_bad_filters_are_refused(self):
        for kw in (dict(sources=["cam9"]), dict(symbologies=["qr_cod"])):
            with self.assertRaises(scannerd.APIError) as cm:
                self.c.results(**kw)
            self.assertEqual((cm.exception.status, cm.exception.code), (400, "bad_query"))
        with self.assertRaises(scannerd.APIError) as cm:
            next(iter(self.c.events(sources=["cam9"])))
        self.assertIn("cam0", cm.exception.message)

    def test_decode(self):
        path = control("png", symbology="QR_CODE", text="uploaded")["path"]
        with open(path, "rb") as f:
            image = f.read()
        d = self.c.decode(image, "image/png")
        self.assertEqual((d.width, d.height), (320, 240))
        self.assertEqual([(r.text, r.source, r.id) for r in d.results], [("uploaded", "upload", 0)])
        self.assertEqual(self.c.decode(image, "image/png", symbologies=["EAN_13"]).results, [])
        with self.assertRaises(scannerd.APIError) as cm:
            self.c.decode(b"not an image", "image/png")
        self.assertIn(cm.exception.code, ("bad_image", "unsupported_media_type", "unsupported_image"))

    def test_metrics_and_snapshot(self):
        self.assertIn("scannerd_api_subscribers", self.c.metrics())
        # The harness's daemon takes no snapshots, as one without sources.
        with self.assertRaises(scannerd.APIError) as cm:
            self.c.snapshot("cam0", timeout=1)
        self.assertEqual((cm.exception.status, cm.exception.code), (404, "not_found"))

    def test_unreachable(self):
        c = scannerd.Client(os.path.join(tempfile.gettempdir(), "no-such-scannerd.sock"))
        with self.assertRaises(scannerd.Unreachable):
            c.status()
        with self.assertRaises(scannerd.Unreachable):
            next(iter(c.events(reconnect=False)))


@unittest.skipUnless(SOCKET and CONTROL, "run by make test (clients/python/client_test.go)")
class EventsTest(unittest.TestCase):
    """Streams, in order: each test leaves no subscriber behind."""

    def setUp(self):
        self.c = scannerd.Client(SOCKET, timeout=20)

    def tearDown(self):
        control("wait_subscribers", n=0)

    def test_results_in_both_formats(self):
        for fmt in (scannerd.NDJSON, scannerd.SSE):
            with self.subTest(format=fmt):
                events = self.c.events(symbologies=["ean13"], format=fmt)
                col = Collector(events)
                col.take("connected")
                control("wait_subscribers", n=1)
                publish("skipped", symbology="QR_CODE")
                publish("96385074", symbology="EAN_8")
                publish("5901234123457", symbology="EAN_13")
                ev = col.take("result")
                self.assertEqual((ev.result.text, ev.result.symbology), ("5901234123457", "EAN_13"))
                events.close()

    def test_resume_reports_expired_results(self):
        """A client that comes back after results expired is told how
        many it missed, then gets those still held."""
        first = publish("a", "b")
        control("advance", seconds=31)
        publish("c")
        for fmt in (scannerd.NDJSON, scannerd.SSE):
            with self.subTest(format=fmt):
                events = self.c.events(since=first[0] - 1, format=fmt)
                col = Collector(events)
                col.take("connected")
                ev = col.take("dropped")
                self.assertEqual((ev.dropped.dropped, ev.reason), (2, "expired"))
                self.assertEqual(col.take("result").result.text, "c")
                events.close()
        res = self.c.results(since=first[0] - 1)
        self.assertEqual((res.expired, [r.text for r in res.results]), (2, ["c"]))

    def test_reconnects_across_a_restart(self):
        """The iterator subscribes again by itself when the daemon
        restarts, from its cursor: what was published while it was away
        is delivered, nothing twice."""
        for fmt in (scannerd.NDJSON, scannerd.SSE):
            with self.subTest(format=fmt):
                events = self.c.events(format=fmt)
                col = Collector(events)
                col.take("connected")
                control("wait_subscribers", n=1)
                publish("before")
                self.assertEqual(col.take("result").result.text, "before")
                control("restart")
                self.assertEqual(col.take("disconnected").reason, "shutting_down")
                col.take("reconnecting")
                publish("while away")
                col.take("connected")
                self.assertEqual(col.take("result").result.text, "while away")
                control("wait_subscribers", n=1)
                publish("after")
                self.assertEqual(col.take("result").result.text, "after")
                events.close()

    def test_other_events(self):
        events = self.c.events(format=scannerd.SSE)
        col = Collector(events)
        col.take("connected")
        control("wait_subscribers", n=1)
        control("notify_source", name="cam1", state="unplugged", last_error="no such device")
        ev = col.take("source")
        self.assertEqual((ev.source.name, ev.source.state, ev.source.last_error), ("cam1", "unplugged", "no such device"))
        self.assertIsInstance(ev.source.since, datetime.datetime)
        events.close()

    def test_stream_end_without_reconnect(self):
        events = self.c.events(reconnect=False)
        col = Collector(events)
        col.take("connected")
        control("wait_subscribers", n=1)
        control("restart")
        self.assertEqual(col.take("disconnected").reason, "shutting_down")
        col.thread.join(20)
        self.assertFalse(col.thread.is_alive())
        self.assertIsNone(col.error)


if __name__ == "__main__":
    unittest.main()
