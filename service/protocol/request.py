"""Reading a SPARQL 1.1 Protocol request: the operation, its parameters and its dataset.

A query (or update) comes by GET ``?query=``, by POST of a form
(``application/x-www-form-urlencoded``) or by POST of the text itself (``application/sparql-query``,
``application/sparql-update``). A parameter that names the operation may appear once, in the URL or
in the body but not both; bodies must be UTF-8.
"""

from __future__ import annotations

import binascii
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, unquote_plus

import pyoxigraph as ox
from starlette.requests import Request

from dragonbear.errors import ProtocolError, UnsupportedMediaTypeError

__all__ = [
    "FORM",
    "QUERY_TYPE",
    "UPDATE_TYPE",
    "Operation",
    "first",
    "graph_iris",
    "media_type_of",
    "percent_decoded",
    "read_operation",
]

FORM = "application/x-www-form-urlencoded"
QUERY_TYPE = "application/sparql-query"
UPDATE_TYPE = "application/sparql-update"


@dataclass
class Operation:
    """A query or update with every other parameter of the request (URL and form merged)."""

    text: str
    params: dict[str, list[str]] = field(default_factory=dict)


def media_type_of(header: str | None) -> tuple[str, dict[str, str]]:
    """Split a Content-Type header into its media type and parameters.

    >>> media_type_of('application/sparql-query; charset="UTF-8"')
    ('application/sparql-query', {'charset': 'UTF-8'})
    """
    if not header:
        return "", {}
    media, *rest = header.split(";")
    params = {}
    for item in rest:
        key, _, value = item.partition("=")
        params[key.strip().lower()] = value.strip().strip('"')
    return media.strip().lower(), params


