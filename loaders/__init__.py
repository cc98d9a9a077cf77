"""Loaders: a source in, quads and a report out. No loader touches a store.

What lives here: ``curated`` and its ``curated_*`` modules (the project's TOML records), ``sipri`` and
its ``sipri_*`` modules (the SIPRI trade register in either layout, its designations and the
relations read from its comments), ``wikidata_*`` (a Wikidata dump or query result, with the context
it needs passed in as data) and ``rdf`` (any RDF file). Each loader is a function from a path (and
options) to a result carrying quads (or N-Triples text for a bulk load) and a report of what it
read; a malformed file raises :class:`~dragonbear.errors.LoadError` with file, line and column.

What it may import: the core (:mod:`dragonbear.errors`, :mod:`dragonbear.namespaces`, the shipped
data) and the ontology's vocabularies; never the graph layer, the pipeline or the service.
:mod:`dragonbear.pipeline` writes what loaders return into the store.
"""
