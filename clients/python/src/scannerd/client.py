"""A client of scannerd's local socket API: HTTP/1.1 and JSON on a Unix
socket (docs/api.md, docs/openapi.yaml). Standard library only."""

from __future__ import annotations

import dataclasses
import http.client
import json
import os
import random
import socket
import threading
import urllib.parse
from typing import Any, Dict, Iterator, List, Optional, Sequence

from .types import (
    Decoded, DebugExportSettings, DebugExportState, Disconnected, Dropped, License, PreviewState,
    Result, Results, Setup, SinkOverflow, SourceStatus, Status,
)

__all__ = [
    "DEFAULT_SOCKET", "Client", "Event", "EventStream", "APIError", "ScanTimeout", "Unreachable",
    "NDJSON", "SSE",
]

DEFAULT_SOCKET = "/run/scannerd/scannerd.sock"

NDJSON = "ndjson"
SSE = "sse"


class APIError(Exception):
    """An error answer: its HTTP status and stable code (docs/api.md,
    "Errors"). Branch on .code."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(f"scannerd: {code}: {message}")
        self.status = status
        self.code = code
        self.message = message


class ScanTimeout(APIError):
    """POST /v1/scan saw no barcode before its timeout (504 `timeout`)."""


class Unreachable(ConnectionError):
    """The daemon's socket could not be reached."""


def _api_error(status: int, body: bytes) -> APIError:
    try:
        err = json.loads(body)["error"]
        code, message = str(err["code"]), str(err["message"])
    except (ValueError, KeyError, TypeError):
        code, message = "internal", body.decode("utf-8", "replace").strip() or f"HTTP {status}"
    cls = ScanTimeout if code == "timeout" else APIError
    return cls(status, code, message)


class _UnixConnection(http.client.HTTPConnection):
    """An HTTP connection to a Unix socket."""

    def __init__(self, path: str, timeout: Optional[float]):
        super().__init__("scannerd", timeout=timeout)
        self._path = path

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        try:
            sock.connect(self._path)
        except OSError as e:
            sock.close()
            raise Unreachable(f"cannot reach scannerd at {self._path}: {e}") from e
        self.sock = self.unix_socket = sock


def _close(resp: http.client.HTTPResponse) -> None:
    """Close a response and its connection (one request a connection)."""
    resp.close()
    resp.unix_socket.close()  # type: ignore[attr-defined]


@dataclasses.dataclass
class Event:
    """One item of Client.events().

    kind is one of: "result" (result), "dropped" (dropped: count and
    reason "overflow" or "expired"), "disconnected" (reason: "lagging" or
    "shutting_down"; the daemon ends the stream), "sink_overflow",
    "debug_export", "source" (a source changed state: source, its
    status as in Status.sources), "preview" (the setup page's preview went
    on or off: preview), "connected" (subscribed, results follow),
    "reconnecting" (the stream broke: error says why; the iterator waits
    and subscribes again from its cursor), or "notice", an event this
    version does not know (name and data).
    """

    kind: str
    result: Optional[Result] = None
    dropped: Optional[Dropped] = None
    reason: str = ""
    sink_overflow: Optional[SinkOverflow] = None
    debug_export: Optional[DebugExportState] = None
    source: Optional[SourceStatus] = None
    preview: Optional[PreviewState] = None
    name: str = ""
    data: Any = None
    error: Optional[BaseException] = None


def _filter(q: Dict[str, str], symbologies: Optional[Sequence[str]], sources: Optional[Sequence[str]]) -> None:
    if symbologies:
        q["symbology"] = ",".join(symbologies)
    if sources:
        q["source"] = ",".join(sources)


