"""/healthz, the role groups and the assign_role command."""

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command

from gis_service.accounts.permissions import can_edit_site_of_lao, can_see_unpublished
from gis_service.accounts.roles import Role
from gis_service.geography.models import LAO
from tests.conftest import get_with_database_down

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_and_postgis_versions(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["postgresql"].startswith("15")
    assert body["database"]["postgis"].startswith("3")


def test_healthz_answers_503_when_the_database_is_unreachable():
    status, body, retry_after = get_with_database_down("/healthz")
    assert status == 503
    assert body["database"] == "unreachable"
    assert retry_after


def test_any_page_answers_503_with_retry_after_when_the_database_is_unreachable():
    status, body, retry_after = get_with_database_down("/ogc/collections/groundwater_banks/items?limit=1")
    assert status == 503
    assert "retry after" in body["description"]
    assert int(retry_after) > 0


def test_every_role_has_its_group_with_programme_permissions():
    for role in Role:
        group = Group.objects.get(name=role.value)
        assert group.permissions.filter(codename="view_groundwaterbank").exists()
    assert not Group.objects.get(name="planner").permissions.filter(codename="change_groundwaterbank").exists()
    assert Group.objects.get(name="administrator").permissions.filter(codename="delete_localroad").exists()


def test_assign_role_creates_a_field_officer_scoped_to_their_lao():
    lao, other = LAO.objects.filter(kind="sao").order_by("code")[:2]
    call_command(
        "assign_role", "somchai", "field_officer", "--create", "--password", "x-Very-long-42", "--lao", lao.code
    )
    user = User.objects.get(username="somchai")
    assert user.groups.filter(name="field_officer").exists()
    assert can_edit_site_of_lao(user, lao.id)
    assert not can_edit_site_of_lao(user, other.id)
    assert can_see_unpublished(user)


def test_assign_role_refuses_unknown_codes_and_missing_scope():
    User.objects.create_user("malee")
    with pytest.raises(CommandError, match="Unknown LAO code"):
        call_command("assign_role", "malee", "field_officer", "--lao", "9999999")
    inactive = LAO.objects.filter(kind="sao").order_by("code").last()
    LAO.objects.filter(pk=inactive.pk).update(active=False)
    with pytest.raises(CommandError, match="no longer in the DLA register"):
        call_command("assign_role", "nid", "field_officer", "--create", "--password", "x-Very-long-42",
                     "--lao", inactive.code)
    assert not User.objects.filter(username="nid").exists(), "nothing is written"
    with pytest.raises(CommandError, match="needs at least one province"):
        call_command("assign_role", "malee", "reviewer")
    assert not User.objects.get(username="malee").groups.exists()


def test_admin_login_page_and_map_widget_assets_are_local(client):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    admin_user = User.objects.create_superuser("root-admin", "a@example.org", "pw-long-enough-1")
    client.force_login(admin_user)
    page = client.get("/admin/programmes/groundwaterbank/add/").content.decode()
    assert "leaflet" in page.lower()
    assert "cdn" not in page.lower() and "unpkg" not in page.lower()
