"""A DOCTYPE naming an http:// DTD (istanbul writes one) is accepted and never fetched."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from tests.readers.test_cobertura import ISTANBUL_STYLE, _load

pytestmark = pytest.mark.integration


class _RecordingServer(HTTPServer):
    """Serves a DTD with an entity, and remembers every path anyone asked for."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.requests: list[str] = []


class _Handler(BaseHTTPRequestHandler):
    server: _RecordingServer

    def do_GET(self) -> None:
        self.server.requests.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b'<!ENTITY x "fetched">')

    def log_message(self, *args: object) -> None:
        pass


@pytest.mark.parametrize("counts_only", [False, True], ids=["exact", "counts-only"])
def test_doctype_with_http_system_id__accepted_and_never_fetched(tmp_path: Path, counts_only: bool):
    server = _RecordingServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        dtd = f"http://127.0.0.1:{server.server_port}/coverage-04.dtd"
        xml = ISTANBUL_STYLE.format(dtd=dtd, root=tmp_path)
        rep = _load(tmp_path, xml, counts_only=counts_only)
    finally:
        server.shutdown()
        server.server_close()
    assert rep.totals.lines_valid == 4
    assert server.requests == []
