"""Give a user a role (and its LAOs or provinces) from the command line."""
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from gis_service.accounts.models import LaoMembership, ReviewerProvince
from gis_service.accounts.roles import Role
from gis_service.geography.models import LAO, Province


class Command(BaseCommand):
    help = "Assign a role to a user, creating the user with --create. Roles: " + ", ".join(r.value for r in Role)

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("role", choices=[r.value for r in Role])
        parser.add_argument(
            "--lao", action="append", default=[],
            help="DLA code of an LAO a field officer works for, e.g. 6400103 (repeatable; BMA for Bangkok)"
        )
        parser.add_argument(
            "--province", action="append", default=[], help="Province code a reviewer covers (repeatable)"
        )
        parser.add_argument("--create", action="store_true", help="Create the user if it does not exist")
        parser.add_argument("--password", help="Password for a newly created user")
        parser.add_argument("--email", default="")

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        role = Role(options["role"])
        user_model = get_user_model()
        user = user_model.objects.filter(username=options["username"]).first()
        if user is None and not options["create"]:
            raise CommandError(f"No user '{options['username']}': add --create (and --password) to create one.")
        laos = self._lookup(LAO, options["lao"], "LAO")
        provinces = self._lookup(Province, options["province"], "province")
        inactive = [lao.code for lao in laos if not lao.active]
        if inactive:
            raise CommandError(f"LAO {', '.join(inactive)} is no longer in the DLA register (inactive): field officers "
                               "can only join active LAOs. Find the LAO that took over its area in the admin.")
        if user is None:
            user = user_model.objects.create_user(options["username"], options["email"], options["password"])
        if role is Role.FIELD_OFFICER and not laos and not user.lao_memberships.exists():
            raise CommandError("A field officer needs at least one LAO: add --lao CODE.")
        if role is Role.REVIEWER and not provinces and not user.reviewer_provinces.exists():
            raise CommandError("A reviewer needs at least one province: add --province CODE (e.g. TH30).")
        user.groups.add(Group.objects.get(name=role.value))
        if role is Role.ADMINISTRATOR:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        for lao in laos:
            LaoMembership.objects.get_or_create(user=user, lao=lao)
        for province in provinces:
            ReviewerProvince.objects.get_or_create(user=user, province=province)
        self.stdout.write(self.style.SUCCESS(f"{user.username} is now {role.value}."))

    def _lookup(self, model, codes: list[str], label: str) -> list:
        found = {obj.code: obj for obj in model.objects.filter(code__in=codes)}
        missing = [code for code in codes if code not in found]
        if missing:
            hint = (" LAOs go by the DLA's 7-digit codes (BMA for Bangkok); find one by name in the admin's LAO list."
                    if model is LAO else " Provinces go by codes such as TH30.")
            raise CommandError(f"Unknown {label} code(s): {', '.join(missing)}.{hint}")
        return [found[code] for code in codes]
