"""The graph layer: the store and what is computed over it.

What lives here: ``store`` and ``store_interface`` (the :class:`~dragonbear.graph.store.GraphStore`
interface and its embedded pyoxigraph implementation, store generations and their atomic swap),
``derive`` (materialized shortcuts, closures, inverses and grades), ``validation`` and ``shacl_*`` (SHACL), ``resolve``
and ``name_keys`` (names to IRIs), ``lineage*`` (lineage graphs and their exports), ``chart*``
(charts), ``citations``, ``dataset`` (the DCAT/VoID description and the release), ``export``,
``federation`` (``SERVICE`` allowlist), ``diff``, ``sparql_text`` and ``lazy``.

What it may import: the core and the ontology; never the loaders, the pipeline, the queries' catalogue,
the service or the CLI.
"""
