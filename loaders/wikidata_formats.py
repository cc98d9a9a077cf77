"""Read Wikidata files into plain item records: entity JSON, dump lines and SPARQL JSON results.

Three formats are read, told apart by their content (gzip is detected by its magic bytes):

* **Entity JSON**, as ``Special:EntityData/Q173680.json`` serves it: ``{"entities": {"Q173680": {...}}}``
  with ``labels``, ``aliases``, ``claims`` (``mainsnak.datavalue``), ``modified`` and ``lastrevid``.
* **Dump lines**, as the ``latest-all.json`` dumps are written: ``[``, then one entity per line with
  a trailing comma, then ``]``. The file is streamed line by line, never read whole.
* **SPARQL JSON results** of the Wikidata Query Service with an ``?item`` column, ``?itemLabel`` /
  ``?itemAltLabel`` (the label service's comma-separated aliases) and value columns named by the
  property (``?P176`` or ``?manufacturer``), or a ``?property`` / ``?value`` pair of columns. Times
  carry no precision there: a ``?serviceEntryPrecision`` column gives it, else 1 January midnight is
  read as a year and anything else as a day.

Every error names the file, line and column (:class:`~dragonbear.errors.LoadError`).

Example::

    for item in read_wikidata_file(Path("Q173680.json")):
        print(item.qid, item.labels.get("ru"))
"""

from __future__ import annotations

import gzip
import io
import itertools
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dragonbear.errors import LoadError

__all__ = ["IMPORTED_PROPERTIES", "ItemRecord", "ItemValue", "read_wikidata_file"]

# The properties imported, with the names a SPARQL results column may use for them.
IMPORTED_PROPERTIES: dict[str, str] = {
    "P144": "based on",
    "P4969": "derivative work",
    "P176": "manufacturer",
    "P495": "country of origin",
    "P137": "operator",
    "P729": "service entry",
}
_COLUMN_NAMES = {
    "basedon": "P144",
    "derivativework": "P4969",
    "manufacturer": "P176",
    "countryoforigin": "P495",
    "operator": "P137",
    "serviceentry": "P729",
}
_QID = re.compile(r"^Q[1-9][0-9]*$")
_ENTITY_IRI = re.compile(r"^https?://www\.wikidata\.org/(?:entity|wiki)/(Q[1-9][0-9]*)$")
_PROPERTY_IRI = re.compile(r"^https?://www\.wikidata\.org/prop/(?:direct/|statement/)?(P[1-9][0-9]*)$")
_RANKS = frozenset({"preferred", "normal", "deprecated"})
_XSD_DATETIME = "http://www.w3.org/2001/XMLSchema#dateTime"


@dataclass(frozen=True)
class ItemValue:
    """One value of an imported property.

    Attributes:
        pid: the property (``P176``).
        qid: the item value, for item-valued properties.
        time: the time value (``+1985-00-00T00:00:00Z``), for time-valued properties.
        precision: Wikidata's time precision (9 year, 10 month, 11 day).
        rank: ``preferred``, ``normal`` or ``deprecated``.
        statement_id: Wikidata's statement GUID, or the row for query results.
        value_label: the value's label, when the file gives it (query results).
    """

    pid: str
    qid: str | None = None
    time: str | None = None
    precision: int | None = None
    rank: str = "normal"
    statement_id: str = ""
    value_label: str | None = None


@dataclass
class ItemRecord:
    """What a file says about one Wikidata item.

    Attributes:
        qid: the item id.
        labels: language code -> label.
        aliases: language code -> aliases.
        values: values of the imported properties; other properties are dropped.
        skipped_values: values of imported properties that are not usable (no value, unknown value,
            a value of an unexpected type), by property.
        modified: the item's ``modified`` timestamp, if the file gives it.
        revision: the item's ``lastrevid``, if the file gives it.
        path: the file.
        line: the line the item starts on.
        form: ``entity-json``, ``dump`` or ``sparql-results``.
    """

    qid: str
    labels: dict[str, str] = field(default_factory=dict)
    aliases: dict[str, list[str]] = field(default_factory=dict)
    values: list[ItemValue] = field(default_factory=list)
    skipped_values: dict[str, int] = field(default_factory=dict)
    modified: str | None = None
    revision: int | None = None
    path: Path = Path()
    line: int = 1
    form: str = "entity-json"


