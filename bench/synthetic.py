"""A synthetic lineage graph in the project's own model, for benchmarks.

Systems in ``depth`` layers; each system after the first layer derives from one or two systems of the
previous layer through a ``dgb:Derivation`` node (kind, year, confidence, one attestation), the way the
curated data models the J-11 and the HQ-9. Every node validates against the project's SHACL shapes,
so ``dragonbear load`` accepts the file. Deterministic for a given seed.

``python bench/synthetic.py OUT.nt --systems 60000 --depth 60`` writes N-Triples and prints the count.
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Iterator
from pathlib import Path

DGB = "https://w3id.org/dragonbear/ontology#"
ID = "https://w3id.org/dragonbear/id/"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
RDFS_LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
PREF = "<http://www.w3.org/2004/02/skos/core#prefLabel>"
XSD = "http://www.w3.org/2001/XMLSchema#"
SOURCE = f"<{ID}source/synthetic-benchmark>"
CATEGORIES = ("FighterAircraft", "Submarine", "SAMSystem", "Corvette", "Helicopter", "AircraftEngine")
COUNTRIES = ("russia", "soviet-union", "china")
KINDS = ("LicensedProduction", "ReverseEngineering", "DerivedDesign", "ModeledAfter", "JointDevelopment")


def _p(local: str) -> str:
    return f"<{DGB}{local}>"


def system_iri(i: int) -> str:
    """IRI of synthetic system number ``i``."""
    return f"{ID}system/syn-{i}"


def generate(systems: int, depth: int, *, seed: int = 7) -> Iterator[str]:
    """N-Triples lines of a layered derivation DAG of ``systems`` systems and ``depth`` layers."""
    rng = random.Random(seed)
    width = max(1, systems // depth)
    yield (
        f"{SOURCE} {RDF_TYPE} {_p('SourceDocument')} .\n"
        f'{SOURCE} <http://purl.org/dc/terms/title> "Synthetic benchmark data (not facts)" .\n'
        f'{SOURCE} {_p("sourceKey")} "synthetic-benchmark" .\n'
        f"{SOURCE} {_p('sourceType')} {_p('ProjectNote')} .\n"
    )
    for i in range(systems):
        s = f"<{system_iri(i)}>"
        att = f"<{system_iri(i)}#att-synthetic-benchmark>"
        yield (
            f"{s} {RDF_TYPE} {_p('SystemModel')} .\n"
            f'{s} {RDFS_LABEL} "Syn-{i}"@en .\n'
            f'{s} {PREF} "Syn-{i}"@en .\n'
            f"{s} {_p('category')} {_p(CATEGORIES[i % len(CATEGORIES)])} .\n"
            f"{s} {_p('countryOfOrigin')} <{ID}state/{COUNTRIES[i % len(COUNTRIES)]}> .\n"
            f"{s} {_p('hasAttestation')} {att} .\n"
            f"{att} {RDF_TYPE} {_p('Attestation')} .\n"
            f"{att} {_p('source')} {SOURCE} .\n"
            f"{att} {_p('stance')} {_p('Asserts')} .\n"
        )
        layer = i // width
        if layer == 0:
            continue
        start = (layer - 1) * width
        parents = {start + rng.randrange(width) for _ in range(1 + (i % 2))}
        for parent in sorted(parents):
            d = f"<{ID}derivation/syn-{i}-from-{parent}>"
            datt = f"<{ID}derivation/syn-{i}-from-{parent}#att-synthetic-benchmark>"
            year = 1950 + layer
            conf = f"0.{5 + (i + parent) % 5}"
            yield (
                f"{d} {RDF_TYPE} {_p('Derivation')} .\n"
                f"{d} {_p('derivedSystem')} {s} .\n"
                f"{d} {_p('sourceSystem')} <{system_iri(parent)}> .\n"
                f"{d} {_p('derivationKind')} {_p(KINDS[(i + parent) % len(KINDS)])} .\n"
                f'{d} {_p("startYear")} "{year}"^^<{XSD}integer> .\n'
                f'{d} {_p("confidence")} "{conf}"^^<{XSD}decimal> .\n'
                f"{d} {_p('hasAttestation')} {datt} .\n"
                f"{datt} {RDF_TYPE} {_p('Attestation')} .\n"
                f"{datt} {_p('source')} {SOURCE} .\n"
                f"{datt} {_p('stance')} {_p('Asserts')} .\n"
            )


def write_synthetic(path: Path, systems: int, depth: int, *, seed: int = 7) -> int:
    """Write the graph to ``path`` as N-Triples; return the number of triples."""
    count = 0
    with path.open("w", encoding="utf-8") as out:
        for block in generate(systems, depth, seed=seed):
            out.write(block)
            count += block.count("\n")
    return count


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--systems", type=int, default=60_000)
    parser.add_argument("--depth", type=int, default=60)
    args = parser.parse_args()
    print(write_synthetic(args.out, args.systems, args.depth))
