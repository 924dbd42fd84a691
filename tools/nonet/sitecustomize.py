"""Switch the network off for this Python process: put this folder on PYTHONPATH.

Every attempt to open an internet socket or look up a host name raises
OSError("network disabled in test") and, when CIN_NONET_LOG names a file, is appended to it
(one line each: what was attempted and from where), so a test can show none was made.
Local sockets (AF_UNIX, and socketpair(), which asyncio uses internally) still work: they never
leave the machine.
"""

from __future__ import annotations

import os
import socket
import traceback

_MESSAGE = "network disabled in test"
_RealSocket = socket.socket
_LOCAL_FAMILIES = {getattr(socket, "AF_UNIX", None)} - {None}


def _record(what: str) -> None:
    log = os.environ.get("CIN_NONET_LOG")
    if not log:
        return
    caller = traceback.extract_stack(limit=4)[0]
    with open(log, "a", encoding="utf-8") as out:
        out.write(f"{what} from {caller.filename}:{caller.lineno}\n")


class _GuardedSocket(_RealSocket):
    def __init__(self, family=-1, type=-1, proto=-1, fileno=None):  # socket's names
        # fileno given: wrapping a socket that already exists (socketpair() does this).
        if fileno is None and family not in _LOCAL_FAMILIES:
            _record(f"socket(family={family})")
            raise OSError(_MESSAGE)
        super().__init__(family, type, proto, fileno)


def _refuse(name: str):
    def refused(*args, **kwargs):
        _record(f"{name}{args[:2]!r}")
        raise OSError(_MESSAGE)

    refused.__name__ = name
    return refused


socket.socket = _GuardedSocket
for _name in ("create_connection", "getaddrinfo", "gethostbyname", "gethostbyname_ex",
              "gethostbyaddr", "getnameinfo", "create_server"):
    setattr(socket, _name, _refuse(_name))
