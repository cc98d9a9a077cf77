"""Parsing RDF files for `dragonbear load`: every format, and errors that name file, line and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from dragonbear.errors import LoadError
from dragonbear.loaders.rdf import default_graph_for, parse_rdf_file

GOOD = {
    "a.ttl": '@prefix ex: <http://example.org/> .\nex:a ex:p "x" .\n',
    "a.nt": '<http://example.org/a> <http://example.org/p> "x" .\n',
    "a.nq": '<http://example.org/a> <http://example.org/p> "x" <http://example.org/g> .\n',
    "a.trig": '@prefix ex: <http://example.org/> .\nex:g { ex:a ex:p "x" . }\n',
    "a.jsonld": '{"@id": "http://example.org/a", "http://example.org/p": "x"}',
    "a.rdf": (
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">'
        '<rdf:Description rdf:about="http://example.org/a"><ex:p>x</ex:p></rdf:Description></rdf:RDF>'
    ),
}


@pytest.mark.parametrize("name", [pytest.param(n, id=n) for n in GOOD])
def test_parse_reads_every_format(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text(GOOD[name])
    quads = parse_rdf_file(path)
    assert len(quads) == 1
    assert quads[0].subject.value == "http://example.org/a"
    expected_graph = "http://example.org/g" if name in ("a.nq", "a.trig") else default_graph_for(path)
    assert quads[0].graph_name.value == expected_graph


@pytest.mark.parametrize(
    "name,text,line,column",
    [
        pytest.param(
            "bad.ttl",
            '@prefix ex: <http://example.org/> .\nex:a ex:p "x" .\nex:b ex:p ex:c ex:d .\n',
            3,
            None,
            id="turtle",
        ),
        pytest.param(
            "bad.nt", '<http://e/a> <http://e/p> "x" .\n<http://e/a> <http://e/p> bare .\n', 2, 27, id="ntriples"
        ),
        pytest.param(
            "bad.rdf",
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n<a>\n</rdf:RDF>',
            3,
            3,
            id="rdfxml",
        ),
        pytest.param("bad.jsonld", '{"@id": "http://e/a",\n "http://e/p": [}', 2, None, id="jsonld"),
    ],
)
def test_parse_rejects_malformed_file_with_line_and_column(
    tmp_path: Path, name: str, text: str, line: int, column: int | None
) -> None:
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(LoadError) as info:
        parse_rdf_file(path)
    assert info.value.path == str(path)
    assert info.value.line == line
    if column is not None:
        assert info.value.column == column
    assert str(info.value).startswith(f"{path}:{line}")


def test_parse_rejects_unknown_extension(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_text("a,b\n")
    with pytest.raises(LoadError, match="unknown RDF file extension"):
        parse_rdf_file(path)


def test_parse_names_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="cannot read file") as info:
        parse_rdf_file(tmp_path / "missing.ttl")
    assert info.value.path.endswith("missing.ttl")
