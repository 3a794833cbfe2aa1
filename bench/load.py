"""Load benchmark: the production server (gunicorn) on 127.0.0.1 driven by wrk over loopback.

    python bench/load.py                # full run against DATABASE_URL (expects synthetic data)
    python bench/load.py --quick        # seconds-long smoke run, as CI does

It measures a bare Django view (the framework's ceiling, in the same run), a static file and the
public pages and API, with the public response cache warm and then off, and prints each
target's requests/s, p50/p95/p99 latency and errors, and its throughput as a share of the bare
view's. With ``--scale-out`` it also starts a second server over the same database and Redis and
checks that throttling and freshness after a publish are shared. Results go to bench/results/
with a description of the machine.
"""

import argparse
import datetime
import json
import os
import platform
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import redis

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable
SCALE_OUT_LIMIT = 100  # anonymous API requests a minute in the scale-out check


def server_environment(port, cache_seconds, extra=None):
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "PUBLIC_CACHE_SECONDS": str(cache_seconds),
        "LOG_LEVEL": "ERROR",
        # Throughput runs measure the server, not the per-address limit (checked in scale-out).
        # A one-second window keeps the throttle's per-address history as short as in real use.
        "API_THROTTLE_RATE": "1000000/second",
        "PYTHONPATH": str(ROOT),
    }
    environment.update(extra or {})
    return environment


def manage(*args, environment):
    subprocess.run([PYTHON, str(ROOT / "manage.py"), *args], env=environment, check=True)


class Server:
    """A gunicorn server with a fixed number of workers, stopped on exit."""

    def __init__(self, port, workers, environment):
        self.url = f"http://127.0.0.1:{port}"
        self.process = subprocess.Popen(
            [
                PYTHON, "-m", "gunicorn", "harris.wsgi", "--bind", f"127.0.0.1:{port}",
                "--workers", str(workers), "--log-level", "warning",
            ],
            cwd=ROOT,
            env=environment,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/healthz/", timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.3)
        self.stop()
        raise SystemExit(f"the server on port {port} did not become healthy")

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)


def wrk(url, seconds, connections):
    """Run wrk against one URL; return its JSON report (see report.lua)."""
    result = subprocess.run(
        [
            "wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s",
            "-s", str(ROOT / "bench" / "report.lua"), url,
        ],
        capture_output=True,
        text=True,
        check=True,
    )  # fmt: skip
    return json.loads(result.stdout.strip().splitlines()[-1])


def sample_paths(environment):
    """Real paths to request: an agency with many recommendations, a recommendation, a word."""
    code = (
        "import django, json; django.setup();"
        "from django.db.models import Count;"
        "from recommendations.models import Agency, Recommendation;"
        "agency = Agency.objects.annotate(n=Count('recommendations')).order_by('-n').first();"
        "rec = Recommendation.objects.public().order_by('pk').first();"
        "print(json.dumps({'agency': agency.slug, 'pk': rec.pk}))"
    )
    output = subprocess.run(
        [PYTHON, "-c", code], env=environment, capture_output=True, text=True, check=True
    )
    found = json.loads(output.stdout.strip().splitlines()[-1])
    agency, pk = found["agency"], found["pk"]
    return {
        "bare view": "/bench/bare/",
        "static file": "/static/css/site.css",
        "dashboard": "/",
        "list": "/recommendations/",
        "list by agency": f"/recommendations/?agency={agency}",
        "text search": "/recommendations/?q=bridge",
        "recommendation": f"/recommendations/{pk}/",
        "API list": "/api/recommendations/",
        "API detail": f"/api/recommendations/{pk}/",
        "CSV export": f"/recommendations/export.csv?agency={agency}",
    }


def measure(server, paths, seconds, connections):
    list_size = len(urllib.request.urlopen(server.url + paths["list"], timeout=60).read())
    # A bare response as large as the list page: separates the cost of moving the bytes (wrk
    # shares the machine's two cores) from the cost of the page.
    paths = {"bare view, list-sized": f"/bench/bare/?bytes={list_size}", **paths}
    rows = {}
    for name, path in paths.items():
        urllib.request.urlopen(server.url + path, timeout=60).read()  # warm the cache
        rows[name] = wrk(server.url + path, seconds, connections)
        report = rows[name]
        print(
            f"  {name:22} {report['rps']:9.1f} req/s  p50 {report['p50_ms']:7.2f}  "
            f"p95 {report['p95_ms']:7.2f}  p99 {report['p99_ms']:7.2f} ms  "
            f"errors {report['errors'] + report['non_2xx_3xx']}",
            flush=True,
        )
    bare = rows["bare view"]["rps"]
    for report in rows.values():
        report["ratio_to_bare"] = round(report["rps"] / bare, 3) if bare else None
    return rows


