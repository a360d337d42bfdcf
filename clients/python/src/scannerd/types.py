"""The JSON of scannerd's socket API as typed dataclasses.

Each class mirrors a schema of docs/openapi.yaml. Members a later daemon
adds are ignored when reading, so an older client keeps working; times
are timezone-aware datetimes, absent times None.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
import sys
import typing
from typing import Any, Dict, List, Optional, Tuple, Type, TypeVar

__all__ = [
    "Result", "Results", "Decoded", "SourceStatus", "EngineStats", "LicenseSummary",
    "SinkStatus", "Status", "Quota", "Lease", "License", "DebugExportSettings",
    "DebugExportState", "Dropped", "Disconnected", "SinkOverflow", "PreviewState", "SetupSource",
    "Setup", "parse_time",
]

T = TypeVar("T")

_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$")


def parse_time(s: str) -> datetime.datetime:
    """Parse an RFC 3339 time as the daemon writes it (nanoseconds, Z)."""
    m = _TIME.match(s)
    if not m:
        raise ValueError(f"not an RFC 3339 time: {s!r}")
    base, frac, zone = m.groups()
    frac = (frac or "")[:6].ljust(6, "0")
    zone = "+00:00" if zone == "Z" else zone
    return datetime.datetime.fromisoformat(f"{base}.{frac}{zone}")


def _convert(tp: Any, v: Any) -> Any:
    if v is None:
        return None
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is typing.Union:  # Optional[X]
        inner = [a for a in args if a is not type(None)]
        return _convert(inner[0], v)
    if origin in (list, List):
        return [_convert(args[0], e) for e in v]
    if origin in (tuple, Tuple):
        return tuple(_convert(args[0], e) for e in v)
    if origin in (dict, Dict):
        return {k: _convert(args[1], e) for k, e in v.items()}
    if tp is datetime.datetime:
        return parse_time(v)
    if tp is float:
        return float(v)
    if dataclasses.is_dataclass(tp):
        return _from_json(tp, v)
    return v


def _from_json(cls: Type[T], obj: Dict[str, Any]) -> T:
    if not isinstance(obj, dict):
        raise ValueError(f"{cls.__name__}: want a JSON object, got {obj!r:.80}")
    hints = typing.get_type_hints(cls, vars(sys.modules[cls.__module__]))
    kwargs = {}
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        if f.name in obj:
            kwargs[f.name] = _convert(hints[f.name], obj[f.name])
    return cls(**kwargs)


class _Wire:
    """Reading a class from its JSON object."""

    @classmethod
    def from_json(cls: Type[T], obj: Dict[str, Any]) -> T:
        return _from_json(cls, obj)


@dataclasses.dataclass
class Result(_Wire):
    """One barcode.

    id increases with every result, also across daemon restarts (0 for
    uploads); points are the corners in frame pixels, fractional:
    top-left, top-right, bottom-right, bottom-left as read.
    """

    id: int = 0
    source: str = ""
    frame: int = 0
    symbology: str = ""
    text: str = ""
    points: List[Tuple[float, ...]] = dataclasses.field(default_factory=list)
    captured_at: Optional[datetime.datetime] = None
    decoded_at: Optional[datetime.datetime] = None
    latency_ms: float = 0.0
    addon: str = ""  # an EAN-2/EAN-5 add-on
    symbology_id: str = ""  # the AIM symbology identifier, e.g. "]C1" for GS1-128
    bytes: str = ""  # base64 of the payload when it is not UTF-8


@dataclasses.dataclass
class Results(_Wire):
    """GET /v1/results: the results held after the cursor asked for."""

    results: List[Result] = dataclasses.field(default_factory=list)
    cursor: int = 0
    expired: int = 0  # results after `since` that expired before the call


@dataclasses.dataclass
class Decoded(_Wire):
    """POST /v1/decode: what was read in the uploaded image."""

    results: List[Result] = dataclasses.field(default_factory=list)
    width: int = 0
    height: int = 0


@dataclasses.dataclass
class SourceStatus(_Wire):
    name: str = ""
    url: str = ""
    state: str = ""  # opening, running, reopening, stopped
    since: Optional[datetime.datetime] = None
    frames: int = 0
    fps: float = 0.0
    reopens: int = 0
    last_error: str = ""


@dataclasses.dataclass
class EngineStats(_Wire):
    workers: int = 0
    busy: int = 0
    queued: int = 0
    queue_size: int = 0
    background_workers: int = 0
    background_busy: int = 0
    background_queued: int = 0
    submitted: int = 0
    decoded: int = 0
    dropped: int = 0
    refused: int = 0
    panics: int = 0
    results: int = 0
    stopped: int = 0


@dataclasses.dataclass
class UploadMetering(_Wire):
    """Whether uploads are metered: they are unless [license]
    unmetered_uploads is set and the license grants the feature."""

    metered: bool = True
    reason: str = ""


@dataclasses.dataclass
class LicenseSummary(_Wire):
    state: str = ""  # as License.state, or "unconfigured"
    message: str = ""
    expires: Optional[datetime.datetime] = None
    uploads: Optional[UploadMetering] = None  # set when unmetered_uploads is


@dataclasses.dataclass
class SinkStatus(_Wire):
    name: str = ""
    kind: str = ""  # webhook, mqtt, serial
    target: str = ""
    state: str = ""  # ok, failing, stopped
    delivered: int = 0
    retried: int = 0
    dropped: int = 0
    overflow: int = 0
    queued: int = 0
    queue_size: int = 0
    last_error: str = ""
    last_error_at: Optional[datetime.datetime] = None


@dataclasses.dataclass
class PreviewState(_Wire):
    """GET and PUT /v1/preview, the preview event, and Status.preview: the
    setup page's live preview, on for a while by an admin's request."""

    enabled: bool = False
    since: Optional[datetime.datetime] = None
    until: Optional[datetime.datetime] = None
    by: str = ""  # who switched it on: "uid=1000 pid=42"
    stop_reason: str = ""  # "expired" or "switched off"


@dataclasses.dataclass
class Status(_Wire):
    """GET /v1/status: the daemon's state."""

    version: str = ""
    started: Optional[datetime.datetime] = None
    sources: List[SourceStatus] = dataclasses.field(default_factory=list)
    engine: EngineStats = dataclasses.field(default_factory=EngineStats)
    subscribers: int = 0
    license: LicenseSummary = dataclasses.field(default_factory=LicenseSummary)
    debug_export: bool = False
    preview: PreviewState = dataclasses.field(default_factory=PreviewState)
    setup_file: str = ""  # where the setup page's settings are kept
    setup_sources: List[str] = dataclasses.field(default_factory=list)  # the sources it overrides
    sinks: List[SinkStatus] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class Quota(_Wire):
    limit: int = 0  # 0: unlimited
    used: int = 0
    period: str = ""
    period_start: Optional[datetime.datetime] = None
    period_end: Optional[datetime.datetime] = None
    exhausted: bool = False