class Client:
    """A client for the daemon at socket (default: $SCANNERD_SOCKET, else
    /run/scannerd/scannerd.sock). timeout bounds every request but scans
    and event streams, which have their own."""

    def __init__(self, socket_path: Optional[str] = None, timeout: float = 30.0):
        self.socket_path = socket_path or os.environ.get("SCANNERD_SOCKET") or DEFAULT_SOCKET
        self.timeout = timeout

    def _open(self, method: str, path: str, query: Optional[Dict[str, str]] = None,
              body: Optional[bytes] = None, headers: Optional[Dict[str, str]] = None,
              timeout: Optional[float] = None) -> http.client.HTTPResponse:
        """Send a request; return the response of a 2xx answer, raise
        APIError for others."""
        target = path
        if query:
            target += "?" + urllib.parse.urlencode(query)
        conn = _UnixConnection(self.socket_path, self.timeout if timeout is None else timeout)
        try:
            conn.request(method, target, body=body, headers=headers or {})
            resp = conn.getresponse()
            # The stream's socket, for EventStream.close (the connection
            # forgets it once the response is the last on it).
            resp.unix_socket = conn.unix_socket  # type: ignore[attr-defined]
        except Unreachable:
            conn.close()
            raise
        except OSError as e:
            conn.close()
            raise Unreachable(f"scannerd at {self.socket_path}: {method} {path}: {e}") from e
        if resp.status // 100 != 2:
            try:
                raise _api_error(resp.status, resp.read(1 << 16))
            finally:
                _close(resp)
        return resp

    def _json(self, method: str, path: str, query: Optional[Dict[str, str]] = None,
              body: Optional[bytes] = None, headers: Optional[Dict[str, str]] = None,
              timeout: Optional[float] = None) -> Any:
        resp = self._open(method, path, query, body, headers, timeout)
        try:
            return json.loads(resp.read())
        finally:
            _close(resp)

    def health(self) -> bool:
        """Whether the daemon answers."""
        return bool(self._json("GET", "/v1/health").get("ok"))

    def status(self) -> Status:
        """The daemon's state: sources, engine, license summary, sinks."""
        return Status.from_json(self._json("GET", "/v1/status"))

    def results(self, since: int = 0, limit: int = 0, symbologies: Optional[Sequence[str]] = None,
                sources: Optional[Sequence[str]] = None) -> Results:
        """The results still held after the cursor since (0: all held);
        pass the answer's cursor as since next time."""
        q: Dict[str, str] = {}
        if since:
            q["since"] = str(since)
        if limit:
            q["limit"] = str(limit)
        _filter(q, symbologies, sources)
        return Results.from_json(self._json("GET", "/v1/results", q))

    def scan(self, timeout: Optional[float] = None, symbologies: Optional[Sequence[str]] = None,
             sources: Optional[Sequence[str]] = None) -> Result:
        """Wait for the next barcode (timeout in seconds; None: the
        daemon's scan_timeout). Raises ScanTimeout when none comes."""
        q: Dict[str, str] = {}
        if timeout is not None:
            q["timeout"] = f"{timeout:g}"
        _filter(q, symbologies, sources)
        # The answer comes when the daemon's timeout ends (at most 5 min).
        wait = (timeout if timeout is not None else 300.0) + self.timeout
        return Result.from_json(self._json("POST", "/v1/scan", q, b"", timeout=wait))

    def decode(self, image: bytes, content_type: str = "application/octet-stream",
               symbologies: Optional[Sequence[str]] = None, try_harder: bool = False,
               ean_addon: Optional[str] = None) -> Decoded:
        """Decode an image file (PNG, JPEG, GIF, BMP) with the daemon's
        engine. Uploads are metered like camera scans."""
        q: Dict[str, str] = {}
        _filter(q, symbologies, None)
        if try_harder:
            q["try_harder"] = "true"
        if ean_addon:
            q["ean_addon"] = ean_addon
        return Decoded.from_json(self._json("POST", "/v1/decode", q, image, {"Content-Type": content_type}))

    def license(self) -> License:
        """The license state."""
        return License.from_json(self._json("GET", "/v1/license"))

    def sync(self) -> License:
        """Sync with the License Tracking Server now (admin). APIError 409
        `sync_refused` when the LTS refused the device (revoked, quota used
        up), 502 `sync_failed` when it could not be reached."""
        return License.from_json(self._json("POST", "/v1/license/sync", body=b""))

    def debug_export(self) -> DebugExportState:
        """The debug image export's settings and counters (admin)."""
        return DebugExportState.from_json(self._json("GET", "/v1/debug/export"))

    def set_debug_export(self, settings: DebugExportSettings) -> DebugExportState:
        """Turn the debug image export on or off (admin). Turning it on while
        it is on raises APIError 409 `debug_export_on`: turn it off first."""
        body = json.dumps(settings.to_json()).encode()
        return DebugExportState.from_json(
            self._json("PUT", "/v1/debug/export", body=body, headers={"Content-Type": "application/json"}))

    def snapshot(self, source: str, timeout: Optional[float] = None) -> bytes:
        """The next decoded frame of source as a PNG with what was read
        drawn on it (admin); timeout in seconds (None: 5 s)."""
        q = {"source": source}
        if timeout is not None:
            q["timeout"] = f"{timeout:g}"
        resp = self._open("GET", "/v1/snapshot", q, timeout=(timeout or 5.0) + self.timeout)
        try:
            return resp.read()
        finally:
            _close(resp)

    def preview(self) -> PreviewState:
        """The setup page's preview state (admin)."""
        return PreviewState.from_json(self._json("GET", "/v1/preview"))

    def set_preview(self, enabled: bool, duration: Optional[str] = None) -> PreviewState:
        """Switch the preview on for duration ("10m", the default; at most
        "1h") or off (admin)."""
        body: Dict[str, Any] = {"enabled": enabled}
        if duration is not None:
            body["duration"] = duration
        return PreviewState.from_json(self._json(
            "PUT", "/v1/preview", body=json.dumps(body).encode(), headers={"Content-Type": "application/json"}))

    def preview_frame(self, source: str) -> bytes:
        """The next decoded frame of source as a JPEG with what was read,
        the region of interest and the proposed regions drawn on it, while
        the preview is on (admin; APIError 409 `preview_off` otherwise)."""
        resp = self._open("GET", "/v1/preview/frame", {"source": source}, timeout=5.0 + self.timeout)
        try:
            return resp.read()
        finally:
            _close(resp)

    def setup(self) -> Setup:
        """Each source's region of interest and symbologies (admin)."""
        return Setup.from_json(self._json("GET", "/v1/setup"))

    def save_setup(self, source: str, region: Sequence[int] = (), symbologies: Sequence[str] = ()) -> Setup:
        """Save a source's region (x, y, width, height; empty: the whole
        frame) and symbologies (empty: the default set), applied at once
        (admin; APIError 400 `bad_setup` for settings that do not fit)."""
        body = json.dumps({"source": source, "region": list(region), "symbologies": list(symbologies)}).encode()
        return Setup.from_json(self._json("PUT", "/v1/setup", body=body, headers={"Content-Type": "application/json"}))

    def metrics(self) -> str:
        """The Prometheus metrics, as text."""
        resp = self._open("GET", "/metrics")
        try:
            return resp.read().decode("utf-8")
        finally:
            _close(resp)

    def events(self, symbologies: Optional[Sequence[str]] = None, sources: Optional[Sequence[str]] = None,
               since: Optional[int] = None, format: str = NDJSON, reconnect: bool = True,
               idle_timeout: float = 60.0) -> "EventStream":
        """Subscribe to the daemon's events; iterate over the answer.

        since replays the results still held after that cursor first (0:
        all held). When the stream ends or breaks (the daemon restarts, it
        disconnected a lagging client, nothing arrived for idle_timeout
        seconds, heartbeats included) the iterator yields a "reconnecting"
        event, waits (0.1 s doubling to 5 s) and subscribes again from its
        cursor: results still held are replayed and none is seen twice;
        results that expired meanwhile come as a "dropped" event with
        reason "expired". It raises only when the daemon refuses the
        subscription itself (a 4xx APIError: a bad filter), or, with
        reconnect=False, when the stream cannot be opened or breaks; then
        it also ends with the stream. close(), from any thread, ends it.
        """
        return EventStream(self, symbologies, sources, since, format, reconnect, idle_timeout)


