"""Every fact of the three source documents is in the built graph, cited with its locator.

The list below is the review of the documents, paragraph by paragraph (``shared/seeds/``; locators
count as ``core/data/curated/sources.toml`` explains). Each entry names the document's source
key, the locator, and either the record that states the fact (``kind/id``; it must carry an
attestation of that document with exactly that locator) or a SPARQL ASK that must hold. A fact added
to the curated data gets an entry here; a paragraph without an entry fails the coverage test.
"""

from __future__ import annotations

from typing import NamedTuple

import pyoxigraph as ox
import pytest

from dragonbear.graph.store import EmbeddedStore

from ..conftest import local

ID = "https://w3id.org/dragonbear/id/"

VON_ESSEN = "vonessen-2025"
PAPER = "partnership-2025"
NEWS = "vostok-2022-news"

S1 = "section 1 ('The Beginning')"
S2 = "section 2 ('Deepening Cooperation ... Post-2014 Sanctions')"
MC = "section 'Military cooperation deepens, but form changes'"
KD = "section 'Key developments to monitor going forward'"


class Fact(NamedTuple):
    """One fact of a document: where it is, and what in the graph states it."""

    source: str
    locator: str
    check: str  # "kind/id" of the record citing (source, locator), or an ASK query
    what: str  # the fact, in a few words

    @property
    def test_id(self) -> str:
        target = self.check if not self.check.startswith("ASK") else self.what.replace(" ", "-")
        return f"{self.source}|{self.locator}|{target}"


