"""A light scanner of SPARQL text: what kind of operation it is, and its dataset clauses.

pyoxigraph parses and runs a query in one call and does not expose the parsed operation, so the
few facts the store and the server need before running one are read from the tokens here:

* the form of an operation (SELECT, ASK, CONSTRUCT, DESCRIBE, or an update), to negotiate a
  format before running it and to refuse an update sent to the query endpoint;
* whether a query names its dataset with FROM / FROM NAMED (the union default graph then yields);
* the WITH / USING clauses of an update, and adding USING clauses for the protocol's
  ``using-graph-uri`` / ``using-named-graph-uri``.

Comments, strings, IRIs and variables are skipped as tokens, so keywords inside them do not count;
only keywords outside braces (the top level of an operation) are considered.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import NamedTuple

import pyoxigraph as ox

__all__ = [
    "QUERY_FORMS",
    "UPDATE_KEYWORDS",
    "Lookup",
    "add_using_clauses",
    "bounded_lookup",
    "has_dataset_clause",
    "may_call_service",
    "query_form",
    "read_lookup",
    "service_targets",
    "update_dataset_keywords",
]

QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
UPDATE_KEYWORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH")

_TOKEN = re.compile(
    r'''
    (?P<space>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\'
               |"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')
  | (?P<iri><(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>)
  | (?P<var>[?$][\w\u00B7\u0300-\u036F\u203F-\u2040\u00C0-\uFFFF]+)
  | (?P<open>\{)
  | (?P<close>\})
  | (?P<word>[\w\u00C0-\uFFFF:][\w\u00B7\u00C0-\uFFFF\-.:%]*)
  | (?P<other>.)
''',
    re.VERBOSE | re.DOTALL,
)


# PREFIX and BASE declarations with plain IRIs (no escapes), then the first word; anything else
# (comments, escapes, odd spacing) is left to the tokenizer.
_PROLOGUE = re.compile(
    r"\s*(?:(?:PREFIX\s+[^\s:<>#\\]*:\s*|BASE\s*)<[^<>\\\s]*>\s*)*([A-Za-z]+)(?=[\s{*(?$<])", re.IGNORECASE
)


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    start: int
    end: int
    depth: int  # brace depth before the token

    @property
    def keyword(self) -> str:
        """The upper-cased word when the token is a plain word (not a prefixed name), else ''."""
        return self.text.upper() if self.kind == "word" and ":" not in self.text else ""


def _tokens(text: str) -> Iterator[_Token]:
    depth = 0
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "other"
        if kind in ("space", "comment"):
            continue
        if kind == "close":
            depth = max(0, depth - 1)
        yield _Token(kind, m.group(), m.start(), m.end(), depth)
        if kind == "open":
            depth += 1


def query_form(text: str) -> str | None:
    """The form of a SPARQL operation: SELECT, ASK, CONSTRUCT, DESCRIBE, UPDATE, or None when unknown.

    >>> query_form("PREFIX ex: <http://e/#select> # ASK\\nSELECT * { ?s ?p ?o }")
    'SELECT'
    >>> query_form("CLEAR ALL"), query_form("describe <x>"), query_form("nonsense")
    ('UPDATE', 'DESCRIBE', None)
    """
    quick = _PROLOGUE.match(text)
    if quick is not None:  # the common case, without tokenizing: a prologue of PREFIX / BASE, then a word
        word = quick.group(1).upper()
        if word in QUERY_FORMS:
            return word
        if word in UPDATE_KEYWORDS:
            return "UPDATE"
    for tok in _tokens(text):
        word = tok.keyword
        if word in ("PREFIX", "BASE") or tok.kind in ("iri",) or (tok.kind == "word" and not word):
            continue
        if word in QUERY_FORMS:
            return word
        if word in UPDATE_KEYWORDS:
            return "UPDATE"
        return None
    return None


_IRI = r'<[^<>"{}|^`\\\s]*>'
_PNAME = r"(?:[A-Za-z][\w.-]*)?:[\w.-]*"
_LOOKUP = re.compile(
    rf"\s*(?:(?:PREFIX\s+(?:[A-Za-z][\w.-]*)?:\s*|BASE\s*){_IRI}\s*)*"  # a prologue of PREFIX / BASE
    r"(?:SELECT\s+(?:\*|(?:[?$]\w+\s*)+)|ASK)\s*(?:WHERE\s*)?"  # SELECT with variables, or ASK
    rf"\{{\s*(?:{_IRI}|{_PNAME})\s+(?:{_IRI}|{_PNAME}|a|[?$]\w+)\s+[?$]\w+\s*\.?\s*\}}"  # { <s> p ?o }
    r"\s*(?:LIMIT\s+\d+\s*)?",
    re.IGNORECASE,
)


def bounded_lookup(text: str) -> bool:
    """True when a query is one triple pattern with a fixed subject and a variable object (the
    values of one entity: ``SELECT ?l WHERE { <s> rdfs:label ?l }``, ``ASK { <s> ?p ?o }``), with no
    dataset clause, no modifier but LIMIT, no comment. Its engine's work is bounded by the rows it
    writes: every triple it reads is a row of the answer (the server runs such a query on the event
    loop while its answer stays small, see :mod:`dragonbear.service.runtime.served`).

    >>> bounded_lookup("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
    ...                "SELECT ?l WHERE { <http://e/s> rdfs:label ?l }")
    True
    >>> bounded_lookup("SELECT * { ?s ?p ?o }"), bounded_lookup("SELECT ?o { <http://e/s> ?p ?o } OFFSET 9")
    (False, False)
    >>> bounded_lookup("SELECT ?o { <http://e/s> <http://e/p> ?o FILTER(?o > 1) }"), bounded_lookup("ASK { <x> a ?c }")
    (False, True)
    """
    return _LOOKUP.fullmatch(text) is not None


class Lookup(NamedTuple):
    """A look-up of one subject's values read from its text (:func:`read_lookup`): the one triple
    pattern, the variables of the answer's head in order, and LIMIT. (A named tuple: made on the path
    of every never-seen look-up, in a fifth of a frozen dataclass's time.)"""

    subject: ox.NamedNode
    predicate: ox.NamedNode | None  # None: the variable ``predicate_var``
    predicate_var: str | None
    object_var: str
    head: tuple[str, ...]  # the projected variables; empty for ASK
    ask: bool
    limit: int | None


