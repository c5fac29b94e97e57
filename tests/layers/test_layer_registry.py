"""The layer registry: one declaration per programme and boundary level, and what is derived from it."""
import pytest
from django.contrib.auth.models import AnonymousUser, Group, User

from gis_service.programmes.models import GroundwaterBank
from gis_service.programmes.registry import PROGRAMMES, programme_models
from layers.registry import LAYERS, UnknownLayer, get_layer, layer_for_model, list_layers

pytestmark = pytest.mark.django_db


def test_every_programme_boundary_level_and_the_lao_offices_are_declared_once():
    ids = [layer.id for layer in LAYERS]
    assert ids[:4] == ["groundwater_banks", "local_roads", "playgrounds", "ewaste_points"]
    assert ids == [programme.id for programme in PROGRAMMES] + ["provinces", "districts", "subdistricts",
                                                                 "lao_offices"]
    assert {layer.model for layer in list_layers(programmes_only=True)} == set(programme_models())
    for layer in LAYERS:
        assert layer.title_en and layer.title_th and layer.description_en and layer.description_th
        assert layer.style.colour.startswith("#") and layer.style.symbol
        assert 0 < layer.default_limit <= layer.max_limit <= 10_000
        assert 0 <= layer.minzoom < layer.maxzoom <= 22
        assert layer.version_key == layer.table == layer.model._meta.db_table


def test_programme_layers_are_writable_and_published_boundaries_are_read_only():
    for layer in LAYERS:
        programme = layer.model in programme_models()
        assert layer.has_published is programme
        assert layer.writable is programme
        assert (layer.year_field is not None) is programme


def test_geometry_type_matches_the_model_field():
    for layer in LAYERS:
        field = layer.model._meta.get_field(layer.geometry_field)
        assert field.geom_type.lower() == layer.geometry_type.lower()
        assert layer.srid == 4326


def test_every_property_path_resolves_in_the_database():
    for layer in LAYERS:
        row = layer.public_values(layer.model.objects.order_by(layer.id_field)).first()
        assert row is not None, layer.id
        assert set(row) == {"fid"} | {f"p{i}" for i in range(len(layer.properties))}


def test_programme_layers_can_be_queried_by_province_district_and_subdistrict_codes():
    layer = get_layer("groundwater_banks")
    names = [prop.name for prop in layer.queryables]
    assert {"province", "district", "subdistrict", "status", "lao", "programme_year"} <= set(names)
    well = GroundwaterBank.objects.select_related("subdistrict__province").order_by("code").first()
    row = layer.public_values(GroundwaterBank.objects.filter(pk=well.pk), ["province", "subdistrict"]).get()
    assert row == {"fid": well.code, "p0": well.subdistrict.province.code, "p1": well.subdistrict.code}


def test_queryable_schemas_carry_types_and_enums():
    layer = get_layer("groundwater_banks")
    assert layer.get_property("status").json_schema()["enum"] == [
        "planned", "under_construction", "operational", "needs_repair", "decommissioned"]
    assert layer.get_property("updated_at").json_schema() == {
        "title": "Last update", "type": "string", "format": "date-time", "description": "ปรับปรุงล่าสุด"}
    assert layer.get_property("programme_year").json_schema()["type"] == "integer"


@pytest.mark.national
def test_anonymous_users_see_only_published_programme_sites():
    layer = get_layer("groundwater_banks")
    public = layer.visible_queryset(AnonymousUser())
    assert public.count() == GroundwaterBank.objects.filter(published=True).count()
    assert not public.filter(published=False).exists()
    planner = User.objects.create_user("registry-planner")
    planner.groups.add(Group.objects.get(name="planner"))
    assert layer.visible_queryset(planner).count() == GroundwaterBank.objects.count()
    assert get_layer("provinces").visible_queryset(AnonymousUser()).count() == 77


def test_unknown_layer_is_refused_with_the_known_ids():
    with pytest.raises(UnknownLayer, match="groundwater_banks"):
        get_layer("wells")
    assert layer_for_model(GroundwaterBank).id == "groundwater_banks"
