"""OGC API – Features Part 1 (Core): parameters, operations, documents, OpenAPI.

Pure functions and frozen values; the thin views live in ``webmap/views/api.py``.
The route table in ``operations.py`` is the one source of truth: the blueprint
registers its URL rules from it, the views check query parameters against it, and
``openapi.py`` writes the OpenAPI document from it.
"""
