"""Reporting periods: the authority's figures over time.

- ``rules``: what a period holds, its fields and errors (pure);
- ``contract``: ``PeriodStore``, what ``store.periods`` offers;
"""