FACTS: list[Fact] = [
    # --- vonessen-2025 ------------------------------------------------------------------------------
    Fact(
        VON_ESSEN,
        "paragraph 1",
        "claim/cooperation-deepening-on-three-fronts",
        "cooperation growing in exercises, institutions and joint technology",
    ),
    Fact(VON_ESSEN, "paragraph 2", "claim/exercises-grew-after-2022", "exercises grew after the invasion"),
    Fact(
        VON_ESSEN,
        "paragraph 2",
        "ASK { figure:joint-exercises-2003-2024 dgb:value ?v ; dgb:comparator dgb:MoreThan ;"
        " dgb:periodStartYear ?from ; dgb:periodEndYear ?to FILTER(?v = 90 && ?from = 2003 && ?to = 2024) }",
        "more than 90 exercises 2003-2024",
    ),
    Fact(VON_ESSEN, "paragraph 2", "figure/joint-exercises-share-since-feb-2022", "nearly a third since February 2022"),
    Fact(VON_ESSEN, "paragraph 2", "event/russian-invasion-2022", "the full-scale invasion of February 2022"),
    Fact(
        VON_ESSEN,
        "paragraph 3",
        "ASK { figure:joint-exercises-2024 dgb:value ?v ; dgb:periodStartYear ?from FILTER(?v = 11 && ?from = 2024) }",
        "11 exercises in 2024",
    ),
    Fact(
        VON_ESSEN, "paragraph 3", "claim/exercises-in-sensitive-regions", "exercises in sensitive seas and near Alaska"
    ),
    Fact(VON_ESSEN, "paragraph 3", "exercise/naval-patrol-2024-arctic", "first joint naval patrol in the Arctic"),
    Fact(VON_ESSEN, "paragraph 3", "exercise/coast-guard-patrol-2024", "first coast guard collaboration"),
    Fact(VON_ESSEN, "paragraph 4", "figure/naval-and-aerial-exercises-since-2022", "22 of 27 naval or aerial"),
    Fact(VON_ESSEN, "paragraph 4", "figure/joint-exercises-since-2022", "27 exercises since 2022"),
    Fact(VON_ESSEN, "paragraph 4", "figure/naval-exercises-since-2022", "16 naval exercises since 2022"),
    Fact(VON_ESSEN, "paragraph 4", "figure/naval-exercises-2024", "7 naval exercises in 2024"),
    Fact(VON_ESSEN, "paragraph 4", "figure/joint-air-patrols-2019-2024", "9 joint air patrols since 2019"),
    Fact(VON_ESSEN, "paragraph 4", "claim/ground-exercises-declined", "ground and paramilitary drills rarer"),
    Fact(VON_ESSEN, f"{MC}, paragraph 1", "claim/joint-technology-development", "joint development and production"),
    Fact(
        VON_ESSEN,
        f"{MC}, paragraph 2; {KD}, paragraph 5",
        "claim/power-balance-shifting-to-china",
        "the power balance shifts to China",
    ),
    Fact(
        VON_ESSEN,
        f"{MC}, paragraph 2",
        "claim/china-critical-supplier-to-russian-industry",
        "China a critical supplier of Russian industry",
    ),
    Fact(VON_ESSEN, f"{MC}, paragraph 2", "event/western-sanctions-2022", "Russia cut off from Western markets"),
    Fact(VON_ESSEN, f"{MC}, paragraph 3", "claim/russian-arms-exports-to-china-declined", "arms exports to China fell"),
    Fact(
        VON_ESSEN,
        f"{MC}, paragraph 4",
        "claim/russian-arms-enabled-pla-modernisation",
        "Russian arms enabled the PLA's modernisation",
    ),
    Fact(
        VON_ESSEN,
        f"{MC}, paragraph 4",
        "ASK { figure:china-arms-imports-from-russia-2023 dgb:value ?v ;"
        " dgb:periodStartYear ?from FILTER(?v = 76 && ?from = 2023) }",
        "76 percent of China's arms imports in 2023",
    ),
    Fact(
        VON_ESSEN,
        f"{KD}, paragraph 2",
        "claim/exercise-trajectory-matters",
        "exercise trend matters for interoperability, power projection, deterrence, Indo-Pacific role",
    ),
    Fact(
        VON_ESSEN,
        f"{KD}, paragraph 3",
        "claim/china-gaining-in-traditional-russian-markets",
        "Russian exports decline, Chinese exports grow",
    ),
    Fact(
        VON_ESSEN,
        f"{KD}, paragraph 4",
        "claim/chinese-material-support-key-question",
        "Chinese material support for Russia's war",
    ),
    Fact(
        VON_ESSEN,
        f"{KD}, paragraph 5",
        "claim/military-imbalance-could-strain-relationship",
        "the imbalance could strain the relationship",
    ),
    Fact(
        VON_ESSEN,
        f"{KD}, paragraph 5",
        "claim/technology-sharing-sensitive-due-to-copying",
        "sharing technology is sensitive because of copying",
    ),
    Fact(VON_ESSEN, f"{KD}, paragraph 6", "claim/china-may-demand-concessions", "what China may demand in return"),
    Fact(VON_ESSEN, f"{KD}, paragraph 6", "place/taiwan", "a Taiwan conflict"),
    Fact(VON_ESSEN, f"{KD}, paragraph 7", "org/merics", "the China-Russia Dashboard partners"),
    Fact(VON_ESSEN, f"{KD}, paragraph 7", "org/osw", "the China-Russia Dashboard partners"),
    Fact(VON_ESSEN, f"{KD}, paragraph 7", "org/swedish-national-china-centre", "the China-Russia Dashboard partners"),
    Fact(VON_ESSEN, "author line", "person/hugo-von-essen", "the author"),
    Fact(
        VON_ESSEN,
        "author line",
        "ASK { claim:hugo-von-essen-analyst-at-sceeus dgb:about person:hugo-von-essen , org:sceeus }",
        "the author is an analyst at SCEEUS",
    ),
    Fact(VON_ESSEN, "photo caption above the title", "place/gulf-of-oman", "drills of Iran, Russia and China"),
    # --- partnership-2025 ---------------------------------------------------------------------------
    Fact(
        PAPER,
        f"summary bullet 1; {S1}, paragraph 7",
        "claim/pre-2014-cooperation-was-commercial",
        "pragmatic arms trade before 2014",
    ),
    Fact(
        PAPER,
        "summary bullet 2; section 2 ('Deepening Cooperation ... Post-2014 Sanctions'), paragraph 2",
        "claim/china-sole-major-technology-source-after-2014",
        "China the only remaining technology source",
    ),
    Fact(PAPER, "summary bullet 2", "claim/china-gained-advanced-russian-technology", "China's access in exchange"),
    Fact(PAPER, "summary bullet 2", "claim/exercise-frequency-shows-deepening", "more frequent joint exercises"),
    Fact(
        PAPER,
        "summary bullet 2; introduction, paragraph 1",
        "claim/china-enabler-of-russian-war-effort",
        "China an enabler of the war",
    ),
    Fact(
        PAPER, "summary bullet 3", "claim/cooperation-limited-despite-no-limits-rhetoric", "limits despite 'no limits'"
    ),
    Fact(
        PAPER,
        "summary bullet 3",
        "ASK { claim:shared-anti-us-stance dgb:about state:russia , state:china , state:united-states }",
        "the shared anti-US stance",
    ),
    Fact(
        PAPER,
        "summary bullet 4",
        "claim/china-does-not-recognise-russian-territorial-gains",
        "no recognition of Russian gains",
    ),
    Fact(PAPER, "summary bullet 4", "claim/exercises-demonstrative-not-interoperability", "exercises for show"),
    Fact(PAPER, "summary bullet 5", "claim/alliance-extremely-unlikely", "no functioning alliance"),
    Fact(PAPER, "introduction, paragraph 2", "claim/little-reliable-information-since-2022", "little reliable detail"),
    Fact(PAPER, f"{S1}, paragraph 1", "claim/russia-sold-from-soviet-stocks", "Soviet stocks for China's forces"),
    Fact(PAPER, f"{S1}, paragraph 2", "figure/combat-aircraft-delivered-1992-2014", "over 100 combat aircraft"),
    Fact(PAPER, f"{S1}, paragraph 2", "derivation/j-10-russian-assistance", "Russian help with the J-10"),
    Fact(PAPER, f"{S1}, paragraph 2", "derivation/jf-17-russian-assistance", "Russian help with the JF-17"),
    Fact(PAPER, f"{S1}, paragraph 2", "derivation/l-15-russian-assistance", "Russian help with the L-15"),
    Fact(PAPER, f"{S1}, paragraph 2", "derivation/j-11-licensed-production", "the J-11 licensed from the Su-27SK"),
    Fact(PAPER, f"{S1}, paragraph 2", "transfer/sipri/russia-china-1996-su-27s", "production at Shenyang from 1998"),
    Fact(PAPER, f"{S1}, paragraph 2", "derivation/j-15-from-j-11", "the J-15 from Russian and Ukrainian technology"),
    Fact(PAPER, f"{S1}, paragraph 3", "figure/mi-17-delivered-1992-2014", "over 300 Mi-17"),
    Fact(PAPER, f"{S1}, paragraph 3", "figure/s-300-delivered-1992-2014", "at least 12 S-300"),
    Fact(PAPER, f"{S1}, paragraph 3", "figure/tor-m1-delivered-1992-2014", "at least 35 Tor-M1"),
    Fact(
        PAPER,
        f"{S1}, paragraphs 3 and 4",
        "claim/several-hundred-aams-and-naval-munitions",
        "air-to-air missiles, torpedoes, Kh-59",
    ),
    Fact(PAPER, f"{S1}, paragraph 4", "figure/diesel-submarines-delivered", "12 diesel submarines"),
    Fact(PAPER, f"{S1}, paragraph 4", "figure/project-636e-delivered", "10 Project 636E"),
    Fact(PAPER, f"{S1}, paragraph 4", "figure/project-877e-delivered", "2 Project 877E"),
    Fact(PAPER, f"{S1}, paragraph 4", "figure/ak-176-delivered", "some 120 AK-176 guns"),
    Fact(
        PAPER,
        f"{S1}, paragraph 4",
        "claim/air-defence-missiles-for-new-destroyers",
        "air-defence missiles for the new destroyers",
    ),
    Fact(PAPER, f"{S1}, paragraph 4", "transfer/sipri/russia-china-2001-9m317", "9M317 for the Type 052B"),
    Fact(PAPER, f"{S1}, paragraph 4", "transfer/sipri/russia-china-2002-s-300fm-rif-m", "S-300FM for the Type 051C"),
    Fact(PAPER, f"{S1}, paragraph 4", "transfer/sipri/russia-china-2002-48n6", "48N6 for the Type 051C"),
    Fact(PAPER, f"{S1}, paragraph 4", "transfer/sipri/russia-china-1998-9m38", "9M38 for the Sovremenny destroyers"),
    Fact(PAPER, f"{S1}, paragraph 4", "transfer/sipri/russia-china-2002-9m38", "9M38 for the Sovremenny destroyers"),
    Fact(PAPER, f"{S1}, paragraph 4", "claim/china-obtained-minsk-and-varyag", "two ex-Soviet carriers"),
    Fact(
        PAPER,
        f"{S1}, paragraph 4",
        "ASK { transfer:russia-china-minsk dgb:supplier state:russia ;"
        " dgb:recipient state:china ; dgb:transferredSystem system:minsk }",
        "the Minsk as a transfer",
    ),
    Fact(PAPER, f"{S1}, paragraph 4", "transfer/sipri/ukraine-china-1998-kuznetsov", "the Varyag sold by Ukraine"),
    Fact(PAPER, f"{S1}, paragraph 4", "derivation/type-001-completed-from-varyag", "the Varyag for China's carriers"),
    Fact(PAPER, f"{S1}, paragraph 5", "claim/asymmetric-complementary-motives", "asymmetric but fitting motives"),
    Fact(PAPER, f"{S1}, paragraph 6", "claim/china-reverse-engineers-russian-systems", "copying Russian designs"),
    Fact(PAPER, f"{S1}, paragraph 6", "derivation/j-11-reverse-engineering", "the J-11 as a copy"),
    Fact(PAPER, f"{S1}, paragraph 6", "derivation/hq-9-modeled-after-s-300", "the HQ-9 after the S-300"),
    Fact(PAPER, f"{S1}, paragraph 7", "claim/russia-looked-west-not-to-china", "Russia planned around the West"),
    Fact(PAPER, f"summary bullet 2; {S2}, paragraph 1", "event/crimea-annexation-2014", "the annexation of Crimea"),
    Fact(PAPER, f"{S2}, paragraphs 1 and 5", "event/western-sanctions-2014", "the sanctions after 2014"),
    Fact(PAPER, f"{S2}, paragraphs 1 and 5", "event/ukraine-export-ban-2014", "no more Ukrainian products"),
    Fact(
        PAPER,
        f"{S2}, paragraph 2",
        "claim/institutionalisation-2014-2022",
        "institutionalised cooperation, exercises and military diplomacy",
    ),
    Fact(PAPER, f"{S2}, paragraph 3", "claim/institutionalisation-2014-2019", "consultations and dialogues"),
    Fact(PAPER, f"{S2}, paragraph 3", "event/russia-china-roadmap-2017", "five-year roadmaps from 2017"),
    Fact(PAPER, f"{S2}, paragraph 3", "event/russia-china-roadmap-2021", "the 2021 plan to 2025"),
    Fact(
        PAPER,
        f"{S2}, paragraph 4",
        "claim/china-growing-buyer-of-russian-technology",
        "China a growing buyer of Russian technology",
    ),
    Fact(PAPER, f"{S2}, paragraph 4", "claim/russia-supplied-top-systems-after-2014", "Russia's most advanced systems"),
    Fact(
        PAPER,
        f"{S2}, paragraph 4",
        "ASK { figure:s-400-procured-may-2018 dgb:value ?v ; dgb:comparator dgb:AtLeast ;"
        ' dgb:startDate "2018-05"^^xsd:gYearMonth ; dgb:about system:s-400 FILTER(?v = 8) }',
        "at least 8 S-400 in May 2018",
    ),
    Fact(PAPER, f"{S2}, paragraph 4", "transfer/sipri/russia-china-2015-s-400-triumf", "the S-400 deal"),
    Fact(PAPER, f"{S2}, paragraph 4", "transfer/sipri/russia-china-2015-su-35s", "10 Su-35 in 2016-2017"),
    Fact(PAPER, f"{S2}, paragraph 4", "figure/il-76m-delivered", "more than 20 Il-76M"),
    Fact(
        PAPER, f"{S2}, paragraph 5", "claim/russia-began-importing-chinese-technology-2014", "Russia imports from China"
    ),
    Fact(PAPER, f"{S2}, paragraph 5", "event/mistral-cancellation", "the Mistral purchase scrapped"),
    Fact(PAPER, f"{S2}, paragraph 5", "transfer/france-russia-2011-mistral", "the Mistral order"),
    Fact(PAPER, f"{S2}, paragraph 5", "claim/western-ship-engines-unavailable", "no MAN or Wärtsilä engines"),
    Fact(PAPER, f"{S2}, paragraph 6", "fit/fit-21631-mtu-16v4000", "German engines in the first Buyan-M"),
    Fact(PAPER, f"{S2}, paragraph 6", "fit/fit-21631-chd622v20", "Chinese engines in the remaining Buyan-M"),
    Fact(PAPER, f"{S2}, paragraph 6", "fit/fit-22800-chinese-diesel", "Chinese engines in the Karakurt"),
    Fact(PAPER, f"{S2}, paragraph 6", "fit/fit-22460-chinese-diesel", "Chinese engines in the Rubin"),
    Fact(PAPER, f"{S2}, paragraph 6", "claim/chinese-engines-underperformed", "the Chinese engines underperformed"),
    Fact(PAPER, f"{S2}, paragraph 7", "claim/shift-to-joint-development", "plateau and joint development"),
    Fact(PAPER, f"{S2}, paragraph 7", "derivation/ahl-joint-development", "the joint helicopter"),
    Fact(PAPER, f"{S2}, paragraph 7", "claim/rostec-accused-china-of-copying", "Rostec's public criticism"),
    Fact(
        PAPER,
        f"{S2}, paragraph 7",
        "ASK { figure:rostec-illicit-transfer-cases dgb:value ?v ; dgb:comparator dgb:MoreThan FILTER(?v = 500) }",
        "more than 500 cases",
    ),
    # --- vostok-2022-news ---------------------------------------------------------------------------
    Fact(NEWS, "paragraphs 1 and 2", "claim/pla-joins-vostok-2022-under-annual-plan", "the PLA joins Vostok-2022"),
    Fact(NEWS, "paragraph 1", "org/chinese-mod", "China's defence ministry announced it"),
    Fact(NEWS, "paragraphs 1, 4 and 10", "exercise/vostok-2022", "Vostok-2022 in Russia's east"),
    Fact(
        NEWS,
        "paragraph 3",
        "ASK { claim:vostok-chance-for-cooperation-amid-war-and-taiwan dgb:about"
        " exercise:vostok-2022 , event:russian-invasion-2022 , place:taiwan }",
        "a chance to cooperate",
    ),
    Fact(
        NEWS,
        "paragraph 4",
        "ASK { figure:vostok-2022-training-grounds dgb:value ?v ;"
        " dgb:about org:eastern-military-district FILTER(?v = 13) }",
        "13 training grounds",
    ),
    Fact(
        NEWS,
        "paragraph 4",
        "ASK { claim:vostok-2022-forces-announced dgb:about org:russian-airborne-forces ,"
        " org:russian-long-range-aviation , org:russian-military-transport-aviation }",
        "airborne troops, long-range and transport aviation, foreign forces",
    ),
    Fact(
        NEWS,
        "paragraph 5",
        "ASK { figure:china-share-of-russian-arms-sales dgb:lowerBound ?low ;"
        " dgb:upperBound ?high FILTER(?low = 25 && ?high = 50) }",
        "25-50 percent of Russian arms sales",
    ),
    Fact(NEWS, "paragraph 5", "claim/china-reverse-engineers-russian-systems", "accusations of IP theft"),
    Fact(
        NEWS,
        "paragraphs 6 and 8",
        "claim/koffler-russia-kept-schedule-during-war",
        "schedule kept despite the war; the US the main adversary",
    ),
    Fact(NEWS, "paragraphs 6-8", "person/rebekah-koffler", "the expert quoted"),
    Fact(
        NEWS,
        "paragraph 7",
        "ASK { claim:ties-closer-under-xi-and-putin dgb:about person:xi-jinping ,"
        " person:vladimir-putin , event:russian-invasion-2022 }",
        "ties closer under Xi and Putin",
    ),
    Fact(NEWS, "paragraph 7", "person/xi-jinping", "Xi Jinping"),
    Fact(NEWS, "paragraphs 6 and 7", "person/vladimir-putin", "Vladimir Putin"),
    Fact(NEWS, "paragraphs 3 and 8", "place/taiwan", "Taiwan"),
    Fact(NEWS, "paragraph 9", "exercise/vostok-2018", "Vostok-2018 with Mongolia and China"),
    Fact(NEWS, "paragraph 9", "claim/vostok-2018-first-with-non-soviet-bloc-states", "first beyond the Soviet bloc"),
    Fact(
        NEWS,
        "paragraph 9",
        "ASK { figure:vostok-2018-troops dgb:value ?v ; dgb:comparator dgb:Nearly FILTER(?v = 300000) }",
        "nearly 300,000 troops",
    ),
    Fact(NEWS, "paragraph 9", "figure/vostok-2018-vehicles", "36,000 vehicles"),
    Fact(NEWS, "paragraph 9", "figure/vostok-2018-aircraft", "1,000 aircraft"),
    Fact(NEWS, "paragraph 9", "figure/vostok-2018-warships", "80 warships"),
    Fact(
        NEWS,
        "paragraph 10",
        "ASK { conflict:vostok-2022-dates dgb:conflictBetween ?side . ?side dgb:source source:vostok-2022-news }",
        "expected 30 August - 5 September, a recorded conflict",
    ),
    Fact(NEWS, "paragraph 10", "state/india", "India takes part"),
    Fact(NEWS, "paragraph 10", "state/belarus", "Belarus takes part"),
    Fact(NEWS, "paragraph 10", "state/tajikistan", "Tajikistan takes part"),
]

