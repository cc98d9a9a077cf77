"""The query of ``GET /sparql?query=...`` is read from the raw query string (``only_query``, on the hot
path, decoded in C) exactly as Starlette reads the parameter (``unquote_plus``, UTF-8, undecodable
bytes replaced), and a form body of one field (``_form``, decoded in C) exactly as ``parse_qsl`` reads
it (UTF-8 strict: a 400 otherwise): on texts with every kind of escape, broken escapes, white space,
``+`` and ``=``, and on generated ones."""

from __future__ import annotations

from urllib.parse import parse_qsl, quote, unquote_plus

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dragonbear.errors import ProtocolError
from dragonbear.service.protocol.request import _form, _group
from dragonbear.service.protocol.sparql import only_query

from ..fuzzing import budget


def _starlette(value: bytes) -> str:
    return unquote_plus(value.decode("latin-1"), encoding="utf-8", errors="replace")


CASES = [
    quote("SELECT ?l WHERE { <http://e/s> rdfs:label ?l }").encode(),
    quote('ASK { ?s ?p "caf\u00e9 \u4e2d\u6587 \U0001f600" }').encode(),
    b"ASK+%7B%7D",
    b"a%2",
    b"a%",
    b"%",
    b"%%41",
    b"a%zz",
    b"a%2g",
    b"%41%4",
    b"=41",
    b"a=%3D=",
    b"a=\r\nb",
    b"%0D%0A%20%09",
    b"a \t\r\nb",
    b"a%20\nb",
    b"tail ",
    b"%FF%FE",
    b"%C3%A9%C3",
    b"",
]


@pytest.mark.parametrize("value", CASES)
def test_the_query_is_read_as_starlette_reads_it(value: bytes) -> None:
    assert only_query(b"query=" + value) == _starlette(value)


def _parse_qsl(body: bytes) -> dict[str, list[str]] | str:
    try:
        return _group(parse_qsl(body.decode("utf-8"), keep_blank_values=True, encoding="utf-8", errors="strict"))
    except UnicodeDecodeError:
        return "ProtocolError"


def _fast_form(body: bytes) -> dict[str, list[str]] | str:
    try:
        return _form(body)
    except ProtocolError:
        return "ProtocolError"


FORMS = [b"update=" + value for value in CASES] + [
    b"query=caf\xc3\xa9",  # raw UTF-8 in the body
    b"query=%C3",  # not UTF-8 once decoded
    b"query=",
    b"query",
    b"=x",
    b"query=a=b",
    b"using-graph-uri=http%3A%2F%2Fg&update=x",
    b"q%75ery=x",
]


@pytest.mark.parametrize("body", FORMS)
def test_a_form_is_read_as_parse_qsl_reads_it(body: bytes) -> None:
    assert _fast_form(body) == _parse_qsl(body)


def test_other_parameters_leave_it_to_the_endpoint() -> None:
    assert only_query(b"query=a&format=csv") is None
    assert only_query(b"format=csv") is None


@pytest.mark.slow
@pytest.mark.fuzz
@given(
    value=st.binary(max_size=40) | st.text(st.sampled_from("%=+ \t\r\nAaFfGg09\u00e9&"), max_size=40).map(str.encode)
)
@budget(3000)
def test_generated_query_strings_are_read_as_starlette_reads_them(value: bytes) -> None:
    if b"&" in value:
        assert only_query(b"query=" + value) is None
    else:
        assert only_query(b"query=" + value) == _starlette(value)


@pytest.mark.slow
@pytest.mark.fuzz
@given(
    body=st.binary(max_size=40) | st.text(st.sampled_from("%=+ \t\r\nAaFfGg09\u00e9&q"), max_size=40).map(str.encode)
)
@budget(3000)
def test_generated_forms_are_read_as_parse_qsl_reads_them(body: bytes) -> None:
    assert _fast_form(b"update=" + body) == _parse_qsl(b"update=" + body)
    assert _fast_form(body) == _parse_qsl(body)