class EventStream:
    """The events of Client.events: an iterator of Event, with the
    stream's cursor, that close() ends from any thread."""

    def __init__(self, client: Client, symbologies: Optional[Sequence[str]], sources: Optional[Sequence[str]],
                 since: Optional[int], format: str, reconnect: bool, idle_timeout: float):
        self._client = client
        self._query: Dict[str, str] = {}
        _filter(self._query, symbologies, sources)
        self.cursor = since
        self._format = format
        self._reconnect = reconnect
        self._idle_timeout = idle_timeout
        self._closed = threading.Event()
        self._lock = threading.Lock()
        self._resp: Optional[http.client.HTTPResponse] = None
        self._gen = self._run()

    def __iter__(self) -> "EventStream":
        return self

    def __next__(self) -> Event:
        return next(self._gen)

    def __enter__(self) -> "EventStream":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        """End the stream; the iteration stops."""
        self._closed.set()
        with self._lock:
            resp = self._resp
        if resp is not None:
            try:
                # Wakes a read blocked in another thread.
                resp.unix_socket.shutdown(socket.SHUT_RDWR)  # type: ignore[attr-defined]
            except OSError:
                pass

    def _run(self) -> Iterator[Event]:
        attempt = 0
        accept = "text/event-stream" if self._format == SSE else "application/x-ndjson"
        while not self._closed.is_set():
            q = dict(self._query)
            if self.cursor is not None:
                q["since"] = str(self.cursor)
            err: Optional[BaseException] = None
            try:
                resp = self._client._open("GET", "/v1/events", q, headers={"Accept": accept},
                                          timeout=self._idle_timeout)
            except APIError as e:
                if not self._reconnect or e.status // 100 == 4:
                    raise
                err = e
            except OSError as e:
                if not self._reconnect:
                    raise
                err = e
            if err is None:
                attempt = 0
                with self._lock:
                    self._resp = resp
                stream = _Stream(resp, self._format, self.cursor)
                try:
                    yield Event("connected")
                    for ev in stream:
                        self.cursor = stream.cursor
                        yield ev
                except (OSError, http.client.HTTPException, ValueError) as e:
                    err = e
                finally:
                    self.cursor = stream.cursor
                    with self._lock:
                        self._resp = None
                    _close(resp)
                if self._closed.is_set():
                    return
                if err is None:  # the daemon ended the stream
                    if not self._reconnect:
                        return
                    err = ConnectionError("the daemon ended the event stream")
                elif not self._reconnect:
                    raise err
            yield Event("reconnecting", error=err)
            attempt += 1
            delay = min(0.1 * 2 ** (attempt - 1), 5.0)
            self._closed.wait(delay * random.uniform(0.8, 1.2))


