"""Bodies are bounded per route, before (Content-Length) and while (chunked) they stream, and no
body is taken in from a caller who is not logged in. The streaming tests talk HTTP/1.1 over a
socket to a real uvicorn on a loopback port, so nothing in between buffers the body for us."""

from __future__ import annotations

import base64
import select
import socket
import threading
from collections.abc import Callable, Iterator

import pytest
import uvicorn
from fastapi.testclient import TestClient
from tests.integration.conftest import Persona

from borderlink.app import create_app
from borderlink.hotline.schemas import MAX_ATTACHMENT_BASE64_CHARS, MAX_REQUEST_JSON_BYTES
from borderlink.node import Node
from borderlink.server import QuietServer
from borderlink.shared.body_limit import DEFAULT_MAX_BODY_BYTES

CHUNK = 64 * 1024
# Far more than any route accepts; a test that had to send all of it has failed.
ENDLESS = 256 * 1024 * 1024
# Socket buffers on both ends hold some megabytes that were "sent" but never read by the node.
IN_FLIGHT_SLACK = 24 * 1024 * 1024


@pytest.fixture
def live_port(node: Node) -> Iterator[int]:
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    config = uvicorn.Config(create_app(node, run_background=False), log_level="warning", lifespan="on")
    server = QuietServer(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the test server did not start")
        threading.Event().wait(0.02)
    yield listener.getsockname()[1]
    server.should_exit = True
    thread.join()
    listener.close()


def stream_until_answered(port: int, path: str, headers: dict[str, str], chunked: bool = True) -> tuple[str, int]:
    """Send an endless body until the node answers; the status line and the bytes sent by then."""
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", *(f"{k}: {v}" for k, v in headers.items())]
    lines.append("Transfer-Encoding: chunked" if chunked else f"Content-Length: {ENDLESS}")
    piece = (f"{CHUNK:x}\r\n".encode() + b"7" * CHUNK + b"\r\n") if chunked else b"7" * CHUNK
    sent = 0
    with socket.create_connection(("127.0.0.1", port)) as conn:
        conn.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        conn.setblocking(False)
        answer = b""
        while sent < ENDLESS:
            readable, writable, _ = select.select([conn], [conn], [], 30)
            if readable:
                answer = conn.recv(65536)
                break
            if not writable:
                break  # neither: the node neither reads nor answers
            try:
                sent += conn.send(piece)
            except (BrokenPipeError, ConnectionResetError):
                conn.setblocking(True)
                conn.settimeout(10)
                answer = conn.recv(65536)
                break
    return answer.split(b"\r\n", 1)[0].decode(), sent


@pytest.mark.parametrize("chunked", [True, False])
def test_an_anonymous_api_body_is_refused_unread(live_port: int, chunked: bool) -> None:
    status, sent = stream_until_answered(live_port, "/api/v1/hotline/requests",
                                         {"Content-Type": "application/json"}, chunked)
    assert status == "HTTP/1.1 401 Unauthorized"
    assert sent < IN_FLIGHT_SLACK


def test_an_anonymous_multipart_upload_goes_to_login_unread(live_port: int) -> None:
    status, sent = stream_until_answered(live_port, "/hotline/new",
                                         {"Content-Type": "multipart/form-data; boundary=x"})
    assert status == "HTTP/1.1 303 See Other"
    assert sent < IN_FLIGHT_SLACK


@pytest.mark.parametrize("chunked", [True, False])
def test_a_logged_in_endless_upload_is_cut_at_the_route_ceiling(
    live_port: int, personas: dict[str, Persona], bearer: Callable[[str], dict[str, str]], chunked: bool
) -> None:
    status, sent = stream_until_answered(live_port, "/api/v1/hotline/requests",
                                         {**bearer("mongcai.officer"), "Content-Type": "application/json"}, chunked)
    assert status == "HTTP/1.1 413 Request Entity Too Large"
    assert sent < MAX_REQUEST_JSON_BYTES + IN_FLIGHT_SLACK


def test_a_declared_length_over_the_ceiling_is_refused_before_reading(
    app_client: TestClient, personas: dict[str, Persona], bearer: Callable[[str], dict[str, str]]
) -> None:
    headers = {**bearer("mongcai.officer"), "Content-Type": "application/json"}
    response = app_client.post("/api/v1/hotline/requests/x/replies", headers=headers,
                               content=b"{" + b" " * DEFAULT_MAX_BODY_BYTES + b"}")
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert str(DEFAULT_MAX_BODY_BYTES) in response.json()["detail"]
    # The hotline request route has a ceiling of its own, above the default.
    response = app_client.post("/api/v1/hotline/requests", headers=headers,
                               content=b"{" + b" " * DEFAULT_MAX_BODY_BYTES + b"}")
    assert response.status_code == 422


def test_a_base64_field_over_its_cap_is_refused(
    app_client: TestClient, personas: dict[str, Persona], bearer: Callable[[str], dict[str, str]]
) -> None:
    attachment = {"filename": "a.bin", "content_base64": base64.b64encode(b"7" * 300_000).decode()}
    assert len(attachment["content_base64"]) > MAX_ATTACHMENT_BASE64_CHARS
    response = app_client.post("/api/v1/hotline/requests", headers=bearer("mongcai.officer"), json={
        "kind": "information", "subject": "Ordinary", "body": "Ordinary", "offence_code": "06012",
        "attachments": [attachment]})
    assert response.status_code == 422
    assert "content_base64" in response.text
