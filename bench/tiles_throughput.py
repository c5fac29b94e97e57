"""Vector tile throughput (issue 4): ours uncached, cached (file, Redis), behind nginx, and the peers.

Over a fixed list of about 300 wells tiles from zoom 5 to 15 that hold data, driven by wrk against
each server in turn, all on the same database in the same run:
  - the limit: our tile SQL run directly by pgbench (1 and 2 clients, prepared like the app's);
  - ours under gunicorn as the service runs it (gunicorn.conf.py: gthread workers with keep-alive), 2 workers,
    persistent database connections: uncached, file cache, Redis cache (each cache with plain URLs, which check
    the data version, and with versioned URLs, which need not);
  - floors under the same gunicorn (bench/tiles_bare_wsgi.py): a bare WSGI app running the same statements,
    and one answering every request with constant bytes of the mean tile's size (the ceiling of any cache);
  - nginx proxy_cache in front of ours with versioned URLs, and nginx serving the same tiles as files;
  - peers tipg 1.6.1 and django-vectortiles 1.0.2 (see bench/tiles_peers.py);
  - the zoom-5 tile holding most wells, uncached, sequential requests.

The two ratios the goals are set in (uncached against the pgbench limit, cached against uncached) are measured
in --rounds interleaved rounds (limit, uncached, bare app, limit again, cached, constant app), each ratio
within its round (uncached against the mean of the limit just before and after it), and the median of each
is reported: on a shared virtual machine the speed of the same run drifts by 20 % or more over minutes.

    DATABASE_URL=postgres://gis_service:gis_service@127.0.0.1:5432/gis_tiles_bench \\
        .venv/bin/python bench/tiles_throughput.py --duration 8 --rounds 3
"""
import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import django
import requests

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gis_service.settings")
django.setup()

from django.db import connection  # noqa: E402

from bench import tiles_peers  # noqa: E402
from layers.registry import get_layer  # noqa: E402
from layers.tiles.sql import BUFFER, EXTENT, compile_tile_sql, render_tile  # noqa: E402
from layers.versions import layer_version  # noqa: E402

LAYER = "groundwater_banks"
WORKERS = 2
NATIONAL_TILE = (5, 24, 14)
TILES_PER_ZOOM = 33
WRK_LUA = """
local paths = {}
for line in io.lines(os.getenv("TILE_PATHS")) do paths[#paths + 1] = line end
local counter = 0
function setup(thread) thread:set("offset", math.random(#paths)) end
function request()
  counter = counter + 1
  return wrk.format("GET", paths[((counter + offset) % #paths) + 1])
end
"""
NGINX_CONF = """
user root;
worker_processes 2;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  types {{ application/vnd.mapbox-vector-tile mvt; }}
  proxy_cache_path {tmp}/cache levels=1:2 keys_zone=tiles:20m max_size=1g inactive=7d use_temp_path=off;
  upstream app {{ server 127.0.0.1:{app_port}; keepalive 16; }}
  server {{
    listen 127.0.0.1:{port};
    location /tiles/ {{
      proxy_pass http://app;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_cache tiles;
      proxy_cache_lock on;
      add_header X-Cache-Status $upstream_cache_status always;
    }}
    location /static-tiles/ {{ alias {tmp}/static/; }}
  }}
}}
"""


