"""The fast `/items` page path: numberMatched cached by data version and audience, pages by row id."""
import json

import pytest
from django.contrib.auth.models import AnonymousUser, Group, User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gis_service.programmes.models import GroundwaterBank
from layers.crs import SUPPORTED
from layers.features import Audience, page_statement
from layers.registry import get_layer

pytestmark = pytest.mark.django_db
ITEMS = "/ogc/collections/groundwater_banks/items"


def body(response) -> dict:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return json.loads(raw)


def page(client, **params) -> dict:
    response = client.get(ITEMS, {"limit": 3, **params})
    assert response.status_code == 200, body(response)
    return body(response)


def planner_client(client, django_user_model):
    planner = django_user_model.objects.create_user("pages-planner", password="pw-planner-12345")
    planner.groups.add(Group.objects.get(name="planner"))
    client.force_login(planner)
    return client


def test_number_matched_follows_every_write_and_each_audience(client, django_user_model):
    well = GroundwaterBank.objects.filter(published=True).select_related("subdistrict__province").order_by("code")[7]
    province = well.subdistrict.province.code
    public_all = GroundwaterBank.objects.filter(published=True).count()
    public_province = GroundwaterBank.objects.filter(published=True, subdistrict__province__code=province).count()
    # Twice each: the second answer comes from the count cache and must be the same.
    for _ in range(2):
        assert page(client)["numberMatched"] == public_all
        assert page(client, province=province)["numberMatched"] == public_province
    GroundwaterBank.objects.filter(pk=well.pk).update(published=False)
    assert page(client)["numberMatched"] == public_all - 1
    assert page(client, province=province)["numberMatched"] == public_province - 1
    assert well.code not in [f["id"] for f in page(client, province=province, limit=10000)["features"]]
    # Same filter, other audience: planners count the unpublished well too.
    planner = planner_client(client, django_user_model)
    assert page(planner)["numberMatched"] == GroundwaterBank.objects.count()
    in_province = GroundwaterBank.objects.filter(subdistrict__province__code=province).count()
    assert in_province > public_province
    assert page(planner, province=province)["numberMatched"] == in_province


def test_a_repeated_query_counts_once_and_a_new_filter_counts_again(client):
    def count_queries(**params) -> int:
        with CaptureQueriesContext(connection) as queries:
            page(client, **params)
        return sum("COUNT(" in query["sql"].upper() for query in queries.captured_queries)

    assert count_queries(status="planned", programme_year="2021") == 1
    assert count_queries(status="planned", programme_year="2021", offset="3", sortby="-budget_thb") == 0
    assert count_queries(status="planned", programme_year="2022") == 1
    # Parameter order does not matter; the values do.
    assert count_queries(programme_year="2022", status="planned") == 0


def test_anonymous_pages_read_no_session_user_or_role_table(client):
    page(client)
    with CaptureQueriesContext(connection) as queries:
        document = page(client, province="TH30")
    assert document["numberReturned"] == 3
    touched = [q["sql"] for q in queries.captured_queries if "auth_" in q["sql"] or "django_session" in q["sql"]]
    assert touched == []


def test_the_page_statement_shows_the_public_no_unpublished_feature_whatever_ids_it_gets():
    layer = get_layer("groundwater_banks")
    hidden = list(GroundwaterBank.objects.filter(published=False).order_by("code").values_list("pk", "code")[:5])
    shown = list(GroundwaterBank.objects.filter(published=True).order_by("-code").values_list("pk", "code")[:3])
    ids = [pk for pk, _ in shown[:1] + hidden + shown[1:]]
    public = Audience.of(layer.visible_queryset(AnonymousUser()))
    planner = User.objects.create_user("pages-planner-2", password="pw-planner-12345")
    planner.groups.add(Group.objects.get(name="planner"))
    staff = Audience.of(layer.visible_queryset(planner))
    assert public.key != staff.key
    crs = SUPPORTED[0]
    public_codes = [json.loads(text)["id"] for text in page_statement(layer, public, ["name_th"], crs).texts(ids)]
    staff_codes = [json.loads(text)["id"] for text in page_statement(layer, staff, ["name_th"], crs).texts(ids)]
    # In the order given, without the unpublished ones for the public.
    assert public_codes == [code for _, code in shown]
    assert staff_codes == [code for _, code in shown[:1] + hidden + shown[1:]]
