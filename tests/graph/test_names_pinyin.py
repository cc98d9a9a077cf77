"""Chinese names resolve from pinyin, with or without tones, and from characters: every Chinese name the
shipped graph holds (the session ``store``), romanized by pypinyin, not only the PLA prefixes."""

from __future__ import annotations

import re

import pytest
from pypinyin import Style, lazy_pinyin

from dragonbear.graph.name_keys import NAMES_QUERY
from dragonbear.graph.resolve import NameIndex
from dragonbear.graph.store import EmbeddedStore
from dragonbear.service.runtime.names import name_index

HAN = re.compile("[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def names(store: EmbeddedStore) -> NameIndex:
    return name_index(store)


@pytest.fixture(scope="module")
def chinese_names(store: EmbeddedStore) -> list[tuple[str, str, str]]:
    """Every name of an entity in Chinese characters or tagged zh (zh-Hans, zh-Latn-pinyin ...):
    (entity, name, language tag)."""
    found = []
    for row in store.select(NAMES_QUERY):
        name = row["name"]
        lang = getattr(name, "language", None) or ""
        if HAN.search(name.value) or lang.lower().startswith("zh"):
            found.append((row["entity"].value, name.value, lang.lower()))
    return found


def best(names: NameIndex, text: str) -> tuple[set[str], int]:
    """The entities in the best tier of ``text``'s candidates, and that tier's score."""
    found = names.candidates(text, limit=50)
    assert found, f"nothing found for {text!r}"
    return {c.iri for c in found if c.score == found[0].score}, found[0].score


def test_the_graph_holds_chinese_names_of_every_sort(chinese_names: list[tuple[str, str, str]]) -> None:
    langs = {lang for _, _, lang in chinese_names}
    assert {"zh-hans", "zh-latn-pinyin"} <= langs
    assert len([n for _, n, _ in chinese_names if HAN.search(n)]) > 150  # systems, orgs, places, exercises ...
    assert any(n == "海参崴" for _, n, _ in chinese_names)  # a spelling variant with no language tag


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("jian-11", id="pinyin-hyphen"),
        pytest.param("jiān 11", id="pinyin-tone-marks"),
        pytest.param("Jian11", id="pinyin-run-together"),
        pytest.param("jian1 11", id="pinyin-tone-numbers"),
        pytest.param("歼-11", id="simplified-characters"),
        pytest.param("殲-11", id="traditional-characters"),
    ],
)
def test_every_way_of_writing_the_j11_in_chinese_finds_it_first(names: NameIndex, text: str) -> None:
    found = names.candidates(text)
    assert found[0].iri.endswith("/system/j-11") and found[0].score >= 80
    assert len(found) == 1 or found[0].score > found[1].score  # alone in its tier: it resolves


@pytest.mark.parametrize(
    "text,entity",
    [
        pytest.param("mige 21", "system/mig-21", id="mig-21-from-its-chinese-name"),
        pytest.param("Xí Jìnpíng", "person/xi-jinping", id="tone-marks-on-a-pinyin-label"),
        pytest.param("zhōngguó rénmín jiěfàngjūn hǎijūn", "org/pla-navy", id="pla-navy-in-pinyin"),
        pytest.param("yier-76", "system/il-76", id="il-76-from-伊尔-76"),
        pytest.param("haishenwai", "place/vladivostok", id="spelling-variant-without-language"),
        pytest.param("shandongjian", "system/type-002", id="山东舰"),
    ],
)
def test_names_without_a_pinyin_label_resolve_from_pinyin(names: NameIndex, text: str, entity: str) -> None:
    found = names.candidates(text)
    assert found[0].iri.endswith("/" + entity), [(c.iri, c.score, c.match) for c in found[:3]]
    assert found[0].score >= 80


def test_a_pinyin_match_says_so(names: NameIndex) -> None:
    found = names.candidates("mige-21")[0]
    assert (found.score, found.match, found.matched) == (80, "pinyin", "米格-21")
    assert "in pinyin" in found.why


@pytest.mark.slow  # about a thousand look-ups: 12 s
def test_every_chinese_name_resolves_from_characters_and_from_pinyin_with_and_without_tones(
    names: NameIndex, chinese_names: list[tuple[str, str, str]]
) -> None:
    missed = []
    for entity, name, _lang in chinese_names:
        if not HAN.search(name):
            continue
        spellings = {
            "characters": name,
            "pinyin": " ".join(lazy_pinyin(name)),
            "pinyin run together": "".join(lazy_pinyin(name)),
            "tone marks": " ".join(lazy_pinyin(name, style=Style.TONE)),
            "tone numbers": " ".join(lazy_pinyin(name, style=Style.TONE3)),
        }
        for how, text in spellings.items():
            tier, score = best(names, text)
            if entity not in tier or score < 80:
                missed.append(f"{name} ({entity}) from {how} {text!r}: best {sorted(tier)[:3]} at {score}")
    assert not missed, "\n".join(missed)


def test_every_pinyin_label_resolves_as_written_and_run_together(
    names: NameIndex, chinese_names: list[tuple[str, str, str]]
) -> None:
    latin = [(e, n) for e, n, lang in chinese_names if lang.startswith("zh-latn")]
    assert len(latin) >= 20
    for entity, name in latin:
        for text in (name, name.lower().replace(" ", "").replace("-", "")):
            tier, score = best(names, text)
            assert entity in tier and score >= 80, (name, text)


def test_pinyin_prefixes_suggest_the_names_that_start_so(names: NameIndex) -> None:
    # typing the first syllable of 歼 (jian) offers the J-series fighters, by characters too
    for text in ("jian", "歼"):
        found = {c.iri.rsplit("/", 1)[-1] for c in names.candidates(text, limit=30) if c.score == 40}
        assert {"j-10", "j-11", "j-15", "j-20"} <= found, text


def test_contains_is_only_for_searches(names: NameIndex) -> None:
    assert not names.candidates("submarine")
    found = names.candidates("submarine", contains=True)
    assert found and {c.score for c in found} == {20} and found[0].match == "contains"


def test_tone_numbers_meet_only_a_whole_name(names: NameIndex) -> None:
    # 歼-6 in tone numbers is jian16: "jian 1" is the start of the J-10, J-11, J-15 names, not of the J-6's
    found = {c.iri.rsplit("/", 1)[-1] for c in names.candidates("jian 1", limit=50)}
    assert {"j-10", "j-11", "j-15"} <= found and not {"j-6", "j-7"} & found
    assert names.candidates("jian1 6")[0].iri.endswith("/system/j-6")


@pytest.mark.parametrize("text", ["---", "🙂", "%", "()"])
def test_a_text_of_no_letter_or_digit_names_nothing(names: NameIndex, text: str) -> None:
    assert names.candidates(text, contains=True) == []
