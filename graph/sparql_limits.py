"""Limits on the shape of a SPARQL text, checked before any parser sees it.

Oxigraph's SPARQL parser and evaluator recurse without bound: a query nested or chained deeply
enough overflows the thread's stack, which aborts the whole process (a Rust stack overflow cannot be
caught), whatever route or command sent it. On an 8 MiB stack (measured with pyoxigraph 0.5, one
query per process): 2,100 nested braces, 4,400 nested parentheses, 2,400 nested sub-queries, 280
nested collections, 600 nested blank-node property lists, 700 nested EXISTS, 900 nested function
calls; and flat chains, which the parser turns into trees as deep as they are long: 650 steps of a
property path sequence, 6,300 UNIONs, 6,700 ``+``, 8,700 ``&&`` or ``!``, 8,700 FILTERs, and as
few as 220 triple patterns in one group (the planner recurses over them).

So every query and update is checked here first (:func:`check_sparql`, called by every store's
``query`` and ``update``, for every route and command):

- its **nesting depth**, counted over ``{ ( [`` outside strings, IRIs and comments, is at most
  :data:`MAX_DEPTH` (``DRAGONBEAR_MAX_QUERY_DEPTH``, 128 by default, the ceiling other engines use);
- the number of **chaining tokens** (``{``, the operator characters ``/ | ^ ! & = < > + - *``, the
  separators of triple patterns ``. ; ,`` and the
  keywords UNION, OPTIONAL, MINUS, FILTER, BIND, SERVICE, GRAPH and EXISTS, outside strings, IRIs
  and comments) is at most
  :data:`MAX_CHAIN` (``DRAGONBEAR_MAX_QUERY_CHAIN``, 2,000 by default): a bound on how long a chain,
  and how deep the tree made of chains, can be.

Within both, a query needs at most a few tens of MiB of stack; the server's query threads and the
command line's worker thread have 256 MiB (:data:`STACK_BYTES`, address space only: pages are
touched as used). Unicode escapes (``\\u007B``) are read as the parser reads them, first.

The check costs a few character counts for an ordinary query: the precise scan runs only when the
text holds more brackets or operator characters than the limits.
"""

from __future__ import annotations

import re
import threading
import traceback
from collections.abc import Callable
from typing import TypeVar

from dragonbear.errors import QueryComplexityError
from dragonbear.settings import MAX_QUERY_CHAIN, MAX_QUERY_DEPTH

__all__ = [
    "MAX_CHAIN",
    "MAX_DEPTH",
    "STACK_BYTES",
    "check_sparql",
    "configure",
    "limits",
    "release_frames",
    "with_stack",
]

MAX_DEPTH = MAX_QUERY_DEPTH
MAX_CHAIN = MAX_QUERY_CHAIN
STACK_BYTES = 256 << 20

T = TypeVar("T")

_limits = [MAX_DEPTH, MAX_CHAIN]

_LITERALS = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n\r]|\\.)*"'
    r"|'(?:[^'\\\n\r]|\\.)*'"
    r'|<[^<>"{}|^`\\\x00-\x20]*>|\#[^\n\r]*',
)
"""Strings, IRIs and comments: what cannot nest or chain, blanked before counting."""
_TERMS = re.compile(
    r"@[A-Za-z]+(?:-[A-Za-z0-9]+)*|\^\^"  # language tags, datatype marks
    r"|[?$]\w+|[A-Za-z_](?:[\w\-.:%\\]*[\w\-:%\\])?|:(?:[\w\-.:%\\]*[\w\-:%\\])?"  # variables, words, names
    r"|(?<![\w)\]])[+-]?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?"  # numbers, with their sign
)
"""What else holds operator characters without being an operator, blanked after the keywords are counted."""
_OPERATORS = "{/|^!=<>+-*&"
_SEPARATORS = ".;,"  # of triple patterns: counted outside INSERT DATA and DELETE DATA, where they chain nothing
_DATA = re.compile(r"(?<![\w:])(?:INSERT|DELETE)\s+DATA\s*\{", re.IGNORECASE)
_BRACES = re.compile(r"[{}]")
_SEPARATORS_FOUND = re.compile(r"[.;,]")
_NOT_MARKS = bytes(b for b in range(256) if chr(b) not in _OPERATORS + _SEPARATORS + "{}()[]")
_KEYWORDS = re.compile(r"(?<![\w:?$])(?:UNION|OPTIONAL|MINUS|FILTER|BIND|SERVICE|GRAPH|EXISTS)(?![\w:])", re.IGNORECASE)
_BRACKETS = re.compile(r"[^{}()\[\]]+")
_STEP = {"{": 1, "(": 1, "[": 1, "}": -1, ")": -1, "]": -1}
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def configure(*, max_depth: int = MAX_DEPTH, max_chain: int = MAX_CHAIN) -> None:
    """Set the limits of this process (the server and the command line call it with their settings)."""
    _limits[:] = [max_depth, max_chain]


def limits() -> tuple[int, int]:
    """The nesting depth and chain limits of this process."""
    return _limits[0], _limits[1]


def _unescaped(text: str) -> str:
    if "\\u" not in text and "\\U" not in text:
        return text

    def code(m: re.Match[str]) -> str:
        point = int(m.group(1) or m.group(2), 16)
        return chr(point) if point <= 0x10FFFF and not 0xD800 <= point <= 0xDFFF else m.group(0)

    return _ESCAPE.sub(code, text)


