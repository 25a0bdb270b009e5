"""What a store offers the investors' land search: ``LandStore``."""

from __future__ import annotations

from typing import Protocol

from layers.land.query import LandQuery, LandResult


class LandStore(Protocol):
    """The land search over the parcels layer (``store.land``)."""

    def search(self, query: LandQuery) -> LandResult:
        """The investor land search: parcels matching ``query``, one page of them.

        A parcel matches when every condition of the query holds (see
        ``layers.land.query``): its status is one of ``query.status``; its area
        lies in [min_ha, max_ha]; its park is one of ``query.parks`` and that park's
        ``zone_id`` one of ``query.zones`` (when given); the minimum of each
        ``DistanceLimit``'s fields is ≤ its km; its price lies in [min_price,
        max_price] (no price: no match when a bound is given); with ``ready`` it is
        available with no clearance stage or one of ``READY_STAGES``; its
        ``block_ha`` is ≥ min_block_ha. Bounds are inclusive.

        Matches are ordered by the minimum of ``query.sort_fields`` in
        ``query.order`` (a parcel without that value last), then by parcel id.

        Args:
            query: a validated query; its ``limit`` may go up to ``MAX_LIMIT``
                here (exports), beyond the 500 a request may ask for.

        Returns:
            The page (``offset``, ``limit``) as GeoJSON Feature texts (the same
            texts as ``Store.query_geojson``), the number of matches and their
            hectares.

        Raises:
            LayerNotFound: the store has no parcels layer.
            InvalidQuery: the query names a field the parcels lack.
            ValueError: limit outside 0..MAX_LIMIT or a negative offset.
        """
        ...