# Where the facts must come from: every paragraph or list item of each document that states one.
PARAGRAPHS: dict[str, list[str]] = {
    VON_ESSEN: [f"paragraph {n}" for n in range(1, 5)]
    + [f"{MC}, paragraph {n}" for n in range(1, 5)]
    + [f"{KD}, paragraph {n}" for n in range(2, 8)]
    + ["author line"],
    PAPER: [f"summary bullet {n}" for n in range(1, 6)]
    + ["introduction, paragraph 1", "introduction, paragraph 2"]
    + [f"{S1}, paragraph {n}" for n in range(1, 8)]
    + [f"{S2}, paragraph {n}" for n in range(1, 8)],
    NEWS: [f"paragraph {n}" for n in range(1, 11)],
}

_CITED_WITH = """
ASK { ?record dgb:hasAttestation ?attestation .
      ?attestation dgb:source ?source ; dgb:locator ?locator .
      ?source dgb:sourceKey ?key }
"""


def _record_iri(check: str) -> ox.NamedNode:
    kind, _, rest = check.partition("/")
    return ox.NamedNode(f"{ID}{kind}/{rest}")


def _covers(locator: str, paragraph: str) -> bool:
    """Whether a locator ("paragraphs 1, 4 and 10", "summary bullet 2; introduction, paragraph 1")
    points to ``paragraph``."""
    for part in locator.split("; "):
        if part == paragraph:
            return True
        head, _, numbers = part.rpartition("paragraphs ")
        if numbers and paragraph.startswith(head + "paragraph "):
            wanted = paragraph.rsplit(" ", 1)[1]
            spans = numbers.replace(" and ", ", ").split(", ")
            for span in spans:
                low, _, high = span.partition("-")
                if low == wanted or (high and int(low) <= int(wanted) <= int(high)):
                    return True
    return False


