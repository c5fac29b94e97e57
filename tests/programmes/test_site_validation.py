"""The one validation path: bad sites are refused with a clear message and write nothing."""
import pytest
from django.contrib.auth.models import User
from django.contrib.gis.geos import LineString, MultiLineString, Point, Polygon
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from gis_service.geography.models import LAO, Subdistrict
from gis_service.programmes.models import GroundwaterBank, LocalRoad, Playground, Status
from gis_service.programmes.validation import set_geometry

pytestmark = pytest.mark.django_db

# Inside Mueang Nakhon Ratchasima (TH300101): a real, inland place.
KORAT = (102.0977, 14.9799)


def lao_for(lon: float, lat: float) -> LAO:
    subdistrict = Subdistrict.objects.get(geom__intersects=Point(lon, lat, srid=4326))
    return LAO.objects.exclude(kind__in=["pao", "bangkok"]).get(subdistricts=subdistrict)


def new_well(**overrides) -> GroundwaterBank:
    lon, lat = overrides.pop("at", KORAT)
    fields = {"name_th": "ธนาคารน้ำใต้ดินทดสอบ", "programme_year": 2024, "lao": lao_for(*KORAT),
              "geom": Point(lon, lat, srid=4326), "status": Status.OPERATIONAL}
    fields.update(overrides)
    return GroundwaterBank(**fields)


def refused(site, field: str) -> str:
    count = type(site).objects.count()
    with pytest.raises(ValidationError) as caught:
        site.save()
    assert type(site).objects.count() == count
    messages = caught.value.message_dict
    assert field in messages, messages
    return " ".join(messages[field])


def test_valid_well_derives_its_subdistrict_and_code():
    well = new_well()
    well.save()
    assert well.subdistrict.code == "TH300101"
    assert well.code.startswith("GWB-")
    assert well.programme_year_be == 2567


def test_point_outside_thailand_is_refused_with_a_message_that_says_so():
    message = refused(new_well(at=(105.85, 21.03)), "geom")  # Hanoi
    assert "falls in no subdistrict of Thailand" in message
    assert "105.850000" in message


def test_point_at_sea_is_refused():
    assert "no subdistrict" in refused(new_well(at=(100.9, 12.0)), "geom")  # Gulf of Thailand


def test_wrong_geometry_type_is_refused():
    well = new_well()
    with pytest.raises(ValidationError, match="must be a Point, not a LineString"):
        set_geometry(well, {"type": "LineString", "coordinates": [[102.09, 14.97], [102.10, 14.98]]})
    with pytest.raises(ValidationError, match="could not be read"):
        set_geometry(well, "POINT(oops)")
    assert GroundwaterBank.objects.filter(name_th=well.name_th).count() == 0


def test_self_intersecting_road_is_refused():
    bow = LineString((102.09, 14.97), (102.10, 14.98), (102.10, 14.97), (102.09, 14.98), srid=4326)
    road = LocalRoad(name_th="ถนนทดสอบ", programme_year=2024, lao=lao_for(*KORAT), geom=MultiLineString(bow))
    assert "crosses itself" in refused(road, "geom")


def test_invalid_footprint_polygon_is_refused():
    bowtie = Polygon(((102.09, 14.97), (102.10, 14.98), (102.10, 14.97), (102.09, 14.98), (102.09, 14.97)), srid=4326)
    playground = Playground(name_th="สนามทดสอบ", programme_year=2024, lao=lao_for(*KORAT),
                            geom=Point(*KORAT, srid=4326), footprint=bowtie)
    assert "footprint polygon is invalid" in refused(playground, "geom")


def test_out_of_range_year_is_refused_and_a_buddhist_era_year_is_recognised():
    message = refused(new_well(programme_year=2567), "programme_year")
    assert "out of range" in message and "use 2024" in message
    assert "out of range" in refused(new_well(programme_year=1990), "programme_year")


def test_negative_budget_is_refused():
    assert refused(new_well(budget_thb=-5), "budget_thb")


def test_status_cannot_go_back_to_planned_once_operational():
    well = new_well()
    well.save()
    well.status = Status.PLANNED
    assert "cannot go from 'operational' to 'planned'" in refused(well, "status")
    assert GroundwaterBank.objects.get(pk=well.pk).status == Status.OPERATIONAL


@pytest.mark.national
def test_site_outside_its_lao_area_is_refused_naming_where_it_fell():
    chiang_mai = (98.9853, 18.7883)
    message = refused(new_well(at=chiang_mai), "lao")
    assert "Chiang Mai" in message and "does not serve" in message


def test_road_length_is_the_geodesic_length_and_its_subdistrict_holds_most_of_it():
    line = LineString((102.090, 14.975), (102.100, 14.980), (102.110, 14.978), srid=4326)
    road = LocalRoad(name_th="ถนนทดสอบ", programme_year=2023, lao=lao_for(*KORAT))
    set_geometry(road, line)
    road.save()
    with connection.cursor() as cursor:
        cursor.execute("SELECT ST_Length(geom::geography, true) FROM programmes_localroad WHERE id = %s", [road.pk])
        geodesic_m = cursor.fetchone()[0]
    assert road.geom.geom_type == "MultiLineString"
    assert abs(road.length_m - geodesic_m) / geodesic_m < 0.001
    assert 2000 < road.length_m < 2500


def test_database_constraint_backs_up_the_year_range():
    well = new_well()
    well.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        GroundwaterBank.objects.filter(pk=well.pk).update(programme_year=1500)


def test_history_records_who_changed_what_and_when():
    officer = User.objects.create_user("history-officer")
    well = new_well()
    well._history_user = officer
    well.save()
    well.status = Status.NEEDS_REPAIR
    well._history_user = officer
    well.save()
    latest, first = well.history.all()[:2]
    delta = latest.diff_against(first)
    assert [change.field for change in delta.changes] == ["status"]
    assert delta.changes[0].old == Status.OPERATIONAL and delta.changes[0].new == Status.NEEDS_REPAIR
    assert latest.history_user == officer
    assert latest.history_date >= first.history_date