def fixed_tile_list() -> list[tuple[int, int, int]]:
    """About 300 tiles from zoom 5 to 15 holding published wells, spread evenly, the same every run."""
    tiles = []
    with connection.cursor() as cursor:
        for z in range(5, 16):
            cursor.execute(
                "SELECT DISTINCT floor((ST_X(geom) + 180) / 360 * 2^%s)::int AS x,"
                " floor((1 - ln(tan(radians(ST_Y(geom))) + 1 / cos(radians(ST_Y(geom)))) / pi()) / 2 * 2^%s)::int AS y"
                " FROM programmes_groundwaterbank WHERE published ORDER BY x, y", [z, z])
            found = cursor.fetchall()
            step = max(1, len(found) // TILES_PER_ZOOM)
            tiles += [(z, x, y) for x, y in found[::step][:TILES_PER_ZOOM]]
    return tiles


def pgbench_script(tiles: list[tuple[int, int, int]]) -> str:
    """A pgbench script running our tile statement for a random tile of the list."""
    lines = [f"\\set i random(0, {len(tiles) - 1})"]
    for i, (z, x, y) in enumerate(tiles):
        lines.append(f"\\{'if' if i == 0 else 'elif'} :i = {i}")
        lines += [f"\\set z {z}", f"\\set x {x}", f"\\set y {y}"]
    lines.append("\\endif")
    statements = {}
    variables = [":z", ":z", ":x", ":y", ":z", ":x", ":y", str(BUFFER / EXTENT), ":z", ":x", ":y"]
    for clustered in (True, False):
        # The very statement the app prepares (layers/tiles/sql.py), its tile parameters as pgbench variables.
        prepared = compile_tile_sql((LAYER,), "public", (clustered,)).prepared_sql
        sql = re.sub(r"\$(\d+)\b", lambda match: variables[int(match.group(1)) - 1], prepared)
        statements[clustered] = " ".join(sql.split()) + ";"
    lines += ["\\if :z < 8", statements[True], "\\else", statements[False], "\\endif"]
    return "\n".join(lines) + "\n"


def run_pgbench(script: Path, clients: int, duration_s: int, database_url: str) -> float:
    """Tiles per second that pgbench reaches with this many clients."""
    # Prepared and planned once per session, as the app runs it (gis_service/prepared.py: fetch_prepared).
    out = subprocess.run(["pgbench", "-n", "-M", "prepared", "-T", str(duration_s), "-c", str(clients),
                          "-j", str(clients), "-f", str(script), database_url], capture_output=True, text=True,
                         check=True, env={**os.environ, "PGOPTIONS": "-c plan_cache_mode=force_generic_plan"}).stdout
    return float(re.search(r"tps = ([\d.]+)", out).group(1))


def run_wrk(base: str, paths: list[str], duration_s: int, tmp: Path, connections: int = 8) -> dict:
    """wrk over the paths (each thread starting at a random place): requests/s, latency, non-2xx, wrk's CPU time."""
    paths_file, lua = tmp / "paths.txt", tmp / "paths.lua"
    paths_file.write_text("\n".join(paths) + "\n")
    lua.write_text(WRK_LUA)
    children, started = resource.getrusage(resource.RUSAGE_CHILDREN), time.monotonic()
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{duration_s}s", "-s", str(lua), base],
                         env={**os.environ, "TILE_PATHS": str(paths_file)}, capture_output=True, text=True,
                         check=True).stdout
    wall_s, usage = time.monotonic() - started, resource.getrusage(resource.RUSAGE_CHILDREN)
    client_cpu_s = (usage.ru_utime + usage.ru_stime) - (children.ru_utime + children.ru_stime)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "latency": re.search(r"Latency\s+(\S+)", out).group(1),
            "non_2xx": int(non_2xx.group(1)) if non_2xx else 0, "load": round(os.getloadavg()[0], 2),
            "wall_s": wall_s, "client_cpu_s": client_cpu_s,
            "requests": int(re.search(r"(\d+) requests in", out).group(1))}


