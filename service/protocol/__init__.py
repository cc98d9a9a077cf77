"""The W3C protocols, as routes: what a SPARQL client speaks to.

What lives here: ``sparql`` (``/sparql``: SPARQL 1.1 Protocol queries by GET, form POST and direct
POST), ``request`` (reading a protocol request: operation, parameters, dataset), ``update``
(``/update``, with the bearer token), ``graph_store`` (``/store``: the Graph Store HTTP Protocol),
``description`` (the SPARQL Service Description and VoID) and ``download`` (dumps of the whole store).

What it may import: the layers below the service, :mod:`dragonbear.service.runtime` and, for the few
HTML answers, :mod:`dragonbear.service.web`; never the JSON API.
"""