def read_wikidata_file(path: Path) -> Iterator[ItemRecord]:
    """Yield the items of a Wikidata file in any of the three formats (gzip or not).

    Args:
        path: an entity JSON file, a dump-lines file or a SPARQL JSON results file.

    Yields:
        One record per item (property entities of a dump are passed over).

    Raises:
        LoadError: the file cannot be read, is not JSON (with line and column), or is not one of
            the three formats.
    """
    path = Path(path)
    try:
        with _open_text(path) as stream:
            head: list[str] = []
            while line := stream.readline():
                head.append(line)
                if line.strip().lstrip("\ufeff"):
                    break
            first = "".join(head).strip().lstrip("\ufeff")[:1]
            if first == "[":
                yield from _read_dump(itertools.chain(head, stream), path)
                return
            if first != "{":
                raise LoadError(
                    "not a Wikidata file: expected entity JSON, dump lines or SPARQL JSON results",
                    path=path,
                    line=len(head) or 1,
                    column=1,
                )
            text = "".join(head) + stream.read()
    except OSError as exc:
        raise LoadError(f"cannot read the file: {exc.strerror or exc}", path=path) from exc
    except (UnicodeDecodeError, EOFError) as exc:
        raise LoadError(f"not UTF-8 JSON text: {exc}", path=path) from exc
    document = _parse_json(text, path)
    if isinstance(document, dict) and isinstance(document.get("entities"), dict):
        for qid, entity in document["entities"].items():
            if isinstance(entity, dict) and entity.get("type", "item") == "item":
                yield _item_of_entity(entity, path, _locate(text, f'"{qid}"'), "entity-json")
    elif isinstance(document, dict) and isinstance(document.get("results"), dict):
        yield from _read_results(document, text, path)
    else:
        raise LoadError(
            "not a Wikidata file: a JSON object with neither 'entities' (entity JSON) nor "
            "'head' and 'results' (SPARQL JSON results)",
            path=path,
            line=1,
            column=1,
        )


def _open_text(path: Path) -> io.TextIOWrapper:
    """Open ``path`` as UTF-8 text, through gzip when it starts with gzip's magic bytes."""
    with path.open("rb") as raw:
        magic = raw.read(2)
    binary = gzip.open(path, "rb") if magic == b"\x1f\x8b" else path.open("rb")  # noqa: SIM115 (the caller closes it)
    return io.TextIOWrapper(binary, encoding="utf-8")


def _parse_json(text: str, path: Path, line_offset: int = 0, column_offset: int = 0) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise LoadError(
            f"JSON syntax error: {exc.msg}",
            path=path,
            line=exc.lineno + line_offset,
            column=exc.colno + (column_offset if exc.lineno == 1 else 0),
        ) from exc


def _locate(text: str, needle: str) -> int:
    """1-based line of the first occurrence of ``needle`` in ``text`` (1 if absent)."""
    index = text.find(needle)
    return text.count("\n", 0, index) + 1 if index >= 0 else 1


def _read_dump(stream: Iterable[str], path: Path) -> Iterator[ItemRecord]:
    """Stream a dump: ``[``, one entity per line with a trailing comma, ``]``."""
    opened = closed = False
    for number, line in enumerate(stream, 1):
        body = line.strip().lstrip("\ufeff")
        if not body:
            continue
        if body == "[" and not opened:
            opened = True
            continue
        if closed:
            raise LoadError("text after the closing ']' of the dump", path=path, line=number, column=1)
        if body == "]":
            closed = True
            continue
        indent = len(line) - len(line.lstrip().lstrip("\ufeff"))
        entity = _parse_json(body.removesuffix(","), path, number - 1, indent)
        if not isinstance(entity, dict):
            raise LoadError(
                "a dump line must hold one entity as a JSON object", path=path, line=number, column=indent + 1
            )
        if entity.get("type", "item") != "item":
            continue
        yield _item_of_entity(entity, path, number, "dump")


