"""The reporting periods' outputs: comparisons, the periodic report, trend charts.

Pure builders over ``layers.periods.rules.Period`` objects; the routes that call
them live in ``webmap/views/``. ``compare`` (previous period, the same period a
year earlier, the year's plan, and the report's phrase), ``numbers`` (figures the
Vietnamese and the English way), ``labels`` (the report's words in both),
``tables`` (the report as data), ``docx`` and ``xlsx`` (its two files) and
``charts`` (SVG trends and their text alternative).
"""

from __future__ import annotations

from layers.periods.rules import PeriodNotFound

# The periods' exceptions and their statuses, added to the app's error table
# when a blueprint serving periods is registered.
ERRORS: dict[type[Exception], int] = {PeriodNotFound: 404}
