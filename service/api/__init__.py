"""The JSON API (``/api``): canned queries, name resolution, lineage graphs and citations.

What lives here: ``queries`` (``/api/queries``, ``/api/resolve``, ``/api/lineage`` and their OpenAPI
descriptions), ``search`` (``/api/search``: the search box's suggestions), ``cite`` (``/api/cite``:
the reference list behind what the graph says) and ``openapi`` (``/openapi.json`` with the errors as the
app answers them).

What it may import: the layers below the service and the other service subpackages (the lineage
drawings and query examples of :mod:`dragonbear.service.web`); nothing imports it but the app.
"""
