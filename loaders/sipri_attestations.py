"""The attestations of statements read from SIPRI's comments, their verdicts, and their conflicts.

Every statement read from a comment carries an attestation to the SIPRI register with one locator
naming the deal's row and quoting the comment, ``dgb:readFromText true`` and stance ``Hedged`` where
the comment hedges, and a confidence below that of the register's structured fields (0.7, or 0.45
when hedged). Where a curated statement says otherwise, a ``dgb:Conflict`` names both sides.
"""

from __future__ import annotations

from collections.abc import Sequence

from dragonbear.loaders.sipri_curated import CuratedStatement
from dragonbear.loaders.sipri_deals import Deal
from dragonbear.loaders.sipri_rdf import DealWriter, iri_tail, literal, readable_locator
from dragonbear.namespaces import DGB, ID, RDF, XSD

__all__ = ["CONFIDENCE", "CONFIDENCE_HEDGED", "AttestationWriter"]

CONFIDENCE, CONFIDENCE_HEDGED = "0.7", "0.45"


class AttestationWriter:
    """Writes the attestations, verdicts and conflicts of statements read from comments to ``out``.

    Args:
        writer: the register's ``DealWriter`` (graph term, source).
        out: the N-Triples lines, shared with the statements they attest.
    """

    def __init__(self, writer: DealWriter, out: list[str]) -> None:
        self.writer, self.out = writer, out

    def attest(self, node: str, deal: Deal, key: str, hedged: bool, values: Sequence[str] = ()) -> str:
        """Attest ``node`` by the deal's row and comment; ``values`` are predicate-object texts it reports."""
        g = self.writer.g
        att = f"{node[:-1]}#att-sipri-{key}>"
        locator = f'{readable_locator(deal)}; comment: "{deal.comments}"'
        self.out.append(
            f"{node} <{DGB}hasAttestation> {att}{g}"
            f"{att} <{RDF}type> <{DGB}Attestation>{g}"
            f"{att} <{DGB}source> {self.writer.source}{g}"
            f"{att} <{DGB}stance> <{DGB}{'Hedged' if hedged else 'Asserts'}>{g}"
            f"{att} <{DGB}sourceReliability> <{DGB}ReliabilityA>{g}"
            f"{att} <{DGB}locator> {literal(locator)}{g}"
            f'{att} <{DGB}readFromText> "true"^^<{XSD}boolean>{g}'
        )
        self.out.extend(f"{att} {value}{g}" for value in values)
        return att

    def verdict(self, node: str, hedged: bool) -> None:
        """The confidence, its level and the rank of a statement read from a comment."""
        g, confidence = self.writer.g, CONFIDENCE_HEDGED if hedged else CONFIDENCE
        level = "LowConfidence" if hedged else "ModerateConfidence"
        self.out.append(
            f'{node} <{DGB}confidence> "{confidence}"^^<{XSD}decimal>{g}'
            f"{node} <{DGB}confidenceLevel> <{DGB}{level}>{g}"
            f"{node} <{DGB}rank> <{DGB}NormalRank>{g}"
        )

    def conflict(self, statement: CuratedStatement, key: str, att: str, aspect: str) -> None:
        """A conflict on ``aspect`` between the attestation ``att`` of deal ``key`` and a curated statement."""
        g = self.writer.g
        node = f"<{statement.iri}>"
        conflict = f"<{ID}conflict/sipri/{key}--{iri_tail(statement.iri)}--{aspect}>"
        self.out.append(
            f"{conflict} <{RDF}type> <{DGB}Conflict>{g}"
            f"{conflict} <{DGB}aspect> {literal(aspect)}{g}"
            f"{conflict} <{DGB}conflictConcerns> {node}{g}"
            f"{conflict} <{DGB}conflictBetween> {att}{g}"
        )
        others = [iri for iri in statement.attestations] or [statement.iri]
        self.out.extend(f"{conflict} <{DGB}conflictBetween> <{iri}>{g}" for iri in others)
