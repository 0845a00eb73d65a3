"""The tests run offline by construction: any outbound connection fails loudly."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest


def test_outbound_connection_is_blocked_here():
    with pytest.raises(OSError, match="network access blocked"):
        socket.create_connection(("93.184.216.34", 80), timeout=1)


def test_dns_lookup_is_blocked_here():
    with pytest.raises(OSError, match="network access blocked"):
        socket.getaddrinfo("pypi.org", 443)


def test_outbound_connection_is_blocked_in_child_processes():
    code = (
        "import socket\n"
        "try:\n"
        "    socket.create_connection(('93.184.216.34', 80), timeout=1)\n"
        "except OSError as e:\n"
        "    print('blocked' if 'network access blocked' in str(e) else f'other: {e}')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "blocked", out.stdout + out.stderr


def test_loopback_is_allowed():
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    try:
        client = socket.create_connection(server.getsockname(), timeout=2)
        client.close()
    finally:
        server.close()
