"""Building and updating the store: the loaders' output written through the graph layer.

What lives here: :mod:`~dragonbear.pipeline.build` (a new store generation from the ontology, the
curated facts and SIPRI; replacing the SIPRI graph), :mod:`~dragonbear.pipeline.update` (RDF files
loaded into a generation of their own), :mod:`~dragonbear.pipeline.wikidata` (a Wikidata import),
:mod:`~dragonbear.pipeline.links` (Wikidata and DBpedia links checked against a dump),
:mod:`~dragonbear.pipeline.dumps` (the whole-graph dumps of each new generation) and
:mod:`~dragonbear.pipeline.stats` (what a built store holds, and what the comment reader missed).

What it may import: the core, the ontology, the loaders and the graph layer. It is the one place where
a loader's quads meet the store: loaders never touch a store and the graph layer never imports a
loader. The CLI and the service import it; it imports neither.
"""
