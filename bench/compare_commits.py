"""Before and after a change (issue 10): tiles, OGC pages and field intake of two commits, in one run.

"Before" (default eedb30f, main before issue 10's work began) and "after" (default HEAD; `--after worktree` serves
this checkout as it is, uncommitted changes included) are exported with `git archive <commit> | tar -x` into
temporary directories (the code only) and their catalogue compiled (`manage.py compilemessages`, where the tree has
a locale/ folder). No static files are collected: none of the requests below reads one. Each tree is served as its
own gunicorn.conf.py says (gthread workers, keep-alive), 2 workers, CONN_MAX_AGE=60, DEBUG=0, working directory =
the tree, with this checkout's virtualenv, the tile cache off (TILE_CACHE_ENABLED=0), both on the same database
(DATABASE_URL: boundaries, generated LAOs, national dataset seed 42 scale 1, ANALYZE).

Every round starts both servers afresh, then runs each benchmark on before and then on after:
  - tiles: wrk -t2 -c8 over the fixed list of groundwater_banks tiles z5-z15 holding published wells
    (bench/tiles_throughput.py), plain (unversioned) URLs, uncached;
  - OGC pages: wrk -t2 -c8 on /ogc/collections/groundwater_banks/items?limit=100 and -c2 on ?limit=1000, public;
  - field intake: wrk -t2 -c16 posting distinct groundwater submissions as bench/field_submissions.py does, after
    removing the bench officer's earlier submissions (and VACUUM ANALYZE), so every run starts from the same tables.
Each measurement follows a --warmup run of the same client. Reported: requests/s (field intake: 201 answers per
second), and how many cores other processes used meanwhile (from /proc/stat, bench/field_clients.py); at the end a
Markdown table of every round, each tree's median and after/before.

    DATABASE_URL=postgres://gis_service:gis_service@127.0.0.1:5432/gis_ab_bench \\
        .venv/bin/python bench/compare_commits.py --duration 10 --rounds 5
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

import field_clients  # noqa: E402
import field_submissions  # noqa: E402  (sets Django up)
import ogc_features  # noqa: E402
import tiles_throughput  # noqa: E402

BEFORE = "eedb30f"
LAYER = tiles_throughput.LAYER
OGC_ITEMS = f"/ogc/collections/{LAYER}/items"
FIELD_CONNECTIONS = 16
FIELD_MAX_PER_S = 600  # distinct submissions to have ready per second of posting (as field_submissions.py)


def git(*args: str) -> str:
    return subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, text=True, check=True).stdout.strip()


def compile_messages(tree: Path) -> None:
    """The .mo catalogue, as set-up and the image compile it (it is not in git)."""
    if (tree / "locale").is_dir():
        subprocess.run([str(REPO / ".venv/bin/python"), "manage.py", "compilemessages", "--ignore=.venv", "-v0"],
                       cwd=tree, check=True, env={**os.environ, "SECRET_KEY": "benchmark-only-secret-key"})


def export(ref: str) -> tuple[Path, str]:
    """The tree to serve for `ref`: the commit's files in a new temporary directory, or this checkout itself."""
    if ref == "worktree":
        compile_messages(REPO)
        return REPO, f"{git('rev-parse', '--short=8', 'HEAD')} + working tree ({REPO})"
    sha = git("rev-parse", "--verify", f"{ref}^{{commit}}")
    tree = Path(tempfile.mkdtemp(prefix=f"compare-{sha[:8]}-"))
    archive = subprocess.Popen(["git", "-C", str(REPO), "archive", sha], stdout=subprocess.PIPE)
    subprocess.run(["tar", "-x", "-C", str(tree)], stdin=archive.stdout, check=True)
    archive.stdout.close()
    if archive.wait() != 0:
        raise SystemExit(f"git archive {sha} failed")
    compile_messages(tree)
    subject = git("log", "-1", "--format=%s", sha)
    return tree, f"{sha[:8]} {subject if len(subject) < 70 else subject[:67] + '...'}"


def measured(server: subprocess.Popen, run) -> dict:
    """Run a client; add what gunicorn and PostgreSQL used, and the cores other processes used meanwhile."""
    start = field_clients.cpu_start(server.pid)
    result = run()
    return field_clients.add_cpu(result, start, field_clients.machine_busy_s() - start["busy"])


def wrk_get(paths: list[str], connections: int):
    """A benchmark: wrk -t2 over the paths (bench/tiles_throughput.py), after a warm-up run."""
    def run(server: subprocess.Popen, base: str, args, tmp: Path, points: list) -> dict:
        tiles_throughput.run_wrk(base, paths, args.warmup, tmp, connections)
        result = measured(server, lambda: tiles_throughput.run_wrk(base, paths, args.duration, tmp, connections))
        result["bad"], result["answers"] = result["non_2xx"], result["requests"]
        return result
    return run


def field_intake(server: subprocess.Popen, base: str, args, tmp: Path, points: list) -> dict:
    """The submission benchmark of bench/field_submissions.py (new submissions only, no resends)."""
    token = field_submissions.prepare_officer()  # removes the bench officer's earlier submissions, VACUUM ANALYZE
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
    bodies = [json.dumps(field_submissions.payload(point, n)) for n, point in enumerate(points)]
    warm = FIELD_MAX_PER_S * args.warmup

    def post(part: list[str], seconds: int):
        return lambda: field_clients.run_wrk(base + field_submissions.PATH, headers, part, FIELD_CONNECTIONS,
                                             seconds, tmp)

    post(bodies[:warm], args.warmup)()
    result = field_submissions.measure(post(bodies[warm:], args.duration), server, "new")
    created = result["statuses"].get(201, 0)
    result["rps"] = created / result["wall_s"]
    result["bad"] = result["requests"] - created + result["errors"]
    result["answers"] = result["rows_added"]  # with those still in the server when wrk stopped, as field_submissions
    return result