def wait_until_up(url: str, process: subprocess.Popen, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server for {url} exited")
        try:
            requests.get(url, timeout=5)
            return
        except (requests.ConnectionError, requests.Timeout):  # not listening yet, or workers still booting
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def start_ours(port: int, database_url: str, log: Path, tree: Path = REPO, **env) -> subprocess.Popen:
    """Our app under gunicorn as the service runs it (gunicorn.conf.py), 2 workers, persistent connections.

    `tree` is the code to serve (this checkout, or a commit exported elsewhere): gunicorn runs there with that
    tree's gunicorn.conf.py, and puts it first on sys.path; the virtualenv is this checkout's."""
    full_env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "0", "CONN_MAX_AGE": "60",
                "SECRET_KEY": "benchmark-only-secret-key-0123456789abcdefghijklmnop", **env}
    process = subprocess.Popen([str(REPO / ".venv/bin/gunicorn"), "--config", str(tree / "gunicorn.conf.py"),
                                "--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS)], cwd=tree, env=full_env,
                               stdout=log.open("w"), stderr=subprocess.STDOUT)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/healthz", process)
    except BaseException:
        stop(process)
        raise
    return process


def start_bare(port: int, database_url: str, tmp: Path, app: str = "application",
               constant_bytes: int = 0) -> subprocess.Popen:
    """A floor app of bench/tiles_bare_wsgi.py under the same gunicorn settings as ours."""
    statements = tmp / "statements.json"
    statements.write_text(json.dumps({
        name: compile_tile_sql((LAYER,), "public", (clustered,)).prepared_sql
        for name, clustered in (("clustered", True), ("plain", False))}))
    env = {**os.environ, "DATABASE_URL": database_url, "TILE_SQL_FILE": str(statements),
           "CONSTANT_BYTES": str(constant_bytes)}
    process = subprocess.Popen([str(REPO / ".venv/bin/gunicorn"), "--config", str(REPO / "gunicorn.conf.py"),
                                "--chdir", str(REPO / "bench"), "--bind", f"127.0.0.1:{port}", "--workers",
                                str(WORKERS), f"tiles_bare_wsgi:{app}"], cwd=REPO, env=env,
                               stdout=(tmp / f"bare-{app}.log").open("w"), stderr=subprocess.STDOUT)
    wait_until_up(f"http://127.0.0.1:{port}/", process)
    return process


def warm(base: str, paths: list[str]) -> list[bytes]:
    """Fetch every path once (fills the caches); the bodies, in order."""
    with requests.Session() as session:
        return [session.get(base + path, timeout=60).content for path in paths]


def national_tile_ms(base: str, repeats: int = 10) -> dict:
    """Sequential uncached requests of the zoom-5 tile holding most wells."""
    z, x, y = NATIONAL_TILE
    times, size = [], 0
    with requests.Session() as session:
        for _ in range(repeats):
            started = time.perf_counter()
            response = session.get(f"{base}/tiles/{LAYER}/{z}/{x}/{y}.mvt", timeout=60)
            times.append((time.perf_counter() - started) * 1000)
            size = len(response.content)
    return {"median_ms": round(statistics.median(times), 1), "max_ms": round(max(times), 1), "bytes": size}


def measure_ours(name: str, env: dict, port: int, database_url: str, paths: list[str], duration: int,
                 tmp: Path) -> dict:
    """Start ours with this environment, fetch every path once (fills a cache), then wrk over them."""
    server = start_ours(port, database_url, tmp / f"{name}.log", **env)
    try:
        warm(f"http://127.0.0.1:{port}", paths)
        return run_wrk(f"http://127.0.0.1:{port}", paths, duration, tmp)
    finally:
        stop(server)


def ratio_rounds(results: dict, rounds: int, script: Path, tiles: list, plain: list[str], versioned: list[str],
                 port: int, database_url: str, duration: int, tmp: Path) -> None:
    """Round after round: the limit, ours uncached, the bare app, the limit again, ours cached (file, versioned).

    The uncached rates are set against the mean of the limit measured just before and just after them, so a
    machine that speeds up or slows down during the round does not tilt the ratio.
    """
    results["rounds"] = []
    # The constant app answers with as many bytes as the mean tile of the list.
    mean_bytes = round(statistics.mean(len(render_tile([get_layer(LAYER)], *tile)[0]) for tile in tiles))
    results["mean_tile_bytes"] = mean_bytes
    for number in range(rounds):
        before = run_pgbench(script, 2, duration, database_url)
        uncached = measure_ours("ours_uncached", {"TILE_CACHE_ENABLED": "0"}, port, database_url, plain,
                                duration, tmp)
        bare_server = start_bare(port, database_url, tmp)
        try:
            warm(f"http://127.0.0.1:{port}", plain)
            bare = run_wrk(f"http://127.0.0.1:{port}", plain, duration, tmp)
        finally:
            stop(bare_server)
        after = run_pgbench(script, 2, duration, database_url)
        cached = measure_ours("ours_file_cache_versioned", {"TILE_CACHE_DIR": str(tmp / f"filecache-{number}")},
                              port, database_url, versioned, duration, tmp)
        constant_server = start_bare(port, database_url, tmp, "constant_application", mean_bytes)
        try:
            constant = run_wrk(f"http://127.0.0.1:{port}", versioned, duration, tmp)
        finally:
            stop(constant_server)
        limit = (before + after) / 2
        row = {"pgbench_2_before": before, "pgbench_2_after": after, "pgbench_2": limit,
               "ours_uncached": uncached, "bare_wsgi": bare, "ours_file_cache_versioned": cached,
               "constant_wsgi": constant,
               "uncached_vs_limit": round(uncached["rps"] / limit, 3),
               "cached_vs_uncached": round(cached["rps"] / uncached["rps"], 2),
               "bare_vs_limit": round(bare["rps"] / limit, 3),
               "constant_vs_uncached": round(constant["rps"] / uncached["rps"], 2)}
        results["rounds"].append(row)
        print(f"round {number + 1}: limit {before:.0f} then {after:.0f}/s, uncached {uncached['rps']:.0f}/s "
              f"({row['uncached_vs_limit']:.2f}x), bare WSGI {bare['rps']:.0f}/s ({row['bare_vs_limit']:.2f}x), "
              f"cached {cached['rps']:.0f}/s ({row['cached_vs_uncached']:.1f}x uncached), constant WSGI "
              f"{constant['rps']:.0f}/s ({row['constant_vs_uncached']:.1f}x uncached)", flush=True)
    medians = {key: statistics.median(row[key] for row in results["rounds"])
               for key in ("uncached_vs_limit", "cached_vs_uncached", "bare_vs_limit", "constant_vs_uncached",
                           "pgbench_2")}
    medians.update({key: statistics.median(row[key]["rps"] for row in results["rounds"])
                    for key in ("ours_uncached", "ours_file_cache_versioned", "bare_wsgi", "constant_wsgi")})
    results["median_round"] = medians
    print(f"median of {rounds} rounds: {medians}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=8, help="seconds per wrk or pgbench run")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds for the two ratios")
    parser.add_argument("--peers", type=Path, default=Path("/work/peers-tiles"))
    parser.add_argument("--out", type=Path, default=REPO / "bench/results/tiles_throughput.json")
    args = parser.parse_args()
    database_url = os.environ["DATABASE_URL"]
    duration = args.duration
    tmp = Path(tempfile.mkdtemp(prefix="tiles-bench-"))
    os.chmod(tmp, 0o755)
    results: dict = {"started_load": os.getloadavg(), "cores": os.cpu_count(),
                     "ours_server": f"gunicorn {WORKERS} workers, gunicorn.conf.py (gthread, keep-alive)"}

    tiles = fixed_tile_list()
    results["tiles"] = len(tiles)
    print(f"{len(tiles)} tiles, zoom 5-15", flush=True)
    script = tmp / "tile.pgbench"
    script.write_text(pgbench_script(tiles))
    results["pgbench_1"] = run_pgbench(script, 1, duration, database_url)
    print(f"pgbench 1 client: {results['pgbench_1']:.0f} tiles/s", flush=True)

    version = layer_version(LAYER)
    plain = [f"/tiles/{LAYER}/{z}/{x}/{y}.mvt" for z, x, y in tiles]
    versioned = [f"{path}?v={version}" for path in plain]
    port = 8761
    base = f"http://127.0.0.1:{port}"
    ratio_rounds(results, args.rounds, script, tiles, plain, versioned, port, database_url, duration, tmp)

    server = start_ours(port, database_url, tmp / "national.log", TILE_CACHE_ENABLED="0")
    try:
        results["national_tile"] = national_tile_ms(base)
        print(f"zoom-5 tile uncached: {results['national_tile']}", flush=True)
    finally:
        stop(server)
    runs = [("ours_file_cache", {"TILE_CACHE_DIR": str(tmp / "filecache")})]
    redis = None
    if shutil.which("redis-server"):
        redis = subprocess.Popen(["redis-server", "--port", "6391", "--save", "", "--appendonly", "no"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        runs.append(("ours_redis_cache", {"REDIS_URL": "redis://127.0.0.1:6391/0"}))
    try:
        for name, env in runs:
            server = start_ours(port, database_url, tmp / f"{name}.log", **env)
            try:
                bodies = warm(base, plain)
                results[name] = run_wrk(base, plain, duration, tmp)
                print(f"{name}: {results[name]}", flush=True)
                # Versioned URLs (as TileJSON gives them): a cached one needs no database read.
                warm(base, versioned)
                results[f"{name}_versioned"] = run_wrk(base, versioned, duration, tmp)
                print(f"{name}_versioned: {results[f'{name}_versioned']}", flush=True)
                if name == "ours_file_cache":
                    nginx_runs(results, tmp, port, versioned, plain, bodies, duration, tiles)
            finally:
                stop(server)
    finally:
        if redis:
            stop(redis)

    peer_runs(results, args.peers, database_url, tiles, duration, tmp)
    results["finished_load"] = os.getloadavg()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))
    shutil.rmtree(tmp, ignore_errors=True)


def nginx_runs(results: dict, tmp: Path, app_port: int, versioned: list[str], plain: list[str],
               bodies: list[bytes], duration: int, tiles: list) -> None:
    """nginx proxy_cache over our versioned URLs, then nginx serving the same tiles as static files."""
    if not shutil.which("nginx"):
        print("nginx not installed: skipped", flush=True)
        return
    for (z, x, y), body in zip(tiles, bodies, strict=True):
        path = tmp / "static" / str(z) / str(x) / f"{y}.mvt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)
    port = 8762
    conf = tmp / "nginx.conf"
    conf.write_text(NGINX_CONF.format(tmp=tmp, app_port=app_port, port=port))
    nginx = subprocess.Popen(["nginx", "-c", str(conf), "-p", str(tmp), "-g", "daemon off;"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        time.sleep(1)
        warm(base, versioned)
        results["nginx_proxy_cache_versioned"] = run_wrk(base, versioned, duration, tmp, connections=32)
        print(f"nginx proxy_cache: {results['nginx_proxy_cache_versioned']}", flush=True)
        static = [f"/static-tiles/{z}/{x}/{y}.mvt" for z, x, y in tiles]
        results["nginx_static_files"] = run_wrk(base, static, duration, tmp, connections=32)
        print(f"nginx static: {results['nginx_static_files']}", flush=True)
    finally:
        stop(nginx)


def peer_runs(results: dict, peers: Path, database_url: str, tiles: list, duration: int, tmp: Path) -> None:
    """tipg and django-vectortiles over the same tiles."""
    if not (peers / "bin" / "uvicorn").exists():
        print(f"peers not installed in {peers}: skipped", flush=True)
        return
    for name, start, to_path, port in (
        ("tipg", tiles_peers.start_tipg, tiles_peers.tipg_path, 8763),
        ("django_vectortiles", tiles_peers.start_dvt, tiles_peers.dvt_path, 8764),
        # The same peer given our gunicorn settings, so the comparison does not rest on keep-alive alone.
        ("django_vectortiles_keepalive", tiles_peers.start_dvt_keepalive, tiles_peers.dvt_path, 8765),
    ):
        server = start(peers, database_url, port, tmp / f"{name}.log")
        base = f"http://127.0.0.1:{port}"
        paths = [to_path(z, x, y) for z, x, y in tiles]
        try:
            wait_until_up(base + paths[0], server)
            warm(base, paths[:20])
            results[name] = run_wrk(base, paths, duration, tmp)
            print(f"{name}: {results[name]}", flush=True)
        finally:
            stop(server)


if __name__ == "__main__":
    main()