@dataclasses.dataclass
class Lease(_Wire):
    period: str = ""
    ends: Optional[datetime.datetime] = None
    scans: int = 0
    used: int = 0


@dataclasses.dataclass
class License(_Wire):
    """GET /v1/license and POST /v1/license/sync: the license state."""

    state: str = ""  # authorized, expired, not_authorized, over_quota, revoked
    mode: str = ""  # lts, offline_license
    device: str = ""
    offline_left_seconds: int = 0
    offline_left: str = ""
    symbologies: List[str] = dataclasses.field(default_factory=list)
    pending: Dict[str, int] = dataclasses.field(default_factory=dict)
    pending_scans: int = 0
    pending_reports: int = 0
    message: str = ""
    handshake_code: str = ""
    authorized_handshake_code: str = ""
    licenses: List[str] = dataclasses.field(default_factory=list)
    issued: Optional[datetime.datetime] = None
    expires: Optional[datetime.datetime] = None
    quota: Optional[Quota] = None
    lease: Optional[Lease] = None
    features: List[str] = dataclasses.field(default_factory=list)
    uploads: UploadMetering = dataclasses.field(default_factory=UploadMetering)
    lts_url: str = ""
    lts_answered: Optional[datetime.datetime] = None
    last_sync: Optional[datetime.datetime] = None
    last_sync_error: str = ""
    lts_message: str = ""
    next_sync: Optional[datetime.datetime] = None
    store_recovered: str = ""
    rollback_mark: str = ""
    rollback_mark_error: str = ""


@dataclasses.dataclass
class DebugExportSettings(_Wire):
    """The body of PUT /v1/debug/export; None leaves a setting out
    (the daemon's default)."""

    enabled: bool = False
    dir: Optional[str] = None
    frames: Optional[str] = None  # decoded, failed, all
    sample: Optional[int] = None
    max_images: Optional[int] = None
    max_bytes: Optional[int] = None
    duration: Optional[str] = None  # with a unit: "10m"
    color: Optional[bool] = None

    def to_json(self) -> Dict[str, Any]:
        return {k: v for k, v in dataclasses.asdict(self).items() if v is not None}


@dataclasses.dataclass
class DebugExportState(_Wire):
    """GET and PUT /v1/debug/export, and the debug_export event."""

    enabled: bool = False
    dir: str = ""
    frames: str = ""
    sample: int = 0
    max_images: int = 0
    max_bytes: int = 0
    duration: str = ""
    color: bool = False
    since: Optional[datetime.datetime] = None
    until: Optional[datetime.datetime] = None
    images: int = 0
    bytes: int = 0
    dropped: int = 0
    failed: int = 0
    stop_reason: str = ""


@dataclasses.dataclass
class Dropped(_Wire):
    """The subscriber missed results: reason "overflow" (it read too
    slowly) or "expired" (it came back after they were purged)."""

    dropped: int = 0
    reason: str = ""


@dataclasses.dataclass
class Disconnected(_Wire):
    reason: str = ""  # lagging, shutting_down


@dataclasses.dataclass
class SinkOverflow(_Wire):
    sink: str = ""
    dropped: int = 0
    dropped_total: int = 0
    queue_size: int = 0


@dataclasses.dataclass
class SetupSource(_Wire):
    """One source in Setup: its region of interest (x, y, width, height;
    empty, the whole frame), its symbologies, the latest frame's size, and
    whether the setup file overrides it."""

    source: str = ""
    region: List[int] = dataclasses.field(default_factory=list)
    symbologies: List[str] = dataclasses.field(default_factory=list)
    width: int = 0
    height: int = 0
    saved: bool = False


@dataclasses.dataclass
class Setup(_Wire):
    """GET and PUT /v1/setup."""

    file: str = ""
    sources: List[SetupSource] = dataclasses.field(default_factory=list)
    symbologies: List[str] = dataclasses.field(default_factory=list)  # every one the daemon reads
    default: List[str] = dataclasses.field(default_factory=list)
