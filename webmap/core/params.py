"""The error every parser of a request's parameters raises (answered with 400).

The OGC API's parameters (``webmap.ogc.params``), the planner's and the map's
embedding options all name the parameter they refuse with it.
"""

from __future__ import annotations


class InvalidParameter(ValueError):
    """A query or path parameter is malformed or out of range.

    Attributes:
        parameter: the parameter's name as the client sent it.
    """

    def __init__(self, parameter: str, message: str):
        self.parameter = parameter
        self.message = message
        super().__init__(f"parameter '{parameter}': {message}")