def machine():
    """What the numbers were measured on."""
    cpu = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = "unknown"
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        memory = meminfo.read_text().splitlines()[0].split(":", 1)[1].strip()
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "memory": memory,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "database": os.environ.get("DATABASE_URL", "sqlite (default)").split("@")[-1],
        "cache": "redis" if os.environ.get("REDIS_URL") else "database/local memory",
    }


def scale_out_check(environment, workers):
    """Two servers over one database and one Redis: shared throttling, fresh after a publish."""
    print("Scale-out: two servers sharing the database and Redis", flush=True)
    # Start the limit afresh: the throughput runs above counted thousands of requests.
    client = redis.Redis.from_url(environment["REDIS_URL"])
    stale = list(client.scan_iter("*throttle*"))
    if stale:
        client.delete(*stale)
    first = Server(8101, workers, environment)
    second = Server(8102, workers, environment)
    try:
        statuses = []
        for attempt in range(400):
            server = first if attempt % 2 == 0 else second
            try:
                with urllib.request.urlopen(server.url + "/api/agencies/", timeout=10) as r:
                    statuses.append(r.status)
            except urllib.error.HTTPError as error:
                statuses.append(error.code)
                if error.code == 429:
                    break
        throttled_after = len(statuses)
        code = (
            "import django, datetime; django.setup();"
            "from recommendations import services;"
            "from recommendations.models import Recommendation, StatusUpdate;"
            "rec = Recommendation.objects.public().order_by('pk').first();"
            "services.record_status_update(recommendation=rec, status='resolved',"
            " status_date=datetime.date.today(), narrative='SYNTHETIC benchmark publish.',"
            " publication=StatusUpdate.Publication.PUBLISHED); print(rec.pk)"
        )
        before = urllib.request.urlopen(second.url + "/changes/?since=2000-01-01").read()
        pk = subprocess.run(
            [PYTHON, "-c", code], env=environment, capture_output=True, text=True, check=True
        ).stdout.split()[-1]
        fresh = [
            b"SYNTHETIC benchmark publish."
            in urllib.request.urlopen(s.url + f"/recommendations/{pk}/").read()
            for s in (first, second)
        ]
        after = urllib.request.urlopen(second.url + "/changes/?since=2000-01-01").read()
        return {
            "requests_until_429_across_both": throttled_after,
            "throttled": statuses[-1] == 429,
            # Per-process counting would allow the limit per worker before the first 429.
            "limit_shared_by_both": throttled_after <= SCALE_OUT_LIMIT + 1,
            "publish_visible_on_both_at_once": all(fresh),
            "changes_page_refreshed": before != after,
        }
    finally:
        first.stop()
        second.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a seconds-long smoke run")
    parser.add_argument("--seconds", type=int, default=10, help="per target and mode")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--scale-out", action="store_true", help="needs REDIS_URL")
    parser.add_argument("--label", default="")
    options = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    seconds = 1 if options.quick else options.seconds

    base = server_environment(8100, 3600)
    manage("collectstatic", "--no-input", "-v0", environment=base)
    manage("createcachetable", environment=base)
    paths = sample_paths(base)
    results = {"machine": machine(), "connections": options.connections}
    results["workers"] = options.workers
    for mode, cache_seconds in (("cache warm", 3600), ("cache off", 0)):
        print(f"{mode}: {options.connections} connections, {seconds}s per target", flush=True)
        server = Server(8100, options.workers, server_environment(8100, cache_seconds))
        try:
            results[mode] = measure(server, paths, seconds, options.connections)
        finally:
            server.stop()
    if options.scale_out:
        if not os.environ.get("REDIS_URL"):
            raise SystemExit("--scale-out needs REDIS_URL")
        results["scale out"] = scale_out_check(
            server_environment(8101, 3600, {"API_THROTTLE_RATE": f"{SCALE_OUT_LIMIT}/minute"}),
            options.workers,
        )
        print(json.dumps(results["scale out"], indent=2))
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    label = options.label or ("quick" if options.quick else "full")
    RESULTS.mkdir(exist_ok=True)
    output = RESULTS / f"{stamp}-{label}.json"
    output.write_text(json.dumps(results, indent=2) + "\n")
    print(f"Results written to {output.relative_to(ROOT)}")
    problems = [
        f"{mode} / {name}: {report['errors'] + report['non_2xx_3xx']} errors"
        for mode in ("cache warm", "cache off")
        for name, report in results[mode].items()
        if report["errors"] + report["non_2xx_3xx"]
    ]
    problems += [
        f"scale out: {check} failed"
        for check, passed in results.get("scale out", {}).items()
        if passed is False
    ]
    if problems:
        raise SystemExit("\n".join(problems))


if __name__ == "__main__":
    main()
