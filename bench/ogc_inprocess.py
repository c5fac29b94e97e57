"""CPU per OGC items page in-process (Django test client, no HTTP): compare two checkouts on one database.

    DATABASE_URL=... .venv/bin/python bench/ogc_inprocess.py /path/to/tree   # e.g. a `git archive` export

Each tree runs in its own process (its own code on sys.path); the answer's size is printed so that two trees
can be seen to return the same bytes.
"""
import os
import sys
import time

PAGES = {"limit=100": 60, "limit=1000": 20}
WARM_UP = 5


def main(tree: str) -> None:
    """Time the groundwater-bank items pages of one tree and print CPU and wall time per page."""
    sys.path.insert(0, os.path.abspath(tree))
    os.chdir(tree)
    os.environ.update(DJANGO_SETTINGS_MODULE="gis_service.settings", DEBUG="0", CONN_MAX_AGE="60",
                      ALLOWED_HOSTS="testserver", LOG_LEVEL="CRITICAL")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
    import django

    django.setup()
    from django.test import Client

    client = Client()
    for query, count in PAGES.items():
        url = f"/ogc/collections/groundwater_banks/items?{query}"
        for _ in range(WARM_UP):
            client.get(url)
        cpu, wall = time.process_time(), time.perf_counter()
        for _ in range(count):
            response = client.get(url)
        cpu_ms = 1000 * (time.process_time() - cpu) / count
        wall_ms = 1000 * (time.perf_counter() - wall) / count
        print(f"{tree} {query} {response.status_code} {len(response.content)} bytes: "
              f"cpu {cpu_ms:.2f} ms, wall {wall_ms:.2f} ms")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".")
