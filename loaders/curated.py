"""Load the curated facts (``core/data/curated/*.toml``) as quads of the curated graph.

The format is described in ``docs/curated-format.md``. Loading runs in three steps:

1. read every ``*.toml`` file of the directory (sorted) with ``tomllib`` and find each record's line;
2. index the records: ids (unique across files), sources, attestation IRIs;
3. write every record as pyoxigraph quads (``curated_records.RecordWriter``), checking references,
   concept names, dates and confidences.

Every problem is collected; if there is any, one ``LoadError`` lists them all, located at the first.

Example::

    loaded = load_curated(Path("core/data/curated"))
    loaded.quads, loaded.report.entities, loaded.report.sipri_refs
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dragonbear.errors import LoadError
from dragonbear.loaders.contract import Loaded
from dragonbear.loaders.curated_records import CuratedIndex, RecordWriter, SourceInfo
from dragonbear.loaders.curated_schema import RECORD_TYPES, Problem, Record, is_slug, sipri_transfer_iri
from dragonbear.loaders.curated_terms import load_vocabulary
from dragonbear.namespaces import entity_iri

__all__ = ["CuratedReport", "index_records", "load_curated", "read_records"]

_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_HEADER = re.compile(r"^\s*\[\[\s*([A-Za-z0-9_-]+)\s*\]\]")
_ID_LINE = re.compile(r"""^\s*(?:id|key)\s*=\s*["']([^"']*)["']""")


@dataclass(frozen=True)
class CuratedReport:
    """What the curated loader read (its quads, all in the graph ``GRAPH_CURATED``, are beside it in
    the :class:`~dragonbear.loaders.contract.Loaded`).

    Attributes:
        entities: record id (a source's key) -> IRI, for every record with an id.
        sipri_refs: SIPRI deal key -> ``file:line`` of the first record that references it; the build
            checks that each deal exists in the SIPRI graph.
        files: the files read, sorted.
    """

    entities: dict[str, str]
    sipri_refs: dict[str, str]
    files: list[Path]


def load_curated(directory: Path) -> Loaded[CuratedReport]:
    """Load every ``*.toml`` file of ``directory`` as curated facts.

    Args:
        directory: the folder of curated files, normally ``core/data/curated``.

    Returns:
        The quads, and a report with the id -> IRI map, the SIPRI deals referenced and the files read.

    Raises:
        LoadError: the directory is missing, a file is not valid TOML (with line and column), or
            records break the format (unknown type, key, reference or concept, missing key, duplicate
            id, bad date or confidence, ...). One error lists every problem; its ``path`` and
            ``line`` are those of the first.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise LoadError("curated facts directory not found", path=directory)
    files = sorted(directory.glob("*.toml"))
    records, problems = read_records(files)
    _raise_problems(problems, files)  # no semantic checks on files that did not parse
    index, problems = index_records(records)
    writer = RecordWriter(index, load_vocabulary())
    for record in records:
        writer.write_record(record)
    _raise_problems(problems + writer.problems, files)
    entities = {local: record.iri for local, record in index.records_by_id.items() if record.iri}
    return Loaded(list(dict.fromkeys(writer.quads)), CuratedReport(entities, writer.sipri_refs, files))


def read_records(files: list[Path]) -> tuple[list[Record], list[Problem]]:
    """Parse curated files into records, each with the line it starts at.

    Args:
        files: TOML files, in the order their records should be processed.

    Returns:
        The records, and the problems found (TOML syntax errors with line and column, unknown
        record types, top-level keys that are not arrays of tables).
    """
    records: list[Record] = []
    problems: list[Problem] = []
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
            data = tomllib.loads(text)
        except UnicodeDecodeError as exc:
            problems.append(Problem(f"not UTF-8 text: {exc}", path))
            continue
        except tomllib.TOMLDecodeError as exc:
            problems.append(_syntax_problem(exc, path, text))
            continue
        lines = text.splitlines()
        for name, value in data.items():
            header_lines = _header_lines(lines, name)
            first_line = header_lines[0] if header_lines else _key_line(lines, name)
            if name not in RECORD_TYPES:
                known = ", ".join(f"[[{t}]]" for t in RECORD_TYPES)
                problems.append(Problem(f"unknown record type [[{name}]] (expected one of {known})", path, first_line))
            elif not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
                problems.append(Problem(f"'{name}' must be written as [[{name}]] tables", path, first_line))
            else:
                records.extend(
                    Record(name, item, path, _record_line(lines, header_lines, n, item)) for n, item in enumerate(value)
                )
    return records, problems


def index_records(records: list[Record]) -> tuple[CuratedIndex, list[Problem]]:
    """Give every record its IRI and attestation IRIs, and index ids and sources.

    Sets ``local_id``, ``iri`` and ``attestations`` on each record.

    Args:
        records: the records of every file.

    Returns:
        The index, and the problems found (bad or duplicate ids, bad SIPRI deal keys).
    """
    index = CuratedIndex({}, {}, set())
    problems: list[Problem] = []
    seen: Counter[tuple[str, str]] = Counter()
    for record in records:
        record.local_id, record.iri, problem = _identify(record, index)
        if problem:
            problems.append(Problem(problem, record.path, record.line))
        if record.iri is None:
            continue
        if record.local_id is not None:
            index.records_by_id[record.local_id] = record
        if record.type == "source":
            index.sources[record.local_id or ""] = SourceInfo(record.data.get("type"), record.data.get("reliability"))
        attestations = record.data.get("sources")
        for attestation in attestations if isinstance(attestations, list) else []:
            key = attestation.get("source") if isinstance(attestation, dict) else None
            seen[(record.iri, str(key))] += 1
            count = seen[(record.iri, str(key))]
            record.attestations.append(f"{record.iri}#att-{key}" + (f"-{count}" if count > 1 else ""))
        index.attestation_iris.update(record.attestations)
    return index, problems


def _identify(record: Record, index: CuratedIndex) -> tuple[str | None, str | None, str | None]:
    """Return the record's local id, its IRI and a problem (all may be None)."""
    spec = RECORD_TYPES[record.type]
    id_key = "key" if record.type == "source" else "id"
    local = record.data.get(id_key)
    deal = record.data.get("sipri_deal") if record.type == "transfer" else None
    if local is not None and not is_slug(local):
        return None, None, f"[[{record.type}]]: bad {id_key} {local!r}: use a lower-case slug like 'su-27sk'"
    if local is not None and local in index.records_by_id:
        first = index.records_by_id[local]
        return None, None, f"[[{record.type}]]: duplicate id {local!r} (first defined at {first.location})"
    if deal is not None:
        if not is_slug(deal):
            example = "russia-china-2015-su-35s"
            return local, None, f"[[transfer]]: bad sipri_deal {deal!r}: expected a key like {example!r}"
        return local, sipri_transfer_iri(deal), None
    if local is None:
        return None, None, None  # the writer reports the missing key
    return local, entity_iri(spec.kind, local), None


def _header_lines(lines: list[str], name: str) -> list[int]:
    """1-based lines of the ``[[name]]`` headers."""
    return [n for n, line in enumerate(lines, 1) if (m := _HEADER.match(line)) and m.group(1) == name]


def _key_line(lines: list[str], name: str) -> int | None:
    """1-based line where a top-level key or table ``name`` is written, if found: ``name = ``,
    ``[name]``, and the dotted and quoted forms (``name.x = ``, ``[[name.x]]``, ``"name" = ``).

    >>> _key_line(["[[state]]", 'id = "x"', "[[s.ate]]"], "s"), _key_line(['"a b".c = 1'], "a b")
    (3, 1)
    """
    key = "|".join(re.escape(form) for form in (name, f'"{name}"', f"'{name}'"))
    pattern = re.compile(rf"^\s*(?:\[\[?\s*(?:{key})\s*[\].]|(?:{key})\s*[.=])")
    return next((n for n, line in enumerate(lines, 1) if pattern.match(line)), None)


def _record_line(lines: list[str], header_lines: list[int], position: int, data: dict[str, Any]) -> int | None:
    """Line of the record's ``id = "..."`` (or ``key``) within its block, else of its header."""
    local = data.get("key", data.get("id"))
    if position < len(header_lines):
        start = header_lines[position]
        for n in range(start, len(lines) + 1):
            line = lines[n - 1]
            if n > start and _HEADER.match(line):
                break
            match = _ID_LINE.match(line)
            if match and match.group(1) == local:
                return n
        return start
    matches = (n for n, line in enumerate(lines, 1) if (m := _ID_LINE.match(line)) and m.group(1) == local)
    return next(matches, None)


def _syntax_problem(exc: tomllib.TOMLDecodeError, path: Path, text: str) -> Problem:
    """Turn tomllib's error, whose message ends ``(at line X, column Y)``, into a located problem."""
    message = str(exc)
    match = _TOML_POSITION.search(message)
    if match:
        reason = message[: match.start()]
        return Problem(f"TOML syntax error: {reason}", path, int(match.group(1)), int(match.group(2)))
    line = len(text.splitlines()) if "end of document" in message else None
    return Problem(f"TOML syntax error: {message}", path, line)


def _raise_problems(problems: list[Problem], files: list[Path]) -> None:
    """Raise one LoadError listing ``problems`` in file order, located at the first; do nothing if none."""
    if not problems:
        return
    order = {path: n for n, path in enumerate(files)}
    problems = sorted(problems, key=lambda p: (order.get(p.path, -1), p.line or 0))
    first = problems[0]
    message = first.message
    if len(problems) > 1:
        listing = "\n".join(f"  {p}" for p in problems)
        message += f"\n{len(problems)} problems in the curated facts:\n{listing}"
    raise LoadError(message, path=first.path, line=first.line, column=first.column)