# A strict subset of the grammar, in ASCII, that :func:`read_lookup` reads as the SPARQL parser does:
# SPARQL's own white space, ASCII names without dots or escapes, IRIs without escapes, no BASE.
_WS = r"[ \t\r\n]"
_STRICT_IRI = r'<([^<>"{}|^`\\\x00-\x20]*)>'
_PFX = r"([A-Za-z][A-Za-z0-9_-]*|)"
_LOCAL = r"([A-Za-z0-9_][A-Za-z0-9_-]*)"
_VAR = r"[?$]([A-Za-z0-9_]+)"
_DECLARATION = re.compile(rf"(?i:PREFIX){_WS}+{_PFX}:{_WS}*{_STRICT_IRI}{_WS}*", re.ASCII)
_READ_LOOKUP = re.compile(
    rf"{_WS}*((?:(?i:PREFIX){_WS}+[A-Za-z0-9_-]*:{_WS}*<[^<>]*>{_WS}*)*)"  # the prologue (group 1)
    rf"(?:(?i:SELECT)((?:{_WS}*[?$][A-Za-z0-9_]+)+|{_WS}*\*)|((?i:ASK))){_WS}*(?:(?i:WHERE){_WS}*)?"  # 2: vars, 3: ASK
    rf"\{{{_WS}*(?:{_STRICT_IRI}|{_PFX}:{_LOCAL})"  # subject: 4, or 5 and 6
    rf"{_WS}+(?:{_STRICT_IRI}|{_PFX}:{_LOCAL}|(a)|{_VAR})"  # predicate: 7, or 8 and 9, or 10 (a), or 11 (a variable)
    rf"{_WS}+{_VAR}{_WS}*\.?{_WS}*\}}"  # object variable: 12
    rf"{_WS}*(?:(?i:LIMIT){_WS}+([0-9]{{1,9}}){_WS}*)?",  # 13
    re.ASCII,
)
_VARIABLE = re.compile(_VAR)
_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def read_lookup(text: str, predeclared: Mapping[str, str]) -> Lookup | None:
    """The look-up that ``text`` asks for, read as the SPARQL parser reads it, or None when ``text``
    is not one, or uses anything beyond a strict subset of the grammar (BASE, an escape, a relative
    IRI, a name outside ASCII, a projected variable the pattern does not bind, ``SELECT *`` over two
    variables): the engine answers those. ``predeclared`` are the prefixes the store predeclares; the
    query's own declarations win, the last of a name counting.

    The server answers such a query from the store's index (one subject's quads in every graph, the
    union default graph of a query), without the query engine's parsing and planning.

    >>> found = read_lookup("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
    ...                     "SELECT ?l WHERE { <http://e/s> rdfs:label ?l } LIMIT 5", {})
    >>> found.subject.value, found.predicate.value, found.head, found.limit
    ('http://e/s', 'http://www.w3.org/2000/01/rdf-schema#label', ('l',), 5)
    >>> read_lookup("ASK { e:s ?p ?o }", {"e": "http://e/"}).ask
    True
    >>> [read_lookup(q, {}) for q in ("BASE <http://e/> SELECT ?o { <s> <p> ?o }", "SELECT * { <http://e/s> ?p ?o }",
    ...                                "SELECT ?o { <http://e/s> A ?o }", "SELECT ?o { x:s <http://e/p> ?o }")]
    [None, None, None, None]
    """
    m = _READ_LOOKUP.fullmatch(text)
    if m is None:
        return None
    prologue = m[1]
    pos, declared = 0, {}
    for declaration in _DECLARATION.finditer(prologue):
        if declaration.start() != pos or not _absolute_iri(declaration[2]):
            return None  # the parser refuses a declaration of an invalid or relative IRI
        declared[declaration[1]] = declaration[2]
        pos = declaration.end()
    if pos != len(prologue):
        return None
    return _resolved(m, declared, predeclared)


