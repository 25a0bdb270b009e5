"""The investor land finder's web side: labels, search answers, exports, map panel.

Routes live in ``webmap/views/land.py``; the search itself in ``layers/land/``
(``layers.land.query`` and ``store.land.search``).
"""
