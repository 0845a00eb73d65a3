"""Block outbound network for every Python process the tests start.

The test suite prepends this folder to PYTHONPATH, so Jupyter kernels, CLI
subprocesses and the book build import it at start-up. Connections to loopback
addresses and Unix sockets (the kernel's channels) are allowed; anything else
raises ``OSError`` at once, so a hidden run-time download fails loudly instead of
passing on a machine that happens to be online.
"""

from __future__ import annotations

import ipaddress
import os
import socket

_ALLOWED_HOSTS = {"localhost", "localhost.localdomain", "ip6-localhost", ""}


class NetworkBlockedError(OSError):
    pass


def _is_loopback(host) -> bool:
    if isinstance(host, bytes):
        host = host.decode()
    if host is None:
        return True
    host = str(host)
    if host in _ALLOWED_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _check(address, family) -> None:
    if family == getattr(socket, "AF_UNIX", None):
        return
    host = address[0] if isinstance(address, tuple) else address
    if not _is_loopback(host):
        raise NetworkBlockedError(
            f"network access blocked during tests (tried to reach {address!r}); "
            "nothing in mimml-edu may download at run time"
        )


def install() -> None:
    if getattr(socket.socket, "_mimml_blocked", False):
        return
    original_connect = socket.socket.connect
    original_connect_ex = socket.socket.connect_ex
    original_sendto = socket.socket.sendto
    original_getaddrinfo = socket.getaddrinfo

    def connect(self, address):
        _check(address, self.family)
        return original_connect(self, address)

    def connect_ex(self, address):
        _check(address, self.family)
        return original_connect_ex(self, address)

    def sendto(self, data, *args):
        address = args[-1]
        _check(address, self.family)
        return original_sendto(self, data, *args)

    def getaddrinfo(host, *args, **kwargs):
        if not _is_loopback(host):
            raise NetworkBlockedError(
                f"network access blocked during tests (DNS lookup of {host!r})"
            )
        return original_getaddrinfo(host, *args, **kwargs)

    socket.socket.connect = connect
    socket.socket.connect_ex = connect_ex
    socket.socket.sendto = sendto
    socket.getaddrinfo = getaddrinfo
    socket.socket._mimml_blocked = True


if os.environ.get("MIMML_ALLOW_NETWORK") != "1":
    install()
