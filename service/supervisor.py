"""``python -m dragonbear.service.supervisor``: the process that ``dragonbear serve`` becomes once the
store exists (see :func:`dragonbear.service.server.run_server`); not meant to be started by hand."""

from __future__ import annotations

from dragonbear.service.server import supervise

if __name__ == "__main__":
    supervise()
