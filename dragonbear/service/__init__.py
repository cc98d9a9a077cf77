"""The HTTP service: the SPARQL endpoint, the service and VoID descriptions, updates and the graph store.

Modules: ``app`` (``create_app``), one router per resource (``sparql``, ``description``, ``update``,
``graph_store``), ``protocol`` (reading requests), ``negotiation`` (formats), ``errors`` (the one
error-to-status mapping), ``runner`` (queries in threads against the time limit), ``worker`` (running one job) and
``writer`` (writes in a process of their own),
``served`` (the store as the server holds it), ``server`` (``run_server``).
"""

from __future__ import annotations

__all__ = ["create_app", "run_server"]


def __getattr__(name: str) -> object:
    # Imported lazily, so that worker processes load only what they need.
    if name == "create_app":
        from dragonbear.service.app import create_app
        return create_app
    if name == "run_server":
        from dragonbear.service.server import run_server
        return run_server
    raise AttributeError(name)
