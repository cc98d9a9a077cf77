"""The web pages: HTML for people, over the same store and runner as the SPARQL endpoint.

What lives here: ``layout`` (the page frame, escaping, tables, links to the project's IRIs),
``pages`` (the query page at ``/``, entity pages at ``/id/...``), ``entity`` and ``entity_page``
(what an entity page shows, and its HTML), ``statement_text`` (a statement in words), ``lineage``,
``lineage_groups`` and ``lineage_section`` (lineage graphs on entity pages), ``explorer`` (the
interactive lineage explorer), ``charts_page``, ``ontology_page``, ``examples`` (the canned queries
as example tabs), ``search_page`` (``/search``, and the hits of the search box's suggestions),
``embeds`` and ``embed_frame`` (read-only views for other sites' iframes, ``/embed/...``),
``share``, ``short_links`` and ``snapshot_page`` (short links to views, ``/q``, and their snapshots),
``kinds``, ``browse`` and ``browse_page`` (the listings ``/id/`` and ``/id/{kind}/``), ``home`` (the
home page's summary) and ``static/`` (YASGUI, cytoscape.js, the explorer's script and the search box's).

What it may import: the layers below the service and :mod:`dragonbear.service.runtime`; never the
protocol routes or the JSON API (they may import the pages' builders).
"""
