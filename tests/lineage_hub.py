"""Synthetic test data: one system with more than a hundred lineage links, in the project's own model.

Not facts: every IRI is ``.../synthetic-...``, every label says "synthetic", and every statement is
attested to the source ``source:synthetic-lineage-test`` ("Synthetic lineage test data (not facts)").
The data validates against the project's SHACL shapes, so ``dragonbear load`` accepts it.

The hub, "SYN-1 missile (synthetic)", has 128 direct links:

==========  ==============================  =====================================================
relation    kind                            links
==========  ==============================  =====================================================
component   weapon                          50 platforms fit it (platforms 01-03 have 3 variants each)
derivation  licensed production             14 systems derive from it (derived 01 has 14 variants)
derivation  reverse engineering             8
derivation  derived design                  6, and the hub itself derives from 2 origins
variant     variant of                      20 variants
component   main propulsion, sensor, ...    3 components of the hub
transfer    new / second hand               20 / 5 recipient states (supplier: synthetic state 00)
==========  ==============================  =====================================================
"""

from __future__ import annotations

ID = "https://w3id.org/dragonbear/id/"
HUB = ID + "system/synthetic-hub-missile"
HUB_LABEL = "SYN-1 missile (synthetic)"
SOURCE_TITLE = "Synthetic lineage test data (not facts)"
PLATFORMS, VARIANTS, RECIPIENTS = 50, 20, 25
DERIVATIONS = (("LicensedProduction", 14), ("ReverseEngineering", 8), ("DerivedDesign", 6))
HUB_LINEAGE_LINKS = PLATFORMS + sum(n for _k, n in DERIVATIONS) + VARIANTS + 2 + 3  # without the transfers
HUB_LINKS = HUB_LINEAGE_LINKS + RECIPIENTS

_PREFIXES = """@prefix dgb: <https://w3id.org/dragonbear/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix system: <https://w3id.org/dragonbear/id/system/> .
@prefix state: <https://w3id.org/dragonbear/id/state/> .
@prefix source: <https://w3id.org/dragonbear/id/source/> .
@prefix derivation: <https://w3id.org/dragonbear/id/derivation/> .
@prefix fit: <https://w3id.org/dragonbear/id/fit/> .
@prefix transfer: <https://w3id.org/dragonbear/id/transfer/> .

source:synthetic-lineage-test a dgb:SourceDocument ; dcterms:title "Synthetic lineage test data (not facts)" ;
    dgb:sourceKey "synthetic-lineage-test" ; dgb:sourceType dgb:ProjectNote .
"""


def _attested(iri: str, body: str, row: str) -> str:
    """A statement ``iri`` with ``body`` (predicate-object pairs) and one attestation locating ``row``."""
    att = f"<{iri}#att-synthetic>"
    return (
        f"<{iri}> {body} ;\n    dgb:hasAttestation {att} .\n"
        f"{att} a dgb:Attestation ; dgb:source source:synthetic-lineage-test ; dgb:stance dgb:Asserts ; "
        f'dgb:locator "{row}" .\n'
    )


def _system(local: str, label: str, category: str) -> str:
    return (
        f'system:{local} a dgb:SystemModel ; rdfs:label "{label}"@en ; skos:prefLabel "{label}"@en ;\n'
        f"    dgb:category dgb:{category} ; dgb:countryOfOrigin state:synthetic-state-00 .\n"
    )


def _year(value: int) -> str:
    return f'"{value}"^^xsd:integer'


