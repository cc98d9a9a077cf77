"""Commands of the ``dragonbear`` CLI that live in modules of their own.

Each module of this package registers its commands on :data:`dragonbear.cli.app` when imported;
:func:`register_all` imports them all (the CLI calls it once its own commands are defined).
"""

from __future__ import annotations

import importlib
import pkgutil

__all__ = ["register_all"]


def register_all() -> None:
    """Import every command module of this package, in name order."""
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        importlib.import_module(f"{__name__}.{info.name}")