def _item_of_entity(entity: dict[str, Any], path: Path, line: int, form: str) -> ItemRecord:
    qid = entity.get("id")
    if not isinstance(qid, str) or not _QID.match(qid):
        raise LoadError(f"an entity without a valid item id (got {qid!r})", path=path, line=line, column=1)
    item = ItemRecord(qid, path=path, line=line, form=form)
    for lang, label in _table(entity, "labels", path, line).items():
        if isinstance(label, dict) and isinstance(label.get("value"), str):
            item.labels[lang] = label["value"]
    for lang, aliases in _table(entity, "aliases", path, line).items():
        if isinstance(aliases, list):
            item.aliases[lang] = [
                a["value"] for a in aliases if isinstance(a, dict) and isinstance(a.get("value"), str)
            ]
    item.modified = entity.get("modified") if isinstance(entity.get("modified"), str) else None
    revision = entity.get("lastrevid")
    item.revision = revision if isinstance(revision, int) and not isinstance(revision, bool) else None
    for pid, statements in _table(entity, "claims", path, line).items():
        if pid not in IMPORTED_PROPERTIES:
            continue
        if not isinstance(statements, list):
            raise LoadError(f"claims of {pid} of {qid} must be a list", path=path, line=line, column=1)
        for statement in statements:
            value = _statement_value(pid, statement)
            if value is None:
                item.skipped_values[pid] = item.skipped_values.get(pid, 0) + 1
            else:
                item.values.append(value)
    return item


def _table(entity: dict[str, Any], key: str, path: Path, line: int) -> dict[str, Any]:
    table = entity.get(key, {})
    if isinstance(table, list) and not table:  # the dumps write an empty table as []
        return {}
    if not isinstance(table, dict):
        raise LoadError(f"'{key}' of {entity.get('id')} must be a JSON object", path=path, line=line, column=1)
    return table


def _statement_value(pid: str, statement: Any) -> ItemValue | None:
    """The value of one statement, or None when it has none usable (somevalue, novalue, odd types)."""
    if not isinstance(statement, dict) or not isinstance(statement.get("mainsnak"), dict):
        return None
    snak = statement["mainsnak"]
    rank = statement.get("rank", "normal")
    rank = rank if rank in _RANKS else "normal"
    guid = statement.get("id") if isinstance(statement.get("id"), str) else ""
    if snak.get("snaktype", "value") != "value" or not isinstance(snak.get("datavalue"), dict):
        return None
    datavalue = snak["datavalue"]
    value = datavalue.get("value")
    if datavalue.get("type") == "wikibase-entityid" and isinstance(value, dict):
        qid = value.get("id") or (f"Q{value['numeric-id']}" if isinstance(value.get("numeric-id"), int) else None)
        if isinstance(qid, str) and _QID.match(qid):
            return ItemValue(pid, qid=qid, rank=rank, statement_id=str(guid or ""))
    if datavalue.get("type") == "time" and isinstance(value, dict) and isinstance(value.get("time"), str):
        precision = value.get("precision")
        return ItemValue(
            pid,
            time=value["time"],
            precision=precision if isinstance(precision, int) else None,
            rank=rank,
            statement_id=str(guid or ""),
        )
    return None


# --- SPARQL JSON results -----------------------------------------------------------------------------


