"""Store addresses: a directory or a SPARQL server named like a database URL, and a clear error (exit 2,
naming the kinds) for a URL of no known kind or a server that does not answer, never a local folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dragonbear.addresses import StoreAddress, parse_store_address
from dragonbear.errors import UsageError
from dragonbear.settings import Settings

from ..conftest import cli
from ..servers import free_port


@pytest.mark.parametrize(
    ("address", "query", "update", "data"),
    [
        pytest.param(
            "oxigraph+http://127.0.0.1:7878",
            "http://127.0.0.1:7878/query",
            "http://127.0.0.1:7878/update",
            "http://127.0.0.1:7878/store",
            id="oxigraph",
        ),
        pytest.param(
            "virtuoso+http://localhost:8890/",
            "http://localhost:8890/sparql",
            "http://localhost:8890/sparql-auth",
            "http://localhost:8890/sparql-graph-crud-auth",
            id="virtuoso",
        ),
        pytest.param(
            "sparql+https://graphdb.example.org/repositories/dragonbear",
            "https://graphdb.example.org/repositories/dragonbear",
            None,
            None,
            id="any-sparql-server",
        ),
    ],
)
def test_each_kind_of_server_gets_its_protocol_urls(
    address: str, query: str, update: str | None, data: str | None
) -> None:
    found = parse_store_address(address, env={})
    assert isinstance(found, StoreAddress)
    assert (found.query_url, found.update_url, found.data_url) == (query, update, data)


def test_a_generic_server_takes_its_update_and_data_urls_and_credentials_from_the_environment() -> None:
    env = {
        "DRAGONBEAR_STORE_UPDATE_URL": "https://kb.example.org/ds/update",
        "DRAGONBEAR_STORE_DATA_URL": "https://kb.example.org/ds/data",
        "DRAGONBEAR_STORE_USER": "loader",
        "DRAGONBEAR_STORE_PASSWORD": "s3cret",
    }
    found = parse_store_address("sparql+https://kb.example.org/ds/query", env=env)
    assert isinstance(found, StoreAddress)
    assert (found.update_url, found.data_url, found.user, found.password) == (
        "https://kb.example.org/ds/update",
        "https://kb.example.org/ds/data",
        "loader",
        "s3cret",
    )
    assert "s3cret" not in repr(found) and "s3cret" not in str(found)


@pytest.mark.parametrize(
    "address",
    [
        pytest.param("oxigraph+htp://127.0.0.1:7878", id="misspelt-transport"),
        pytest.param("postgres://db/x", id="another-database"),
        pytest.param("http://127.0.0.1:7878/query", id="no-kind"),
        pytest.param("graphdb+http://127.0.0.1:7200", id="unknown-kind"),
    ],
)
def test_a_url_of_no_known_kind_is_a_usage_error_naming_the_kinds(address: str) -> None:
    with pytest.raises(UsageError, match=r"names no kind of store.*oxigraph\+http.*virtuoso\+http.*sparql\+https"):
        parse_store_address(address, env={})


def test_credentials_in_the_address_are_refused_without_echoing_the_password() -> None:
    with pytest.raises(UsageError, match="DRAGONBEAR_STORE_USER") as caught:
        parse_store_address("virtuoso+http://dba:hunter2@127.0.0.1:8890", env={})
    assert "hunter2" not in str(caught.value)


def test_an_extra_url_that_is_not_http_is_refused() -> None:
    with pytest.raises(UsageError, match="DRAGONBEAR_STORE_UPDATE_URL"):
        parse_store_address("sparql+http://h/q", env={"DRAGONBEAR_STORE_UPDATE_URL": "ftp://h/u"})


def test_a_directory_stays_a_directory(tmp_path: Path) -> None:
    assert parse_store_address(str(tmp_path / "store")) == tmp_path / "store"
    settings = Settings.from_env(store=str(tmp_path / "store"))
    assert settings.store_address is None and settings.store_dir == tmp_path / "store"


def test_settings_read_a_server_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DRAGONBEAR_STORE", "oxigraph+http://127.0.0.1:7878")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    settings = Settings.from_env()
    assert settings.store_address is not None and settings.store_address.kind == "oxigraph"
    assert settings.store_label == "oxigraph+http://127.0.0.1:7878"
    assert settings.store_dir.is_relative_to(tmp_path)  # a cache folder, not a folder named like the URL


@pytest.mark.parametrize("command", ["build", "stats", "sparql", "load-sipri"])
def test_a_command_with_a_url_of_no_known_kind_exits_2_and_creates_no_folder(tmp_path: Path, command: str) -> None:
    args = {"sparql": ["sparql", "ASK {}"], "load-sipri": ["load-sipri", "x.csv"]}.get(command, [command])
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        result = cli(*args, "--store", "oxigraph+htp://127.0.0.1:7878")
    finally:
        os.chdir(cwd)
    assert result.returncode == 2, result.stderr
    assert "names no kind of store" in result.stderr and "virtuoso+http" in result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", ["build", "stats", "query"])
def test_a_server_that_does_not_answer_is_exit_2_with_a_message(command: str) -> None:
    args = {"query": ["query", "conflicts"]}.get(command, [command])
    url = f"oxigraph+http://127.0.0.1:{free_port()}"
    result = cli(*args, "--store", url)
    assert result.returncode == 2, result.stderr
    assert f"the SPARQL server {url} does not answer" in result.stderr
    assert "Traceback" not in result.stderr
