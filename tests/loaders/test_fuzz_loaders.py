"""Fuzzing the loaders (issue 16; tests/fuzzing.py has the strategies): RDF files of every format
mutated, SIPRI files whose rows are mutated (from the samples of ``tests/data/sipri`` and, where it is
on the machine, windows of SIPRI's real register), and curated records mutated as text and as data.

A loader either reads the file (and what it makes is valid RDF: the SIPRI loader's N-Triples are
loaded without re-validation) or raises :class:`~dragonbear.errors.LoadError` naming the file (and
the line, where the fault is in one); never another exception (KeyError, IndexError,
UnicodeDecodeError ...), never a hang. The generated examples are ``slow`` and ``fuzz``; the failures
they found are the ``REGRESSIONS`` below, which the inner loop runs.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import shutil
import tempfile
import tomllib
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dragonbear.errors import LoadError
from dragonbear.loaders.curated import load_curated
from dragonbear.loaders.rdf import FORMATS, parse_rdf_file
from dragonbear.loaders.sipri import read_sipri
from dragonbear.loaders.sipri_designations import DesignationMap, load_designation_map

from ..conftest import REGISTER, ROOT
from ..fuzzing import BAD_TEXTS, LOADER_SECONDS, RDF_SEEDS, XML_EXTERNAL, budget, mutated, mutated_bytes, within

DATA = ROOT / "tests" / "data"
CURATED = DATA / "curated" / "valid"


@pytest.fixture(scope="module")
def scratch() -> Iterator[Path]:
    """A folder for the examples' files (hypothesis runs many examples in one test call)."""
    folder = Path(tempfile.mkdtemp(prefix="fuzz-loaders-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def _fresh(scratch: Path) -> Path:
    """An empty folder of its own for one example."""
    folder = Path(tempfile.mkdtemp(dir=scratch))
    return folder


def assert_load_error(error: LoadError, folder: Path, *, located: bool = True) -> None:
    """The error names a file of ``folder`` and (when ``located``) the line of the fault in it, and
    says what is wrong."""
    assert error.path is not None and Path(error.path).parent == folder, (error.path, folder)
    assert not located or (error.line is not None and error.line >= 1), repr(error)
    assert error.reason.strip(), repr(error)


# --- RDF files ------------------------------------------------------------------------------------------

_EXTENSION_OF = {
    media: next(e for e, f in FORMATS.items() if ox.RdfFormat.from_media_type(media) == f) for media in RDF_SEEDS
}


UNLOCATED = (ox.RdfFormat.RDF_XML, ox.RdfFormat.JSON_LD, None)


@st.composite
def rdf_files(draw: Any) -> tuple[str, bytes]:
    """A file extension and a body: a format's seed mutated (sometimes another format's, sometimes not UTF-8)."""
    media = draw(st.sampled_from(sorted(RDF_SEEDS)))
    source = media if draw(st.integers(0, 3)) else draw(st.sampled_from(sorted(RDF_SEEDS)))
    seeds = RDF_SEEDS[source]
    extension = draw(st.sampled_from([_EXTENSION_OF[media], _EXTENSION_OF[media].upper(), *FORMATS]))
    return extension, draw(mutated_bytes(st.one_of(mutated(seeds, max_mutations=1), mutated(seeds))))


def check_rdf_file(folder: Path, extension: str, body: bytes) -> None:
    """Parse a file of ``body``: quads, or a LoadError naming the file."""
    path = folder / f"fuzzed{extension}"
    path.write_bytes(body)
    try:
        quads = parse_rdf_file(path)
    except LoadError as error:
        # pyoxigraph's RDF/XML and JSON-LD parsers give no position for some faults (an IRI that does
        # not parse, a keyword out of place); its parsers of the text formats always do
        assert_load_error(error, folder, located=FORMATS.get(extension.lower()) not in UNLOCATED)
        return
    assert all(isinstance(q, ox.Quad) for q in quads)


@pytest.mark.slow
@pytest.mark.fuzz
@given(file=rdf_files())
@budget(1000)
def test_fuzzed_rdf_files_load_or_fail_with_a_load_error(scratch: Path, file: tuple[str, bytes]) -> None:
    within(LOADER_SECONDS, check_rdf_file, scratch, *file)


# --- SIPRI files ----------------------------------------------------------------------------------------

_MAPPING: list[DesignationMap] = []


def _mapping() -> DesignationMap:
    if not _MAPPING:
        _MAPPING.append(load_designation_map())
    return _MAPPING[0]


def _sipri_seeds() -> list[str]:
    """The two samples, and, where SIPRI's register is on the machine, four windows of 40 of its rows
    (the preamble and header kept)."""
    seeds = [
        (DATA / "sipri" / name).read_bytes().decode("utf-8-sig") for name in ("current-sample.csv", "legacy-sample.csv")
    ]
    if REGISTER.is_file():
        lines = REGISTER.read_bytes().decode("iso-8859-1").split("\n")
        header = next(i for i, line in enumerate(lines) if line.startswith("Recipient,Supplier"))
        for start in (header + 1, len(lines) // 3, len(lines) // 2, len(lines) - 41):
            seeds.append("\n".join(lines[: header + 1] + lines[start : start + 40]))
    return seeds


SIPRI_SEEDS = _sipri_seeds()
FIELD_VALUES = st.one_of(
    st.sampled_from(
        [
            "",
            "?",
            "0",
            "-1",
            "1e5",
            "99999999999999999999",
            "NaN",
            "2015",
            "19999",
            "1950; 1951",
            "2015-07",
            "Yes",
            "No",
            "New",
            "Second hand",
            "Russia",
            "China",
            "Soviet Union",
            "Su-35S",
            '"',
            "a,b",
            "\n",
        ]
    ),
    st.sampled_from(BAD_TEXTS),
    st.text(st.characters(exclude_categories=["Cs"]), max_size=20),
)


def _mutate_rows(draw: Any, text: str) -> str:
    """Change one to three rows below the header: a field replaced, a field added or dropped, a row
    dropped, doubled or cut."""
    lines = text.split("\n")
    header = next((i for i, line in enumerate(lines) if line.count(",") > 8), len(lines) - 1)
    for _ in range(draw(st.integers(1, 3))):
        if len(lines) <= header + 1:
            break
        i = draw(st.integers(header + 1, len(lines) - 1))
        try:
            fields = next(csv.reader([lines[i]]), [])
        except csv.Error:  # a carriage return put in by an earlier change
            fields = lines[i].split(",")
        kind = draw(st.integers(0, 4))
        if kind == 0 and fields:
            fields[draw(st.integers(0, len(fields) - 1))] = draw(FIELD_VALUES)
        elif kind == 1:
            fields.insert(draw(st.integers(0, len(fields))), draw(FIELD_VALUES))
        elif kind == 2 and fields:
            del fields[draw(st.integers(0, len(fields) - 1))]
        elif kind == 3:
            lines.insert(i, lines[i])
            continue
        else:
            lines[i] = lines[i][: draw(st.integers(0, len(lines[i])))]
            continue
        out = io.StringIO()
        csv.writer(out, lineterminator="").writerow(fields)
        lines[i] = out.getvalue()
    return "\n".join(lines)


@st.composite
def sipri_files(draw: Any) -> bytes:
    """A SIPRI file: rows mutated, or the text mutated anywhere, in UTF-8 or Latin-1 (as SIPRI writes)."""
    text = draw(st.sampled_from(SIPRI_SEEDS))
    text = _mutate_rows(draw, text) if draw(st.integers(0, 2)) else draw(mutated([text], max_mutations=2))
    if draw(st.booleans()):
        return text.encode("iso-8859-1", errors="replace")
    return draw(mutated_bytes(st.just(text)))


def check_sipri_file(folder: Path, body: bytes) -> None:
    """Read a SIPRI file of ``body`` whole: N-Triples that parse strictly, or a LoadError naming the file."""
    path = folder / "fuzzed-sipri.csv"
    path.write_bytes(body)
    try:
        loaded = read_sipri(path, mapping=_mapping())
        text = b"".join(loaded.text)
    except LoadError as error:
        assert_load_error(error, folder)
        return
    triples = list(ox.parse(text, format=ox.RdfFormat.N_TRIPLES))  # strict: IRIs and literals checked
    assert len(triples) == loaded.report.triples


@pytest.mark.slow
@pytest.mark.fuzz
@given(body=sipri_files())
@budget(600)
def test_fuzzed_sipri_files_load_or_fail_with_a_load_error(scratch: Path, body: bytes) -> None:
    within(LOADER_SECONDS, check_sipri_file, scratch, body)


# --- Curated records ------------------------------------------------------------------------------------


def toml_key(key: str) -> str:
    """``key`` bare where TOML allows it (as the curated files write keys), else quoted."""
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key, ensure_ascii=False)


def toml_value(value: object) -> str:
    """``value`` written as a TOML value (tables inline)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf") if math.isinf(value) else repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{toml_key(str(k))} = {toml_value(v)}" for k, v in value.items()) + "}"
    return json.dumps(str(value), ensure_ascii=False)


def toml_document(data: dict[str, Any]) -> str:
    """A TOML document of top-level values and arrays of tables (the curated files' shape)."""
    head, tables = [], []
    for key, value in data.items():
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            for record in value:
                tables.append(f"[[{toml_key(key)}]]")
                tables.extend(f"{toml_key(k)} = {toml_value(v)}" for k, v in record.items())
        else:
            head.append(f"{toml_key(key)} = {toml_value(value)}")
    return "\n".join(head + tables) + "\n"


TOML_VALUES = st.recursive(
    st.one_of(
        st.text(st.characters(exclude_categories=["Cs"]), max_size=12),
        st.sampled_from(
            [
                "",
                "su-27",
                "china",
                "sipri:russia-china-1995-su-27sk",
                "1998",
                "2018-09-11",
                "Q173680",
                "Preferred",
                "Hedged",
                "circa",
                "LicensedProduction",
                "vonessen-2025",
                "§2 ¶1",
            ]
        ),
        st.integers(-(10**20), 10**20),
        st.floats(),
        st.booleans(),
        st.dates(),
    ),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(["source", "locator", "en", "x"]), inner, max_size=3)
    ),
    max_leaves=5,
)


def _mutate_records(draw: Any, data: dict[str, Any]) -> None:
    """Change records in place: a value replaced or dropped, a key added, a record doubled or dropped,
    an id taken from another record."""
    tables = [key for key, value in data.items() if isinstance(value, list) and value]
    for _ in range(draw(st.integers(1, 3))):
        if not tables:
            return
        records = data[draw(st.sampled_from(tables))]
        record = records[draw(st.integers(0, len(records) - 1))]
        keys = sorted(record)
        kind = draw(st.integers(0, 5))
        if kind == 0 and keys:
            record[draw(st.sampled_from(keys))] = draw(TOML_VALUES)
        elif kind == 1 and keys:
            del record[draw(st.sampled_from(keys))]
        elif kind == 2:
            record[draw(st.sampled_from(["id", "names", "sources", "start", "end", "confidence", "nato", "zzz"]))] = (
                draw(TOML_VALUES)
            )
        elif kind == 3:
            records.append(dict(record))
        elif kind == 4 and len(records) > 1:
            records.remove(record)
        else:
            record["id"] = draw(st.sampled_from(["su-27", "china", "j-11", "vonessen-2025", "Bad Id", ""]))


@st.composite
def curated_folders(draw: Any) -> tuple[str, str]:
    """One file of the valid curated sample (its name and new text): records mutated as data, or the
    text mutated anywhere."""
    name = draw(st.sampled_from(sorted(p.name for p in CURATED.glob("*.toml"))))
    text = (CURATED / name).read_text(encoding="utf-8")
    if draw(st.integers(0, 2)):
        data = tomllib.loads(text)
        _mutate_records(draw, data)
        return name, toml_document(data)
    return name, draw(mutated([text], max_mutations=2))


def check_curated_folder(folder: Path, name: str, text: str) -> None:
    """Load the valid sample with ``name`` replaced by ``text``: quads, or a LoadError naming a file."""
    shutil.copytree(CURATED, folder, dirs_exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    try:
        loaded = load_curated(folder)
    except LoadError as error:
        assert_load_error(error, folder)
        return
    assert all(isinstance(q, ox.Quad) for q in loaded.quads)


@pytest.mark.slow
@pytest.mark.fuzz
@given(change=curated_folders())
@budget(600)
def test_fuzzed_curated_records_load_or_fail_with_a_load_error(scratch: Path, change: tuple[str, str]) -> None:
    within(LOADER_SECONDS, check_curated_folder, _fresh(scratch), *change)


# --- What the fuzzing found: each case as it was found (or shrunk), with the answer it gets now ---------

CURATED_REGRESSIONS = [
    # A list or table where a name is expected: looked up in a set or dict of names, TypeError (unhashable).
    pytest.param("agents.toml", 'type = "Company"', "type = []", "unknown type []", id="type-a-list"),
    pytest.param(
        "sources.toml", 'reliability = "B"', "reliability = []", "bad reliability []", id="reliability-a-list"
    ),
    pytest.param(
        "sources.toml",
        'reliability = "C"',
        "reliability = { locator = 1551-07-02 }",
        "bad reliability",
        id="reliability-a-table",
    ),
    pytest.param(
        "statements.toml",
        'date_qualifier = "circa"',
        'date_qualifier = { source = "x" }',
        "bad date_qualifier",
        id="qualifier-a-table",
    ),
    pytest.param("statements.toml", 'rank = "Preferred"', 'rank = ["Preferred"]', "bad rank", id="rank-a-list"),
    pytest.param(
        "statements.toml",
        'reliability = "C" }',
        'reliability = ["C"] }',
        "bad reliability ['C'] in an attestation",
        id="attestation-reliability-a-list",
    ),
    pytest.param(
        "statements.toml",
        'quantity_qualifier = "at least"',
        'quantity_qualifier = { at = "least" }',
        "bad quantity_qualifier",
        id="choice-a-table",
    ),
    pytest.param(
        "statements.toml",
        '{ source = "vonessen-2025", locator = "§2 ¶2" }',
        '{ source = ["vonessen-2025"], locator = "§2 ¶2" }',
        "unknown source ['vonessen-2025']",
        id="attestation-source-a-list",
    ),
    # A table as an exercise's participants: put in a set to count them, TypeError (unhashable).
    pytest.param(
        "statements.toml",
        'participants = ["russia", "china", "mongolia"]',
        "participants = {}",
        "'participants' must be a record id, got {}",
        id="participants-a-table",
    ),
    # A dotted table header: the unknown record type [[s]] was reported without its line.
    pytest.param(
        "agents.toml", "[[state]]", "[[s.ate]]", "agents.toml:1: unknown record type [[s]]", id="dotted-header"
    ),
    # A TOML date before the year 1000: the date passed, then its year failed outside the check (ValueError).
    pytest.param(
        "statements.toml",
        'start = "1998"',
        "start = 0882-01-10",
        "the year must be from 1000 to 9999",
        id="date-before-1000",
    ),
    # A control character in a DBpedia title: an IRI pyoxigraph refused (ValueError); now it is percent-encoded.
    pytest.param(
        "agents.toml",
        'dbpedia = "Russia"',
        'dbpedia = "Russia\u0095[1]"',
        None,
        id="dbpedia-title-with-a-control-character",
    ),
]


@pytest.mark.parametrize(("name", "old", "new", "message"), CURATED_REGRESSIONS)
def test_curated_fuzzing_regressions(scratch: Path, name: str, old: str, new: str, message: str | None) -> None:
    text = (CURATED / name).read_text(encoding="utf-8")
    assert old in text
    folder = _fresh(scratch)
    check_curated_folder(folder, name, text.replace(old, new, 1))
    if message is None:
        iris = {q.object.value for q in load_curated(folder).quads if isinstance(q.object, ox.NamedNode)}
        assert "http://dbpedia.org/resource/Russia%C2%95%5B1%5D" in iris
        return
    with pytest.raises(LoadError) as caught:
        load_curated(folder)
    assert message in str(caught.value) and caught.value.path == str(folder / name)


SIPRI_REGRESSIONS = [
    # A carriage return alone in a line above the header: csv.Error from the header search, uncaught.
    pytest.param("Transfers of major", "\rransfers of major", None, id="carriage-return-in-the-preamble"),
    pytest.param("Recipient,Supplier", "Recipient\r,Supplier", "missing header", id="carriage-return-in-the-header"),
]


@pytest.mark.parametrize(("old", "new", "message"), SIPRI_REGRESSIONS)
def test_sipri_fuzzing_regressions(scratch: Path, old: str, new: str, message: str | None) -> None:
    text = (DATA / "sipri" / "legacy-sample.csv").read_text(encoding="utf-8")
    assert old in text
    folder = _fresh(scratch)
    check_sipri_file(folder, text.replace(old, new, 1).encode("utf-8"))
    if message is None:
        assert read_sipri(folder / "fuzzed-sipri.csv", mapping=_mapping()).report.deals == 7
        return
    with pytest.raises(LoadError, match=message):
        read_sipri(folder / "fuzzed-sipri.csv", mapping=_mapping())


def test_rdf_fuzzing_regressions(scratch: Path) -> None:
    """RDF/XML that declares an external entity: pyoxigraph's refusal had no line; now the loader's own
    check names the entity, the line and the column, and reads nothing."""
    folder = _fresh(scratch)
    check_rdf_file(folder, ".rdf", XML_EXTERNAL.encode())
    with pytest.raises(LoadError, match="external entity 'e'") as caught:
        parse_rdf_file(folder / "fuzzed.rdf")
    assert (caught.value.line, caught.value.column) == (1, 73)
