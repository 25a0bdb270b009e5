"""Pure geo helpers for parkmap: CRS handling, geometry checks, vector I/O.

Nothing here imports Flask or the project's other packages.
"""