def hub_turtle() -> str:
    """The whole synthetic graph as Turtle."""
    out = [_PREFIXES]
    out += [
        f'state:synthetic-state-{i:02d} a dgb:State ; rdfs:label "Synthetic state {i:02d}"@en ; '
        f'skos:prefLabel "Synthetic state {i:02d}"@en .\n'
        for i in range(RECIPIENTS + 1)
    ]
    out.append(_system("synthetic-hub-missile", HUB_LABEL, "AirToAirMissile"))
    for i in range(1, PLATFORMS + 1):
        out.append(_system(f"synthetic-platform-{i:02d}", f"SYN platform {i:02d} (synthetic)", "FighterAircraft"))
        end = f" ; dgb:endYear {_year(2010 + i % 10)}" if i % 4 == 0 else ""
        out.append(
            _attested(
                f"{ID}fit/synthetic-platform-{i:02d}--hub",
                "a dgb:ComponentFit ; dgb:platform "
                f"system:synthetic-platform-{i:02d} ; dgb:component system:synthetic-hub-missile ; "
                f"dgb:componentRole dgb:WeaponRole ; dgb:startYear {_year(1990 + i % 20)}{end} ; "
                "dgb:confidence 0.8",
                f"synthetic fit {i}",
            )
        )
        for v in range(1, 4 if i <= 3 else 1):
            out.append(
                _system(f"synthetic-platform-{i:02d}-v{v}", f"SYN platform {i:02d}-V{v} (synthetic)", "FighterAircraft")
            )
            out.append(f"system:synthetic-platform-{i:02d}-v{v} dgb:variantOf system:synthetic-platform-{i:02d} .\n")
    n = 0
    for kind, count in DERIVATIONS:
        for _ in range(count):
            n += 1
            out.append(_system(f"synthetic-derived-{n:02d}", f"SYN derived {n:02d} (synthetic)", "AirToAirMissile"))
            out.append(
                _attested(
                    f"{ID}derivation/synthetic-derived-{n:02d}--hub",
                    "a dgb:Derivation ; "
                    f"dgb:derivedSystem system:synthetic-derived-{n:02d} ; dgb:sourceSystem "
                    f"system:synthetic-hub-missile ; dgb:derivationKind dgb:{kind} ; dgb:startYear "
                    f"{_year(1995 + n)} ; dgb:confidence 0.{5 + n % 5}",
                    f"synthetic derivation {n}",
                )
            )
    for v in range(1, 15):
        out.append(_system(f"synthetic-derived-01-v{v:02d}", f"SYN derived 01-V{v:02d} (synthetic)", "AirToAirMissile"))
        out.append(f"system:synthetic-derived-01-v{v:02d} dgb:variantOf system:synthetic-derived-01 .\n")
    for v in range(1, VARIANTS + 1):
        out.append(_system(f"synthetic-hub-missile-v{v:02d}", f"SYN-1 variant {v:02d} (synthetic)", "AirToAirMissile"))
        out.append(f"system:synthetic-hub-missile-v{v:02d} dgb:variantOf system:synthetic-hub-missile .\n")
    for o in (1, 2):
        out.append(_system(f"synthetic-origin-{o}", f"SYN origin {o} (synthetic)", "AirToAirMissile"))
        out.append(
            _attested(
                f"{ID}derivation/synthetic-hub--origin-{o}",
                "a dgb:Derivation ; dgb:derivedSystem "
                f"system:synthetic-hub-missile ; dgb:sourceSystem system:synthetic-origin-{o} ; "
                f"dgb:derivationKind dgb:DerivedDesign ; dgb:startYear {_year(1980 + o)}",
                f"synthetic origin {o}",
            )
        )
    for name, role, category in (
        ("engine", "MainPropulsion", "Engine"),
        ("seeker", "SensorRole", "Radar"),
        ("datalink", "Electronics", "OtherEquipment"),
    ):
        out.append(_system(f"synthetic-{name}", f"SYN {name} (synthetic)", category))
        out.append(
            _attested(
                f"{ID}fit/synthetic-hub--{name}",
                "a dgb:ComponentFit ; dgb:platform "
                f"system:synthetic-hub-missile ; dgb:component system:synthetic-{name} ; "
                f"dgb:componentRole dgb:{role} ; dgb:startYear {_year(1985)}",
                f"synthetic {name}",
            )
        )
    for i in range(1, RECIPIENTS + 1):
        status = "NewEquipment" if i <= 20 else "SecondHand"
        out.append(
            _attested(
                f"{ID}transfer/synthetic-state-{i:02d}--hub",
                "a dgb:ArmsTransfer ; dgb:supplier "
                f"state:synthetic-state-00 ; dgb:recipient state:synthetic-state-{i:02d} ; "
                f"dgb:transferredSystem system:synthetic-hub-missile ; dgb:transferStatus dgb:{status} ; "
                f"dgb:orderYear {_year(2000 + i)} ; dgb:deliveryStartYear {_year(2001 + i)} ; "
                f"dgb:deliveryEndYear {_year(2002 + i)}",
                f"synthetic transfer {i}",
            )
        )
    return "".join(out)