@functools.lru_cache(maxsize=1024)
def _absolute_iri(iri: str) -> bool:
    """Whether the SPARQL parser takes ``iri`` as an absolute IRI (pyoxigraph validates it as the
    parser does); remembered, as a server sees the same few prefix declarations again and again."""
    try:
        ox.NamedNode(iri)
    except ValueError:
        return False
    return True


def _resolved(m: re.Match[str], declared: Mapping[str, str], predeclared: Mapping[str, str]) -> Lookup | None:
    """The :class:`Lookup` of a match of :data:`_READ_LOOKUP`, or None (see :func:`read_lookup`)."""
    _prologue, columns, ask, s_iri, s_prefix, s_local, p_iri, p_prefix, p_local, a, p_var, o_var, limit = m.groups()
    try:
        subject = ox.NamedNode(s_iri if s_iri is not None else _expanded(s_prefix, s_local, declared, predeclared))
        if a is not None:
            predicate: ox.NamedNode | None = _RDF_TYPE
        elif p_var is None:
            predicate = _named(p_iri if p_iri is not None else _expanded(p_prefix, p_local, declared, predeclared))
        else:
            predicate = None
    except (KeyError, ValueError):  # an undeclared prefix, an invalid or relative IRI
        return None
    if predicate is None and p_var == o_var:
        return None
    if ask is not None:
        head: tuple[str, ...] = ()
    elif columns.strip() == "*":
        if predicate is None:
            return None
        head = (o_var,)
    else:
        head = tuple(_VARIABLE.findall(columns))
        bound = (o_var,) if predicate is not None else (p_var, o_var)
        if len(set(head)) < len(head) or not set(head) <= set(bound):
            return None
    return Lookup(
        subject,
        predicate,
        None if predicate is not None else p_var,
        o_var,
        head,
        ask is not None,
        int(limit) if limit is not None else None,
    )


def _expanded(prefix: str, local: str, declared: Mapping[str, str], predeclared: Mapping[str, str]) -> str:
    """A prefixed name's IRI: the query's own declaration of the prefix, else the predeclared one.

    Raises:
        KeyError: the prefix is declared nowhere.
    """
    return (declared[prefix] if prefix in declared else predeclared[prefix]) + local


