"""The reporting periods' outputs: comparisons, the periodic report, trend charts.

Pure builders over ``layers.periods.rules.Period`` objects; the routes that call
them live in ``webmap/views/``. ``compare`` (previous period, the same period a
year earlier, the year's plan, and the report's phrase), ``numbers`` (figures the
Vietnamese and the English way), ``labels`` (the report's words in both),
``tables`` (the report as data), ``docx`` and ``xlsx`` (its two files) and
``charts`` (SVG trends and their text alternative).
"""