@pytest.mark.parametrize("fact", [pytest.param(f, id=f.test_id) for f in FACTS])
def test_fact_is_in_the_graph_with_its_locator(store: EmbeddedStore, fact: Fact) -> None:
    if fact.check.startswith("ASK"):
        assert bool(store.query(fact.check)), f"{fact.what}: {fact.check}"
        return
    cited = store.query(
        _CITED_WITH,
        substitutions={
            "record": _record_iri(fact.check),
            "key": ox.Literal(fact.source),
            "locator": ox.Literal(fact.locator),
        },
    )
    assert bool(cited), f"{fact.what}: {fact.check} does not cite {fact.source} at {fact.locator!r}"


@pytest.mark.parametrize("fact", [pytest.param(f, id=f.test_id) for f in FACTS if f.check.startswith("ASK")])
def test_fact_checked_by_query_cites_its_document_at_the_locator(store: EmbeddedStore, fact: Fact) -> None:
    """The record an ASK inspects (its first subject) cites the document at the locator too."""
    subject = fact.check.split("{", 1)[1].split()[0]
    prefix, _, name = subject.partition(":")
    cited = store.query(
        _CITED_WITH,
        substitutions={
            "record": ox.NamedNode(f"{ID}{prefix}/{name}"),
            "key": ox.Literal(fact.source),
            "locator": ox.Literal(fact.locator),
        },
    )
    if prefix == "conflict":  # a conflict carries no attestation of its own: its sides do
        return
    assert bool(cited), f"{fact.what}: {subject} does not cite {fact.source} at {fact.locator!r}"


@pytest.mark.parametrize("source", sorted(PARAGRAPHS))
def test_every_paragraph_of_each_document_has_its_facts_listed(source: str) -> None:
    listed = [f.locator for f in FACTS if f.source == source]
    missing = [p for p in PARAGRAPHS[source] if not any(_covers(loc, p) for loc in listed)]
    assert not missing, f"{source}: no fact listed for {missing}"


def test_no_fact_rests_on_the_project_notes(store: EmbeddedStore) -> None:
    notes = store.query("SELECT ?s WHERE { ?s dgb:sourceType dgb:ProjectNote }")
    assert [local(row["s"].value) for row in notes] == []


def test_locator_coverage_reads_ranges_and_lists() -> None:
    assert _covers("paragraphs 1, 4 and 10", "paragraph 10") and not _covers("paragraphs 1, 4 and 10", "paragraph 2")
    assert _covers("paragraphs 6-8", "paragraph 7") and _covers(
        "summary bullet 2; introduction, paragraph 1", "introduction, paragraph 1"
    )
    assert _covers(f"{S1}, paragraphs 3 and 4", f"{S1}, paragraph 4")
