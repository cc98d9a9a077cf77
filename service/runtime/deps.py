"""The dependencies routes take by type: the served store and the settings of the app serving them.

Every router is a module-level ``APIRouter``; its routes name what they need in their signature::

    @router.get("/queries/{name}")
    def run_query(name: str, served: ServedDep, request: Request) -> Response: ...

and ``create_app`` puts the one :class:`~dragonbear.service.runtime.served.ServedStore` and the
:class:`~dragonbear.settings.Settings` on ``app.state``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import Depends
from starlette.requests import Request

from dragonbear.errors import StoreError
from dragonbear.service.runtime.served import ServedStore
from dragonbear.settings import Settings

__all__ = ["ServedDep", "SettingsDep", "current_generation_of", "get_served", "get_settings"]


def get_served(request: Request) -> ServedStore:
    """The store the app serves."""
    served: ServedStore = request.app.state.served
    return served


def get_settings(request: Request) -> Settings:
    """The settings the app was made with."""
    settings: Settings = request.app.state.settings
    return settings


def current_generation_of(served: ServedStore) -> Path:
    """The generation ``served`` answers from.

    Raises:
        StoreError: the store is not started (the app opens it when it starts).
    """
    generation = served.generation()
    if generation is None:
        raise StoreError("the served store is not started")
    return generation


ServedDep = Annotated[ServedStore, Depends(get_served)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
