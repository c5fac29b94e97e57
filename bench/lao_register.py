"""Time loading the DLA's LAO register (manage.py load_lao_register): a full load, a reload of the same file, and
the upgrade of an installation made before the register (its generated LAOs and every site on them retired).

Usage (a database of your own holding the boundaries; for the upgrade case, one an older set-up made, with
generated LAOs and the national dataset on them, e.g. a copy: createdb -T gis_service gis_lao):
    DATABASE_URL=postgres://gis_service:gis_service@127.0.0.1:5432/gis_lao .venv/bin/python bench/lao_register.py

The full load and the first reload run in-process inside one transaction that is rolled back, after the register's
LAOs already in the database (if any) are removed in it, so the database is left as it was. The command as set-up
runs it (a reload, in a subprocess: Django's start-up included) is timed last.
"""
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gis_service.settings")

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402

from gis_service.geography.lao_register import load_register  # noqa: E402
from gis_service.geography.lao_succession import generated_laos_present, references, retire_generated_laos  # noqa: E402,I001
from gis_service.geography.models import LAO, LAOSubdistrict  # noqa: E402


def timed(step):
    started = time.perf_counter()
    result = step()
    return time.perf_counter() - started, result


def upgrade() -> tuple[float, dict] | None:
    """Load the register into a database holding only generated LAOs, then retire them (rolled back)."""
    if not generated_laos_present():
        return None
    with transaction.atomic():
        LAOSubdistrict.objects.filter(lao__generated=False).delete()
        LAO.objects.filter(generated=False).delete()
        seconds, moved = timed(lambda: (load_register(), retire_generated_laos())[1])
        transaction.set_rollback(True)
    return seconds, moved


def main() -> None:
    upgraded = upgrade()
    with transaction.atomic():
        LAOSubdistrict.objects.filter(lao__generated=False).delete()
        LAO.objects.filter(generated=False).delete()
        full_s, full = timed(load_register)
        reload_s, again = timed(load_register)
        transaction.set_rollback(True)
    command = [sys.executable, "manage.py", "load_lao_register", "-v", "0"]
    command_s, _ = timed(lambda: subprocess.run(command, cwd=REPO, check=True))
    print("| step | seconds | what it did |\n|---|---|---|")
    print(f"| full load (in-process) | {full_s:.1f} | {full.created} LAOs, {full.served_added} served subdistricts |")
    print(f"| reload, same file (in-process) | {reload_s:.1f} | {again.unchanged} unchanged, "
          f"changed anything: {again.changed_anything} |")
    what = ("the upgrade itself, committed: register loaded, generated LAOs retired" if upgraded
            else "reload, Django's start-up included")
    print(f"| `manage.py load_lao_register` as set-up runs it (subprocess) | {command_s:.1f} | {what} |")
    if upgraded:
        seconds, moved = upgraded
        rows = sum(n for name, n in moved.items() if name != "deleted_generated_laos")
        print(f"| upgrade: register loaded and generated LAOs retired (in-process) | {seconds:.1f} | {rows:,} rows "
              f"in {len(moved) - 1} tables moved, {moved['deleted_generated_laos']:,} generated LAOs deleted |")
    else:
        print(f"| upgrade | - | no generated LAOs here (of {len(references())} referring columns): nothing to time |")


if __name__ == "__main__":
    main()
