"""What every route of the server shares.

What lives here: ``served`` (the store as a server process holds it: a read-only handle on the
current generation, reopened when a new one is swapped in), ``runner`` (read jobs in threads against
the time limit), ``jobs`` (a SPARQL query, a Graph Store read or the graph counts, and their answers within the result cap), ``fastpath`` (the
answer cache, consulted before any routing), ``negotiation`` (the Accept header and ``format=``),
``errors`` (the one mapping from the project's errors to HTTP statuses, and its handler), ``auth``
(the bearer token that guards writes), ``names`` (one name index per store), ``link_store`` (the
records of short links) and ``writer`` (writes applied on a copy of the current generation, then
swapped in).

What it may import: the core, the graph layer, the queries and the pipeline; no other part of the
service.
"""