_named = functools.lru_cache(maxsize=256)(ox.NamedNode)
"""A predicate's node, remembered: a server sees the same few predicates again and again (an invalid
IRI raises each time: errors are not remembered)."""


def may_call_service(text: str) -> bool:
    """False when ``text`` cannot hold a SERVICE call (a quick test before :func:`service_targets`).

    >>> may_call_service("SELECT * { ?s ?p ?o }"), may_call_service("SELECT * { SERVICE <http://a> {} }")
    (False, True)
    """
    return _may_contain(text, "service")


def has_dataset_clause(text: str) -> bool:
    """True when a query names its dataset with FROM or FROM NAMED.

    >>> has_dataset_clause("SELECT * FROM <http://g> { ?s ?p ?o }"), has_dataset_clause("SELECT ?from {}")
    (True, False)
    """
    if not _may_contain(text, "from"):
        return False
    return any(tok.depth == 0 and tok.keyword == "FROM" for tok in _tokens(text))


def _may_contain(text: str, keyword: str) -> bool:
    """False when ``keyword`` cannot occur in ``text`` as a word: absent in any case, and no escape
    sequence that could spell it. A quick test before tokenizing, on the path of every query."""
    folded = text.lower()
    return keyword in folded or "\\u" in folded


def _unescape(iri: str) -> str:
    """An IRI with its ``\\uXXXX`` / ``\\UXXXXXXXX`` escapes decoded, as the SPARQL parser reads it.

    An escape of no character (past U+10FFFF, or a surrogate, which the parser refuses) stays as it
    is written: decoded, it would raise, or put a character that cannot be encoded into a message.

    >>> _unescape(r"http://a/\\u0071\\U00000071"), _unescape(r"http://a/\\U00110000\\uD800")
    ('http://a/qq', 'http://a/\\\\U00110000\\\\uD800')
    """

    def decoded(m: re.Match[str]) -> str:
        point = int(m.group(1) or m.group(2), 16)
        return chr(point) if point <= 0x10FFFF and not 0xD800 <= point <= 0xDFFF else m.group(0)

    return re.sub(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})", decoded, iri)


def service_targets(text: str, prefixes: Mapping[str, str] | None = None) -> list[str]:
    """The endpoints a query or update calls with SERVICE: IRIs, or the raw text of a variable or of
    a prefixed name that cannot be expanded (which cannot be checked against an allowlist).

    A prefixed name is expanded as the SPARQL parser expands it: by the text's own PREFIX declarations
    as they come (a later one wins, as between the operations of an update), else by ``prefixes`` (the
    predeclared ones). It stays unexpanded when its prefix is not declared or is declared with a
    relative IRI, and when the name is not followed by white space, a comment or ``{`` (an escape such
    as ``\\/`` would make the parser read a longer name than this scanner does).

    Args:
        text: a SPARQL query or update.
        prefixes: prefixes predeclared for the text (the text's own win).

    Returns:
        Each SERVICE target in order.

    >>> service_targets("SELECT * { SERVICE SILENT <http://a/sparql> { ?s ?p ?o } SERVICE ?x {} }")
    ['http://a/sparql', '?x']
    >>> service_targets('SELECT * { ?s ?p "SERVICE <http://x>" }')
    []
    >>> service_targets(r"SELECT * { SERVICE <http://a/\\u0071uery> {} }")
    ['http://a/query']
    >>> service_targets(r"PREFIX w: <http://a/> SELECT * { SERVICE w:sparql {} SERVICE v:x {} SERVICE w:q\\/r {} }")
    ['http://a/sparql', 'v:x', 'w:q']
    """
    found: list[str] = []
    if not _may_contain(text, "service"):
        return found
    declared: dict[str, str | None] = dict(prefixes or {})
    tokens = list(_tokens(text))
    for i, tok in enumerate(tokens):
        if tok.keyword == "PREFIX" and i + 2 < len(tokens) and tokens[i + 2].kind == "iri":
            iri = _unescape(tokens[i + 2].text[1:-1])
            declared[tokens[i + 1].text.rstrip(":")] = iri if _ABSOLUTE.match(iri) else None
        if tok.keyword != "SERVICE":
            continue
        j = i + 1
        if j < len(tokens) and tokens[j].keyword == "SILENT":
            j += 1
        if j < len(tokens):
            found.append(_target(text, tokens[j], declared))
    return found


