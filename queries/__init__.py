"""The canned queries: one self-describing ``.rq`` file each, and the catalogue that runs them.

What lives here: the ``.rq`` files (a header names each parameter, its kind and default; a new file
appears in the CLI, the API and the query page with nothing else to write) and ``catalogue`` (reading
the headers, resolving parameters to RDF terms and binding them with a ``VALUES`` block).

What it may import: the core and the graph layer (the store interface and the name resolver); never
the loaders, the pipeline, the service or the CLI.
"""
