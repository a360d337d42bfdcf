"""scannerd: a client of the scannerd barcode daemon's local socket API.

    import scannerd

    c = scannerd.Client()  # $SCANNERD_SOCKET, else /run/scannerd/scannerd.sock
    for ev in c.events(symbologies=["QR_CODE"]):
        if ev.kind == "result":
            print(ev.result.symbology, ev.result.text)

Standard library only. docs/api.md explains the API, docs/openapi.yaml
describes it for machines.
"""

from .client import (
    DEFAULT_SOCKET, NDJSON, SSE, APIError, Client, Event, EventStream, ScanTimeout, Unreachable,
)
from .types import (
    Decoded, DebugExportSettings, DebugExportState, Disconnected, Dropped, EngineStats, Lease,
    License, LicenseSummary, PreviewState, Quota, Result, Results, Setup, SetupSource, SinkOverflow,
    SinkStatus, SourceStatus, Status,
)

__version__ = "1.0.0"

__all__ = [
    "DEFAULT_SOCKET", "NDJSON", "SSE", "APIError", "Client", "Event", "EventStream", "ScanTimeout", "Unreachable",
    "Decoded", "DebugExportSettings", "DebugExportState", "Disconnected", "Dropped", "EngineStats",
    "Lease", "License", "LicenseSummary", "PreviewState", "Quota", "Result", "Results", "Setup",
    "SetupSource", "SinkOverflow", "SinkStatus", "SourceStatus", "Status",
]