_ABSOLUTE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


def _target(text: str, tok: _Token, declared: dict[str, str | None]) -> str:
    """A SERVICE target: an IRI, a prefixed name expanded, or the token's text."""
    if tok.kind == "iri":
        return _unescape(tok.text[1:-1])
    prefix, colon, local = tok.text.partition(":")
    base = declared.get(prefix) if tok.kind == "word" and colon else None
    ends = tok.end == len(text) or text[tok.end] in " \t\r\n#{"
    if base is None or not ends or local.endswith("."):
        return tok.text
    return base + local


def has_load(text: str) -> bool:
    """Whether an update has a ``LOAD`` operation (which makes the engine fetch a URL).

    >>> has_load("LOAD SILENT <http://a/data.ttl> INTO GRAPH <http://g>")
    True
    >>> has_load('INSERT DATA { <http://s> <http://p> "LOAD <http://x>" }')
    False
    """
    if not _may_contain(text, "load"):  # the common case, without tokenizing a text of megabytes
        return False
    return any(tok.keyword == "LOAD" and tok.depth == 0 for tok in _tokens(text))


def update_dataset_keywords(text: str) -> set[str]:
    """The dataset keywords (WITH, USING) an update uses outside braces.

    >>> sorted(update_dataset_keywords("WITH <g> DELETE { ?s ?p ?o } USING <h> WHERE { ?s ?p ?o }"))
    ['USING', 'WITH']
    """
    return {tok.keyword for tok in _tokens(text) if tok.depth == 0 and tok.keyword in ("WITH", "USING")}


def _matching_close(tokens: list[_Token], open_index: int) -> int:
    depth = tokens[open_index].depth
    for i in range(open_index + 1, len(tokens)):
        if tokens[i].kind == "close" and tokens[i].depth == depth:
            return i
    return len(tokens) - 1


def add_using_clauses(text: str, default_graphs: list[str], named_graphs: list[str]) -> str:
    """Give every DELETE/INSERT ... WHERE operation of an update the USING clauses of the protocol.

    ``DELETE WHERE { P }`` is rewritten to its long form ``DELETE { P } USING ... WHERE { P }``.
    Operations without a WHERE clause (INSERT DATA, CLEAR ...) are left as they are.

    >>> add_using_clauses("INSERT { ?s a <C> } WHERE { ?s ?p ?o }", ["http://g"], [])
    'INSERT { ?s a <C> } USING <http://g> WHERE { ?s ?p ?o }'
    >>> add_using_clauses("DELETE WHERE { ?s ?p ?o }", [], ["http://n"])
    'DELETE { ?s ?p ?o } USING NAMED <http://n> WHERE { ?s ?p ?o }'
    """
    clauses = " ".join([f"USING <{g}>" for g in default_graphs] + [f"USING NAMED <{g}>" for g in named_graphs])
    if not clauses:
        return text
    tokens = list(_tokens(text))
    edits: list[tuple[int, int, str]] = []
    for i, tok in enumerate(tokens):
        if tok.depth != 0 or tok.keyword != "WHERE":
            continue
        before = tokens[i - 1].keyword if i > 0 else ""
        if before == "DELETE":  # DELETE WHERE { P }  →  DELETE { P } USING ... WHERE { P }
            if i + 1 < len(tokens) and tokens[i + 1].kind == "open":
                close = _matching_close(tokens, i + 1)
                block = text[tokens[i + 1].start : tokens[close].end]
                edits.append((tok.start, tokens[close].end, f"{block} {clauses} WHERE {block}"))
            continue
        if before in ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK"):
            continue
        edits.append((tok.start, tok.start, f"{clauses} "))
    for start, end, new in reversed(edits):
        text = text[:start] + new + text[end:]
    return text
