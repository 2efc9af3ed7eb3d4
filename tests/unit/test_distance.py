import math

import pytest

from portal.geo.distance import EARTH_RADIUS_KM, bounding_box, haversine_km

VLISSINGEN = (51.4425, 3.57361)
MIDDELBURG = (51.5, 3.61389)
AMSTERDAM = (52.37403, 4.88969)
ANTWERPEN = (51.22047, 4.40026)


def destination(lat, lon, bearing_deg, km):
    """Point reached from (lat, lon) after `km` along a great circle (textbook formula)."""
    phi1, lam1 = math.radians(lat), math.radians(lon)
    theta = math.radians(bearing_deg)
    delta = km / EARTH_RADIUS_KM
    phi2 = math.asin(
        math.sin(phi1) * math.cos(delta) + math.cos(phi1) * math.sin(delta) * math.cos(theta)
    )
    lam2 = lam1 + math.atan2(
        math.sin(theta) * math.sin(delta) * math.cos(phi1),
        math.cos(delta) - math.sin(phi1) * math.sin(phi2),
    )
    return math.degrees(phi2), math.degrees(lam2)


def test_vlissingen_to_middelburg():
    assert haversine_km(*VLISSINGEN, *MIDDELBURG) == pytest.approx(6.9, abs=0.2)


def test_amsterdam_to_antwerpen():
    assert haversine_km(*AMSTERDAM, *ANTWERPEN) == pytest.approx(133, abs=2)


def test_same_point_is_zero_and_distance_is_symmetric():
    assert haversine_km(*AMSTERDAM, *AMSTERDAM) == 0.0
    assert haversine_km(*AMSTERDAM, *ANTWERPEN) == pytest.approx(
        haversine_km(*ANTWERPEN, *AMSTERDAM)
    )


def test_one_degree_of_latitude_and_half_the_globe():
    assert haversine_km(0, 0, 1, 0) == pytest.approx(111.195, abs=0.01)
    assert haversine_km(0, 0, 0, 180) == pytest.approx(math.pi * EARTH_RADIUS_KM)


def test_bounding_box_is_centred_and_sized():
    min_lat, max_lat, min_lon, max_lon = bounding_box(*MIDDELBURG, 10)
    assert min_lat < MIDDELBURG[0] < max_lat
    assert min_lon < MIDDELBURG[1] < max_lon
    assert max_lat - min_lat == pytest.approx(2 * 10 / 111.195, rel=1e-3)
    # Longitude degrees are shorter at 51.5 N, so the box is wider in degrees.
    assert max_lon - min_lon == pytest.approx(
        2 * 10 / (111.195 * math.cos(math.radians(51.5))), rel=1e-3
    )


@pytest.mark.parametrize("km", [0.5, 10, 50, 100, 400])
@pytest.mark.parametrize("centre", [MIDDELBURG, AMSTERDAM, (0.0, 0.0), (-33.9, 18.4), (69.6, 18.9)])
def test_ring_at_exact_radius_lies_inside_box(centre, km):
    min_lat, max_lat, min_lon, max_lon = bounding_box(*centre, km)
    for bearing in range(0, 360, 3):
        lat, lon = destination(*centre, bearing, km)
        assert haversine_km(*centre, lat, lon) == pytest.approx(km, rel=1e-9)
        assert min_lat <= lat <= max_lat, (bearing, lat)
        assert min_lon <= lon <= max_lon, (bearing, lon)


def test_box_is_not_needlessly_large():
    min_lat, max_lat, min_lon, max_lon = bounding_box(*AMSTERDAM, 25)
    # Points just beyond the radius straight north / east fall outside the box.
    assert destination(*AMSTERDAM, 0, 25.1)[0] > max_lat
    assert destination(*AMSTERDAM, 180, 25.1)[0] < min_lat
    east = destination(*AMSTERDAM, 90, 25.5)[1]
    assert east > max_lon


def test_box_near_pole_spans_all_longitudes():
    min_lat, max_lat, min_lon, max_lon = bounding_box(89.5, 10.0, 100)
    assert max_lat == 90.0
    assert (min_lon, max_lon) == (-180.0, 180.0)


def test_zero_radius_box_is_the_point():
    assert bounding_box(*MIDDELBURG, 0) == pytest.approx((51.5, 51.5, 3.61389, 3.61389))


def test_distances_from_one_point_are_the_same_floats_as_one_by_one():
    import random

    from portal.geo.distance import haversine_from

    rng = random.Random(9)
    points = [(rng.uniform(49.4, 53.6), rng.uniform(2.5, 7.3)) for _ in range(500)]
    points += [(51.5, 3.6), (-51.5, -176.4)]  # the point itself, and its antipode
    for _ in range(20):
        lat, lon = rng.uniform(49.4, 53.6), rng.uniform(2.5, 7.3)
        assert haversine_from(lat, lon, points) == [haversine_km(lat, lon, *p) for p in points]
    assert haversine_from(51.5, 3.6, points)[-2:] == [0.0, haversine_km(51.5, 3.6, -51.5, -176.4)]