def _read_results(document: dict[str, Any], text: str, path: Path) -> Iterator[ItemRecord]:
    head = document.get("head", {})
    variables = head.get("vars", []) if isinstance(head, dict) else []
    if "item" not in variables:
        raise LoadError(
            "SPARQL results need an ?item column (the Wikidata item of each row)",
            path=path,
            line=_locate(text, '"vars"'),
            column=1,
        )
    bindings = document["results"].get("bindings")
    if not isinstance(bindings, list):
        raise LoadError("'results' has no 'bindings' list", path=path, line=_locate(text, '"results"'), column=1)
    columns = {var: _column_property(var) for var in variables}
    items: dict[str, ItemRecord] = {}
    for number, row in enumerate(bindings, 1):
        if not isinstance(row, dict):
            raise LoadError(f"result row {number} is not a JSON object", path=path, line=1, column=1)
        qid = _entity_of(row.get("item"))
        if qid is None:
            where = json.dumps(row.get("item", {}).get("value", "")) if isinstance(row.get("item"), dict) else '"item"'
            raise LoadError(
                f"result row {number}: ?item is not a Wikidata item IRI", path=path, line=_locate(text, where), column=1
            )
        item = items.setdefault(
            qid, ItemRecord(qid, path=path, line=_locate(text, f'/entity/{qid}"'), form="sparql-results")
        )
        _add_row(item, row, columns, number)
    yield from items.values()


def _column_property(var: str) -> str | None:
    if re.fullmatch(r"[Pp][1-9][0-9]*", var):
        return var.upper() if var.upper() in IMPORTED_PROPERTIES else None
    return _COLUMN_NAMES.get(var.lower())


def _entity_of(term: Any) -> str | None:
    if isinstance(term, dict) and term.get("type") == "uri" and isinstance(term.get("value"), str):
        match = _ENTITY_IRI.match(term["value"])
        return match.group(1) if match else None
    return None


def _add_row(item: ItemRecord, row: dict[str, Any], columns: dict[str, str | None], number: int) -> None:
    for var, lang_table in (("itemLabel", item.labels), ("itemAltLabel", None)):
        term = row.get(var)
        if isinstance(term, dict) and isinstance(term.get("value"), str) and term.get("xml:lang"):
            lang = term["xml:lang"]
            if lang_table is not None:
                lang_table.setdefault(lang, term["value"])
            else:
                aliases = item.aliases.setdefault(lang, [])
                aliases.extend(a.strip() for a in term["value"].split(", ") if a.strip() and a.strip() not in aliases)
    pairs = [
        (pid, row.get(var), row.get(f"{var}Label"), row.get(f"{var}Precision")) for var, pid in columns.items() if pid
    ]
    prop = row.get("property")
    if isinstance(prop, dict) and isinstance(prop.get("value"), str):
        match = _PROPERTY_IRI.match(prop["value"])
        if match and match.group(1) in IMPORTED_PROPERTIES:
            pairs.append((match.group(1), row.get("value"), row.get("valueLabel"), row.get("valuePrecision")))
    for pid, term, label, precision in pairs:
        if term is None:
            continue
        value = _result_value(pid, term, label, precision, number)
        if value is None:
            item.skipped_values[pid] = item.skipped_values.get(pid, 0) + 1
        elif not any((v.pid, v.qid, v.time) == (value.pid, value.qid, value.time) for v in item.values):
            item.values.append(value)


def _result_value(pid: str, term: Any, label: Any, precision: Any, number: int) -> ItemValue | None:
    value_label = label.get("value") if isinstance(label, dict) and isinstance(label.get("value"), str) else None
    qid = _entity_of(term)
    if qid is not None:
        return ItemValue(pid, qid=qid, statement_id=f"row {number}", value_label=value_label)
    if isinstance(term, dict) and term.get("datatype") == _XSD_DATETIME and isinstance(term.get("value"), str):
        time = term["value"]
        given = precision.get("value") if isinstance(precision, dict) else None
        if isinstance(given, str) and given.isdigit():
            digits = int(given)
        else:
            digits = 9 if time[4:].startswith("-01-01T00:00:00") else 11
        sign = "" if time.startswith(("-", "+")) else "+"
        return ItemValue(pid, time=sign + time, precision=digits, statement_id=f"row {number}")
    return None
