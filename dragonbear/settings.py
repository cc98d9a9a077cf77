"""Configuration in one object, from flags and ``DRAGONBEAR_*`` environment variables.

The store directory is, in order: the ``--store`` flag, ``DRAGONBEAR_STORE``, or
``$XDG_DATA_HOME/dragonbear/store`` (``~/.local/share/dragonbear/store`` when XDG_DATA_HOME is unset).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Settings", "default_store_dir"]


def default_store_dir() -> Path:
    """The store directory when neither ``--store`` nor ``DRAGONBEAR_STORE`` is given."""
    env = os.environ.get("DRAGONBEAR_STORE")
    if env:
        return Path(env).expanduser()
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "dragonbear" / "store"


@dataclass(frozen=True)
class Settings:
    """Settings shared by the command line and the server."""

    store_dir: Path

    @classmethod
    def from_env(cls, *, store: Path | None = None) -> Settings:
        """Settings from flags (given as arguments) and the environment."""
        return cls(store_dir=(store.expanduser() if store else default_store_dir()))