class _Stream:
    """One event stream's events, its cursor kept up to date."""

    def __init__(self, resp: http.client.HTTPResponse, format: str, cursor: Optional[int]):
        self.resp = resp
        self.format = format
        self.cursor = cursor

    def __iter__(self) -> Iterator[Event]:
        if self.format == SSE:
            return self._sse()
        return self._ndjson()

    def _lines(self) -> Iterator[str]:
        while True:
            line = self.resp.readline(1 << 20)
            if not line:
                return
            yield line.decode("utf-8").rstrip("\r\n")

    def _ndjson(self) -> Iterator[Event]:
        for line in self._lines():
            if not line:
                continue
            obj = json.loads(line)
            name = obj.get("event", "result")
            if name == "heartbeat":
                if "cursor" in obj:
                    self.cursor = int(obj["cursor"])
                continue
            yield self._event(name, obj)

    def _sse(self) -> Iterator[Event]:
        name, data, id_ = "", [], None  # type: str, List[str], Optional[str]
        for line in self._lines():
            if line == "":
                if id_ is not None and id_.isdigit():
                    self.cursor = int(id_)
                if data:
                    yield self._event(name or "message", json.loads("\n".join(data)))
                name, data, id_ = "", [], None
                continue
            if line.startswith(":"):
                continue
            field, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if field == "event":
                name = value
            elif field == "data":
                data.append(value)
            elif field == "id":
                id_ = value

    def _event(self, name: str, obj: Any) -> Event:
        if name == "result":
            r = Result.from_json(obj)
            self.cursor = r.id
            return Event("result", result=r)
        if name == "dropped":
            d = Dropped.from_json(obj)
            return Event("dropped", dropped=d, reason=d.reason)
        if name == "disconnected":
            return Event("disconnected", reason=Disconnected.from_json(obj).reason)
        if name == "sink_overflow":
            return Event("sink_overflow", sink_overflow=SinkOverflow.from_json(obj))
        if name == "debug_export":
            return Event("debug_export", debug_export=DebugExportState.from_json(obj))
        if name == "source":
            return Event("source", source=SourceStatus.from_json(obj))
        if name == "preview":
            return Event("preview", preview=PreviewState.from_json(obj))
        return Event("notice", name=name, data=obj)
