"""The SIPRI comment reader measured against the hand-labelled sample (docs/sipri-comment-relations.md).

``tests/data/sipri/comment-labels.jsonl`` holds 248 comments drawn in strata from the full register
(``tests/data/sipri/draw_comment_sample.py``) and labelled by hand. Every fourth comment is held out:
the reader's rules were tuned on the other three quarters only, and the test prints both.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from dragonbear.loaders.sipri_comment_dependencies import Dependency
from dragonbear.loaders.sipri_comment_derivations import Derivation
from dragonbear.loaders.sipri_comment_names import name_key
from dragonbear.loaders.sipri_comments import Relation, read_comment

LABELS = Path(__file__).parent.parent / "data" / "sipri" / "comment-labels.jsonl"
MIN_PRECISION, MIN_RECALL = 0.95, 0.85


def _key(kind: str, derivation: str | None, name: str | None) -> tuple[str, str, str]:
    name = re.sub(r"\s+(?:\d+(?:\.\d+)?mm|class|type)$", "", (name or "").strip(), flags=re.IGNORECASE)
    return (kind, derivation or "", name_key(name))


def _gold(relation: dict[str, object]) -> tuple[str, str, str]:
    if relation["kind"] == "dependency":
        return _key("dependency", None, str(relation["platform"]))
    return _key("derivation", str(relation["derivation"]), relation["product"])  # type: ignore[arg-type]


def _read(relation: Relation) -> tuple[str, str, str]:
    if isinstance(relation, Dependency):
        return _key("dependency", None, relation.platform)
    return _key("derivation", relation.derivation, relation.product)


def _rows() -> list[dict[str, object]]:
    return [json.loads(line) for line in LABELS.read_text(encoding="utf-8").splitlines() if line.strip()]


def _score(rows: list[dict[str, object]]) -> tuple[Counter[str], Counter[str], Counter[str], list[str]]:
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    errors: list[str] = []
    for row in rows:
        gold = Counter(_gold(r) for r in row["relations"])  # type: ignore[union-attr]
        read = Counter(
            _read(r)
            for r in read_comment(
                str(row["comment"]),
                recipient=str(row["recipient"]),
                supplier=str(row["supplier"]),
                designation=str(row["designation"]),
            )
        )
        for key in gold | read:
            hit = min(gold[key], read[key])
            tp[key[0]] += hit
            fp[key[0]] += read[key] - hit
            fn[key[0]] += gold[key] - hit
            if read[key] != gold[key]:
                errors.append(f"{row['key']}: {'missed' if gold[key] > read[key] else 'spurious'} {key}")
    return tp, fp, fn, errors


def _table(name: str, tp: Counter[str], fp: Counter[str], fn: Counter[str]) -> list[tuple[str, float, float]]:
    out = []
    for kind in ("dependency", "derivation", "all"):
        t = sum(tp.values()) if kind == "all" else tp[kind]
        p = t + (sum(fp.values()) if kind == "all" else fp[kind])
        g = t + (sum(fn.values()) if kind == "all" else fn[kind])
        precision, recall = (t / p if p else 1.0), (t / g if g else 1.0)
        print(f"  {name:<9} {kind:<11} precision {precision:.3f} ({t}/{p})  recall {recall:.3f} ({t}/{g})")
        out.append((kind, precision, recall))
    return out


def test_hedges_agree_with_the_labels_on_matched_relations() -> None:
    """Among relations both the labels and the reader give, how often they agree on the hedge."""
    agree = total = 0
    for row in _rows():
        gold = {_gold(r): bool(r["hedged"]) for r in row["relations"]}  # type: ignore[union-attr, index]
        for relation in read_comment(
            str(row["comment"]),
            recipient=str(row["recipient"]),
            supplier=str(row["supplier"]),
            designation=str(row["designation"]),
        ):
            if _read(relation) in gold:
                total += 1
                agree += gold[_read(relation)] == relation.hedged
    print(f"\n  hedge agreement on matched relations: {agree}/{total} ({agree / total:.3f})")
    assert agree / total >= 0.9


def test_labelled_sample_is_complete() -> None:
    rows = _rows()
    assert len(rows) >= 200
    assert len({row["key"] for row in rows}) == len(rows)
    strata = Counter(str(row["stratum"]) for row in rows)
    for stratum in (
        "china-for",
        "russia-for",
        "ukraine",
        "third-for",
        "engines",
        "radars",
        "missiles",
        "guns",
        "ships",
        "licence",
        "copies-kits",
        "hedged",
        "nothing",
    ):
        assert strata[stratum] >= 5, stratum


def test_reader_precision_and_recall_on_the_labelled_sample() -> None:
    rows = _rows()
    print()
    results = {}
    for name, subset in (("tuned", [r for i, r in enumerate(rows) if i % 4]), ("held-out", rows[::4]), ("all", rows)):
        tp, fp, fn, errors = _score(subset)
        results[name] = _table(name, tp, fp, fn)
        if name == "all":
            print("  disagreements:\n    " + "\n    ".join(errors))
    for kind, precision, recall in results["all"]:
        assert precision >= MIN_PRECISION, f"{kind} precision {precision:.3f} below {MIN_PRECISION}"
        assert recall >= MIN_RECALL, f"{kind} recall {recall:.3f} below {MIN_RECALL}"


@pytest.mark.parametrize(
    "comment, expected",
    [
        pytest.param(
            "RD-93 version; for JF-17 combat aircraft from China; incl spare engines",
            [("JF-17", "RD-93", "China")],
            id="version-for-platform-from-state",
        ),
        pytest.param(
            "AL-31F-M2 version for J-20 combat aircraft produced in China",
            [("J-20", "AL-31F-M2", "China")],
            id="version-in-the-same-clause",
        ),
        pytest.param(
            "For 50 Type-054A (Jiangkai-2) frigates produced in China; for use with HHQ-16 SAM",
            [("Type-054A", None, "China"), ("HHQ-16", None, None)],
            id="count-alias-and-use-with",
        ),
        pytest.param("For frigates; for national police; for training", [], id="unnamed-platforms-give-nothing"),
    ],
)
def test_dependencies_of_the_issue_examples(comment: str, expected: list[tuple[str, str | None, str | None]]) -> None:
    found = [(r.platform, r.version, r.platform_state) for r in read_comment(comment) if isinstance(r, Dependency)]
    assert found == expected


def test_derivations_of_the_issue_examples() -> None:
    mig19 = read_comment(
        "Most assembled/produced in China from kits delivered before 1960 China-Soviet Union break;"
        " more produced as illegal copy after 1960 China-Soviet Union break as J-6 (F-6)",
        recipient="China",
        supplier="Soviet Union",
        designation="MiG-19",
    )
    assert ("ReverseEngineering", "J-6", "China") in [
        (r.derivation, r.product, r.state) for r in mig19 if isinstance(r, Derivation)
    ]
    su27 = read_comment(
        "Part of $1.5-2.5 b deal for 200 but about 95 cancelled; assembled from kits; Chinese designation J-11",
        recipient="China",
        supplier="Russia",
        designation="Su-27S",
    )
    assert [(r.kind, getattr(r, "derivation", None), getattr(r, "product", None)) for r in su27] == [
        ("derivation", "KitAssembly", "J-11")
    ]


def test_hedges_mark_the_relation_they_qualify() -> None:
    relations = read_comment("For T-90 and possibly T-72 tanks; probably second-hand")
    assert [(r.platform, r.hedged) for r in relations if isinstance(r, Dependency)] == [("T-90", False), ("T-72", True)]
    copy = read_comment(
        "Possibly copied and produced in China as PL-11", recipient="China", supplier="Italy", designation="Aspide"
    )
    assert [(r.product, r.hedged) for r in copy if isinstance(r, Derivation)] == [("PL-11", True)]
