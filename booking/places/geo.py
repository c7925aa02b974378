"""Choosing a place by where the citizen is: great-circle distances, the nearest places."""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable

from booking.places.model import Place

EARTH_RADIUS_KM = 6371.0088


def distance_km(latitude: float, longitude: float, other_lat: float, other_lon: float) -> float:
    """Great-circle (haversine) distance in kilometres."""
    phi1, phi2 = math.radians(latitude), math.radians(other_lat)
    d_phi = phi2 - phi1
    d_lambda = math.radians(other_lon - longitude)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def nearest(
    places: Iterable[Place], latitude: float, longitude: float, n: int = 3
) -> list[tuple[Place, float]]:
    """The n places closest to a point (e.g. a location the user sent), closest first."""
    measured = (
        (distance_km(latitude, longitude, place.latitude, place.longitude), place.id, place)
        for place in places
    )
    return [(place, km) for km, _, place in heapq.nsmallest(n, measured, key=lambda m: m[:2])]
