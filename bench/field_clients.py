"""HTTP clients for bench/field_submissions.py (wrk, or Python threads) and the CPU each party spends."""
import os
import re
import resource
import statistics
import subprocess
import threading
import time
from pathlib import Path

import requests

CLOCK_TICKS_PER_S = os.sysconf("SC_CLK_TCK")

# Each wrk thread posts bodies id, id + threads, id + 2 * threads ...: no body is sent twice while any is left.
WRK_LUA = """
local bodies = {}
for line in io.lines(os.getenv("FIELD_BODIES")) do bodies[#bodies + 1] = line end
local thread_count = tonumber(os.getenv("FIELD_THREADS"))
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = os.getenv("FIELD_AUTHORIZATION")
local threads = {}
function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end
local sent = 0
statuses = {}
function request()
  local index = (id + thread_count * sent) % #bodies + 1
  sent = sent + 1
  return wrk.format(nil, nil, nil, bodies[index])
end
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
function done(summary, latency, requests)
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do io.write(string.format("STATUS %d %d\\n", status, count)) end
  end
  io.write(string.format("REQUESTS %d\\nERRORS %d\\nDURATION_US %d\\nP50_US %d\\nP99_US %d\\n", summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.timeout + summary.errors.status,
    summary.duration, latency:percentile(50), latency:percentile(99)))
end
"""


def run_wrk(url: str, headers: dict, bodies: list[str], connections: int, seconds: float, tmp: Path) -> dict:
    """Post the bodies with wrk (2 threads) for `seconds`; statuses, latency and wrk's own CPU time."""
    bodies_file, script = tmp / "bodies.jsonl", tmp / "field.lua"
    bodies_file.write_text("\n".join(bodies) + "\n")
    script.write_text(WRK_LUA)
    env = {
        **os.environ,
        "FIELD_BODIES": str(bodies_file),
        "FIELD_THREADS": "2",
        "FIELD_AUTHORIZATION": headers["Authorization"],
    }
    process = subprocess.Popen(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds:g}s", "--timeout", "30s", "-s", str(script), url],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    out = process.stdout.read()
    _, exit_status, usage = os.wait4(process.pid, 0)
    if exit_status != 0:
        raise RuntimeError(f"wrk failed:\n{out}")
    value = {
        key: int(number)
        for key, number in re.findall(r"^(REQUESTS|ERRORS|DURATION_US|P50_US|P99_US) (\d+)$", out, re.M)
    }
    statuses: dict[int, int] = {}
    for status, count in re.findall(r"^STATUS (\d+) (\d+)$", out, re.M):
        statuses[int(status)] = statuses.get(int(status), 0) + int(count)
    return {
        "statuses": statuses,
        "requests": value["REQUESTS"],
        "errors": value["ERRORS"],
        "wall_s": value["DURATION_US"] / 1e6,
        "p50_ms": value["P50_US"] / 1000,
        "p99_ms": value["P99_US"] / 1000,
        "client_cpu_s": usage.ru_utime + usage.ru_stime,
    }


def run_python(url: str, headers: dict, bodies: list[str], connections: int, seconds: float, tmp: Path) -> dict:
    """Post the bodies from `connections` threads with requests for `seconds` (cycling if they run out)."""
    lock = threading.Lock()
    sent = [0]
    latencies_ms: list[float] = []
    statuses: dict[int, int] = {}
    stop_at = time.monotonic() + seconds

    def client() -> None:
        with requests.Session() as session:
            while time.monotonic() < stop_at:
                with lock:
                    body = bodies[sent[0] % len(bodies)]
                    sent[0] += 1
                started = time.perf_counter()
                status = session.post(url, data=body.encode(), headers=headers, timeout=60).status_code
                elapsed_ms = (time.perf_counter() - started) * 1000
                with lock:
                    latencies_ms.append(elapsed_ms)
                    statuses[status] = statuses.get(status, 0) + 1

    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    began = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall_s = time.monotonic() - began
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    latencies_ms.sort()
    return {
        "statuses": statuses,
        "requests": len(latencies_ms),
        "errors": 0,
        "wall_s": wall_s,
        "p50_ms": statistics.median(latencies_ms),
        "p99_ms": latencies_ms[int(0.99 * (len(latencies_ms) - 1))],
        "client_cpu_s": (cpu_after.ru_utime + cpu_after.ru_stime) - (cpu_before.ru_utime + cpu_before.ru_stime),
    }


def cpu_s_by_pid(pids: list[int]) -> dict[int, float]:
    """CPU seconds (user + system) each process has used so far (processes gone are left out)."""
    by_pid = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        by_pid[pid] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS_PER_S  # utime, stime
    return by_pid


def machine_busy_s() -> float:
    """CPU seconds all processes of the machine have used so far, on every core (from /proc/stat)."""
    user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, Path("/proc/stat").read_text().split()[1:9])
    return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS_PER_S


def cpu_start(server_pid: int) -> dict:
    """CPU seconds used so far by gunicorn (master and workers), by the database's backends and by the machine."""
    server_pids = gunicorn_pids(server_pid)
    return {
        "server_pids": server_pids,
        "server": cpu_s_by_pid(server_pids),
        "db": cpu_s_by_pid(postgres_pids()),
        "busy": machine_busy_s(),
    }


def add_cpu(result: dict, start: dict, busy_s: float) -> dict:
    """Add to a client's result (client_cpu_s, wall_s) the CPU seconds gunicorn and PostgreSQL used since `start`,
    and how many cores everything else used, given the machine's busy seconds (machine_busy_s) over the run."""
    result["server_cpu_s"] = sum(cpu_s_by_pid(start["server_pids"]).values()) - sum(start["server"].values())
    # Backends opened during the run count from zero.
    result["db_cpu_s"] = sum(now - start["db"].get(pid, 0.0) for pid, now in cpu_s_by_pid(postgres_pids()).items())
    # What everything else on the machine (other engineers' work, the bench script's own polling) took meanwhile.
    ours = result["server_cpu_s"] + result["db_cpu_s"] + result["client_cpu_s"]
    result["others_cores"] = max(busy_s - ours, 0.0) / result["wall_s"]
    return result


def gunicorn_pids(master_pid: int) -> list[int]:
    """The gunicorn master and its workers."""
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    return [master_pid, *map(int, children)]


def postgres_pids() -> list[int]:
    """The server processes of every session on the benchmark's database."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
        return [pid for (pid,) in cursor.fetchall()]