def check_sparql(text: str, *, what: str = "query") -> None:
    """Refuse a query or update nested or chained past this process's limits, before it is parsed.

    Raises:
        QueryComplexityError: the text nests deeper than the depth limit, or chains more tokens than
            the chain limit (the message names the limit and its setting).

    >>> check_sparql("SELECT * WHERE { ?s ?p ?o FILTER(?o > 1) }")
    >>> check_sparql("SELECT * WHERE " + "{" * 200 + "}" * 200)
    Traceback (most recent call last):
    ...
    dragonbear.errors.QueryComplexityError: the query nests 200 levels of brackets deep; the limit is 128 (DRAGONBEAR_MAX_QUERY_DEPTH)
    >>> check_sparql('SELECT * WHERE { ?s ?p "' + "{" * 5000 + '" }')  # inside a string: not nesting
    >>> check_sparql("INSERT DATA { " + ' '.join(f'ex:a-{i} ex:p "1"^^xsd:int, -2.5e-3, "x"@en-GB .' for i in range(3000)) + " }")
    >>> check_sparql("SELECT * WHERE { " + ' '.join(f'?s{i} ex:p ?o .' for i in range(3000)) + " }")
    Traceback (most recent call last):
    ...
    dragonbear.errors.QueryComplexityError: the query chains 3002 groups, operator characters and pattern keywords; the limit is 2000 (DRAGONBEAR_MAX_QUERY_CHAIN)
    >>> check_sparql("SELECT * WHERE { " + " UNION ".join(["{}"] * 1500) + " }")
    Traceback (most recent call last):
    ...
    dragonbear.errors.QueryComplexityError: the query chains 3001 groups, operator characters and pattern keywords; the limit is 2000 (DRAGONBEAR_MAX_QUERY_CHAIN)
    """
    max_depth, max_chain = _limits
    # The common case, on the path of every query, in a few scans in C: no escapes, fewer characters
    # than the chain limit and fewer brackets than the depth limit.
    short = len(text) <= max_chain and "\\" not in text
    if short and text.count("{") + text.count("(") + text.count("[") <= max_depth:
        return
    text = _unescaped(text)
    marks = text.encode("utf-8", "surrogatepass").translate(None, _NOT_MARKS)  # the brackets and operators
    opens = marks.count(b"{") + marks.count(b"(") + marks.count(b"[")
    chars = len(marks) - opens - marks.count(b"}") - marks.count(b")") - marks.count(b"]") + marks.count(b"{")
    if opens <= max_depth and chars + len(text) // 4 <= max_chain:
        return  # fewer brackets than the depth limit; operator characters and keywords (4 letters or more) within the chain limit
    plain = _LITERALS.sub(" ", text)
    if opens > max_depth:
        deepest = _deepest(plain)
        if deepest > max_depth:
            raise QueryComplexityError(
                f"the {what} nests {deepest} levels of brackets deep; the limit is {max_depth} "
                "(DRAGONBEAR_MAX_QUERY_DEPTH)"
            )
    chain = _chain(plain)
    if chain > max_chain:
        raise QueryComplexityError(
            f"the {what} chains {chain} groups, operator characters and pattern keywords; the limit is "
            f"{max_chain} (DRAGONBEAR_MAX_QUERY_CHAIN)"
        )


def _deepest(plain: str) -> int:
    """The deepest nesting of brackets in ``plain`` (a text without strings, IRIs and comments)."""
    depth = deepest = 0
    for c in _BRACKETS.sub("", plain):
        depth = max(0, depth + _STEP[c])
        deepest = max(deepest, depth)
    return deepest


def _chain(plain: str) -> int:
    """The chaining tokens of ``plain`` (a text without strings, IRIs and comments)."""
    operators = _TERMS.sub(" ", plain)
    patterns = _TERMS.sub(" ", _without_data(plain)) if _SEPARATORS_FOUND.search(operators) else ""
    return (
        len(_KEYWORDS.findall(plain))
        + sum(operators.count(c) for c in _OPERATORS)
        + sum(patterns.count(c) for c in _SEPARATORS)
    )


def _without_data(plain: str) -> str:
    """``plain`` without the blocks of INSERT DATA and DELETE DATA (ground triples: a flat list).

    >>> _without_data("INSERT DATA { <a> <b> 1 . GRAPH <g> { <c> <d> 2 } } ; DELETE WHERE { ?s ?p ?o . }")
    '  ; DELETE WHERE { ?s ?p ?o . }'
    """
    parts, at = [], 0
    for m in _DATA.finditer(plain):
        if m.start() < at:
            continue
        depth, end = 1, len(plain)
        for brace in _BRACES.finditer(plain, m.end()):
            depth += 1 if brace.group() == "{" else -1
            if depth == 0:
                end = brace.end()
                break
        parts.append(plain[at : m.start()])
        at = end
    parts.append(plain[at:])
    return " ".join(parts)


def release_frames(error: BaseException) -> None:
    """Let go of the local variables of the frames an error passed through, on this thread.

    The error travels to the thread that waits for it with its traceback (its lines stay for the
    log), but the frames' locals would keep pyoxigraph's result objects alive there, and pyoxigraph
    refuses to drop those on any thread but the one that made them.
    """
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        traceback.clear_frames(current.__traceback__)
        current = current.__cause__ or current.__context__


def with_stack(work: Callable[[], T], stack: int = STACK_BYTES) -> T:
    """Run ``work`` on a thread of its own with a ``stack``-byte stack and return what it returned (or
    raise what it raised): for the command line and the writer process, whose main thread has the
    system's stack (8 MiB)."""
    results: list[T] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            results.append(work())
        except BaseException as exc:
            release_frames(exc)
            errors.append(exc)

    previous = threading.stack_size(stack)
    try:
        thread = threading.Thread(target=run, name="dragonbear-work", daemon=True)
        thread.start()
    finally:
        threading.stack_size(previous)
    while thread.is_alive():
        thread.join(0.2)  # in steps: the main thread still gets Ctrl-C
    if errors:
        raise errors[0]
    return results[0]