def cpu_ms(result: dict) -> float:
    """CPU milliseconds gunicorn and PostgreSQL spent per answer: less sensitive than requests/s to other load."""
    return (result["server_cpu_s"] + result["db_cpu_s"]) / max(result["answers"], 1) * 1000


def table(results: dict) -> str:
    lines = ["| benchmark | round | before req/s | after req/s | after/before | other processes' cores: "
             "before / after | CPU ms per answer, gunicorn + PostgreSQL: before / after |",
             "|---|---|---:|---:|---:|---|---|"]
    for bench, by_tree in results.items():
        before, after = by_tree["before"], by_tree["after"]
        for number, (b, a) in enumerate(zip(before, after, strict=True), 1):
            lines.append(f"| {bench} | {number} | {b['rps']:,.1f} | {a['rps']:,.1f} | {a['rps'] / b['rps']:.2f}x | "
                         f"{b['others_cores']:.2f} / {a['others_cores']:.2f} | {cpu_ms(b):.2f} / {cpu_ms(a):.2f} |")
        median = {name: {key: statistics.median(get(r) for r in runs) for key, get in (
            ("rps", lambda r: r["rps"]), ("cores", lambda r: r["others_cores"]), ("cpu", cpu_ms))}
            for name, runs in by_tree.items()}
        b, a = median["before"], median["after"]
        lines.append(f"| **{bench}** | **median** | **{b['rps']:,.1f}** | **{a['rps']:,.1f}** | "
                     f"**{a['rps'] / b['rps']:.2f}x** | {b['cores']:.2f} / {a['cores']:.2f} | "
                     f"{b['cpu']:.2f} / {a['cpu']:.2f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default=BEFORE, help="commit served as 'before' (default: %(default)s)")
    parser.add_argument("--after", default="HEAD", help="commit served as 'after', or 'worktree' for this checkout")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (default: %(default)s)")
    parser.add_argument("--duration", type=int, default=10, help="seconds of each measured wrk run")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of the warm-up run before each")
    parser.add_argument("--out", type=Path, default=REPO / "bench/results/compare_commits.json")
    args = parser.parse_args()
    database_url = os.environ["DATABASE_URL"]
    began, load_start = time.monotonic(), os.getloadavg()

    trees = {name: export(ref) for name, ref in (("before", args.before), ("after", args.after))}
    for name, (tree, label) in trees.items():
        print(f"{name}: {label}, served from {tree}", flush=True)
    tile_paths = [f"/tiles/{LAYER}/{z}/{x}/{y}.mvt" for z, x, y in tiles_throughput.fixed_tile_list()]
    points = field_submissions.points_in_lao(FIELD_MAX_PER_S * (args.warmup + args.duration))
    benchmarks = {
        f"tiles, {len(tile_paths)} z5-15 uncached (wrk -c8)": wrk_get(tile_paths, 8),
        "OGC items limit=100, public (wrk -c8)": wrk_get([f"{OGC_ITEMS}?limit=100"], 8),
        "OGC items limit=1000, public (wrk -c2)": wrk_get([f"{OGC_ITEMS}?limit=1000"], 2),
        f"field intake, new submissions (wrk -c{FIELD_CONNECTIONS})": field_intake,
    }
    results = {bench: {name: [] for name in trees} for bench in benchmarks}
    tmp = Path(tempfile.mkdtemp(prefix="compare-run-"))
    try:
        for number in range(1, args.rounds + 1):
            servers = {}
            try:
                for name, (tree, _) in trees.items():
                    port = ogc_features.free_port()  # the other server already holds its port
                    server = tiles_throughput.start_ours(port, database_url, tmp / f"{name}-{number}.log", tree=tree,
                                                         TILE_CACHE_ENABLED="0")
                    servers[name] = server, f"http://127.0.0.1:{port}"
                for bench, run in benchmarks.items():
                    for name, (server, base) in servers.items():
                        result = run(server, base, args, tmp, points)
                        results[bench][name].append(result)
                        print(f"round {number}, {bench}, {name}: {result['rps']:,.1f}/s, other processes "
                              f"{result['others_cores']:.2f} cores, load {os.getloadavg()[0]:.1f}, CPU per answer "
                              f"{cpu_ms(result):.2f} ms"
                              + (f"; {result['bad']} NOT OK ANSWERS" if result["bad"] else ""), flush=True)
            finally:
                for server, _ in servers.values():
                    tiles_throughput.stop(server)
    finally:
        field_submissions.Submission.objects.filter(officer__username=field_submissions.BENCH_USER).delete()
        for tree, _ in trees.values():
            if tree != REPO:
                shutil.rmtree(tree, ignore_errors=True)
        shutil.rmtree(tmp, ignore_errors=True)

    minutes = (time.monotonic() - began) / 60
    print(f"\nbefore: {trees['before'][1]}\nafter: {trees['after'][1]}\n{args.rounds} rounds, {args.duration} s "
          f"per run after {args.warmup} s of warm-up, gunicorn 2 workers per tree (gunicorn.conf.py), {os.cpu_count()} "
          f"cores; load average {load_start[0]:.1f} at the start, {os.getloadavg()[0]:.1f} at the end; "
          f"{minutes:.1f} minutes\n")
    print(table(results))
    bad = sum(r["bad"] for by_tree in results.values() for runs in by_tree.values() for r in runs)
    if bad:
        print(f"\nWARNING: {bad} answers were not the expected 2xx/201 (see {args.out})")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"before": trees["before"][1], "after": trees["after"][1], "args": vars(args),
                                    "results": results}, indent=2, default=str))


if __name__ == "__main__":
    main()