def _group(items: list[tuple[str, str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, value in items:
        out.setdefault(key, []).append(value)
    return out


def first(params: dict[str, list[str]], name: str) -> str | None:
    """The value of a parameter that may appear at most once."""
    values = params.get(name, [])
    if len(values) > 1:
        raise ProtocolError(f"the parameter {name!r} appears {len(values)} times; give it once")
    return values[0] if values else None


def graph_iris(params: dict[str, list[str]], name: str) -> list[str]:
    """The IRIs of a graph parameter (``default-graph-uri`` ...), checked."""
    out = []
    for value in params.get(name, []):
        try:
            out.append(ox.NamedNode(value.strip()).value)
        except ValueError:
            raise ProtocolError(f"{name}={value!r} is not an absolute IRI") from None
    return out


def percent_decoded(value: bytes, *, errors: str) -> str:
    """A URL-encoded value decoded as ``unquote_plus`` decodes it (``+`` is a space, ``%XX`` a byte, the
    bytes read as UTF-8 with ``errors``), in C where it can: the hot path's query string, and a form's
    only field (a million-level update took seconds in ``unquote_plus``).

    >>> percent_decoded(b"ASK+%7B%7D", errors="strict"), percent_decoded(b"50%+caf%C3%A9", errors="strict")
    ('ASK {}', '50% café')

    Raises:
        UnicodeDecodeError: the bytes are not UTF-8 (``errors="strict"``).
    """
    if value.isascii() and not _odd(value):
        # Percent-decoding in C: as quoted-printable, whose escape is "=" (the text's own "=" escaped
        # first; "+" is a space). unquote_plus decodes in Python, a tenth of a small query's cost.
        decoded = binascii.a2b_qp(value.replace(b"=", b"=3D").replace(b"+", b"=20").replace(b"%", b"="))
        return decoded.decode("utf-8", errors=errors)
    return unquote_plus(value.decode("latin-1"), encoding="utf-8", errors=errors)


_KINDS = bytes(
    ord("h")
    if chr(b) in "0123456789ABCDEFabcdef"
    else ord("w")
    if chr(b) in " \t\n\r\x0b\x0c"
    else b
    if b == 37
    else ord("x")
    for b in range(256)
)
"""Each byte as :func:`_odd` sees it: ``h`` a hex digit, ``w`` white space, ``%`` itself, ``x`` any other."""


def _odd(value: bytes) -> bool:
    r"""Whether the quoted-printable decoding of :func:`percent_decoded` would read ``value`` otherwise
    than a URL decoder: a ``%`` not followed by two hex digits, or white space (quoted-printable drops it
    at line ends). A translation and a few searches, in C (a regular expression took 3 µs a query).

    >>> _odd(b"ASK%20%7B%7D"), _odd(b"a%2"), _odd(b"a%zz"), _odd(b"a%2%41"), _odd(b"a b"), _odd(b"%")
    (False, True, True, True, True, True)
    """
    kinds = value.translate(_KINDS)
    return (
        b"w" in kinds
        or b"%x" in kinds
        or b"%%" in kinds
        or b"%hx" in kinds
        or b"%h%" in kinds
        or kinds[-1:] == b"%"
        or kinds[-2:-1] == b"%"
    )


def _form(body: bytes) -> dict[str, list[str]]:
    """The fields of a form body, decoded as ``parse_qsl`` decodes them (blank values kept, UTF-8
    strict); a body in ASCII of one field with a plain name is decoded in C (:func:`percent_decoded`).

    Raises:
        ProtocolError: the body is not UTF-8, before or after percent-decoding.
    """
    name, equals, value = body.partition(b"=")
    try:
        if equals and body.isascii() and b"&" not in body and name.isalnum():
            return {name.decode("ascii"): [percent_decoded(value, errors="strict")]}
        return _group(parse_qsl(_utf8(body), keep_blank_values=True, encoding="utf-8", errors="strict"))
    except UnicodeDecodeError:
        raise ProtocolError("the form is not UTF-8 once percent-decoded") from None


def _utf8(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise ProtocolError("the request body is not UTF-8") from None


async def read_operation(
    request: Request, *, name: str, direct_type: str, other: str, other_hint: str
) -> Operation | None:
    """Read the operation ``name`` (``query`` or ``update``) of a GET or POST request.

    Args:
        request: the HTTP request.
        name: the parameter that holds the operation.
        direct_type: the media type of a direct POST of it.
        other: the parameter of the other kind of operation (an ``update`` sent for a query), refused.
        other_hint: what to tell a client that sent the other kind.

    Returns:
        The operation, or None for a GET without one.

    Raises:
        ProtocolError: a repeated or misplaced parameter, a body that is not UTF-8 (HTTP 400).
        UnsupportedMediaTypeError: a body of another media type or charset (HTTP 415).
    """
    url = _group(request.query_params.multi_items())
    if other in url:
        raise ProtocolError(other_hint)
    if request.method == "GET":
        text = first(url, name)
        if text is None:
            return None
        return Operation(text, {k: v for k, v in url.items() if k != name})
    header = request.headers.get("content-type")
    media, params = media_type_of(header)
    if not media:
        raise ProtocolError(f"a POST needs a Content-Type: {FORM} or {direct_type}")
    charset = params.get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        raise UnsupportedMediaTypeError(f"the body must be UTF-8, not {params['charset']}")
    body = await request.body()
    if media == FORM:
        form = _form(body)
        if other in form:
            raise ProtocolError(other_hint)
        if name in form and name in url:
            raise ProtocolError(f"the {name} is both in the URL and in the body; send it once")
        merged = {k: url.get(k, []) + form.get(k, []) for k in set(url) | set(form)}
        text = first(merged, name)
        if text is None:
            raise ProtocolError(f"the form has no {name!r} parameter")
        return Operation(text, {k: v for k, v in merged.items() if k != name})
    if media == direct_type:
        if name in url:
            raise ProtocolError(f"the {name} is both in the URL and in the body; send it once")
        return Operation(_utf8(body), url)
    if media in (QUERY_TYPE, UPDATE_TYPE):
        raise ProtocolError(other_hint)
    raise UnsupportedMediaTypeError(f"a POST here takes {FORM} or {direct_type}, not {media}")
