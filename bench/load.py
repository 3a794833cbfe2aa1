"""Load benchmark: the production server (gunicorn) on 127.0.0.1 driven by wrk over loopback.

    python bench/load.py                # full run against DATABASE_URL (expects synthetic data)
    python bench/load.py --quick        # seconds-long smoke run, as CI does

It measures a bare Django view (the framework's ceiling, in the same run), a static file and the
public pages and API, with the public response cache warm and then off, and prints each
target's requests/s, p50/p95/p99 latency and errors, and its throughput as a share of the bare
view's. With ``--scale-out`` it starts two servers over the same database and a Redis of their
own (a throwaway redis-server on a free port), checks that throttling and freshness after a
publish are shared, then runs the fault phase: that Redis is killed under wrk and restarted,
with an update published during the outage. Results go to bench/results/ with a description of
the machine.
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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.redis_server import RedisServer, free_port  # noqa: E402

RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable
SCALE_OUT_LIMIT = 100  # anonymous API requests a minute in the scale-out check


def server_environment(cache_seconds, extra=None):
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
    """A gunicorn server on a free loopback port with a fixed number of workers; used as a
    context manager, it is stopped on leaving, whatever happened, and it stops itself if it
    never becomes healthy."""

    def __init__(self, workers, environment):
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        self.process = subprocess.Popen(
            [
                PYTHON, "-m", "gunicorn", "harris.wsgi", "--bind", f"127.0.0.1:{port}",
                "--workers", str(workers), "--log-level", "warning",
            ],
            cwd=ROOT,
            env=environment,
        )  # fmt: skip
        try:
            self.wait_until_healthy()
        except BaseException:
            self.stop()  # whatever went wrong, no server is left running
            raise

    def wait_until_healthy(self):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/healthz/", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:  # refused, reset, or timed out (a busy machine): try again
                time.sleep(0.3)
        raise SystemExit(f"the server at {self.url} did not become healthy")

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.stop()


def start_wrk(url, seconds, connections):
    """Start wrk against one URL in the background; ``wrk_report`` waits for its report."""
    return subprocess.Popen(
        [
            "wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s",
            "-s", str(ROOT / "bench" / "report.lua"), url,
        ],
        stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip


def wrk_report(process):
    """Wait for a wrk started by ``start_wrk``; return its JSON report (see report.lua)."""
    output, _ = process.communicate()
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, process.args, output)
    return json.loads(output.strip().splitlines()[-1])


def wrk(url, seconds, connections):
    """Run wrk against one URL; return its JSON report."""
    return wrk_report(start_wrk(url, seconds, connections))


def sample_paths(environment):
    """Real paths to request: an agency with many recommendations, a recommendation, a word."""
    code = (
        "import django, json; django.setup();"
        "from public_data.models import PublishedCount, PublishedRecommendation;"
        "agency = PublishedCount.objects.filter(review='', status='').exclude(agency='')"
        ".order_by('-count').first();"
        "rec = PublishedRecommendation.objects.select_related('review').first();"
        "last = -(-PublishedCount.objects.get(review='', agency='', status='').count // 50);"
        "print(json.dumps({'agency': agency.agency, 'url': rec.get_absolute_url(),"
        " 'last': last}))"
    )
    output = subprocess.run(
        [PYTHON, "-c", code], env=environment, capture_output=True, text=True, check=True
    )
    found = json.loads(output.stdout.strip().splitlines()[-1])
    agency, url, last = found["agency"], found["url"], found["last"]
    return {
        "bare view": "/bench/bare/",
        "static file": "/static/css/site.css",
        "dashboard": "/",
        "list": "/recommendations/",
        "list by agency": f"/recommendations/?agency={agency}",
        "list, last page": f"/recommendations/?page={last}",
        "list by status, sorted": "/recommendations/?status=in_progress&ordering=-updated",
        "text search": "/recommendations/?q=bridge",
        "recommendation": url,
        "API list": "/api/recommendations/",
        "API list, last page": f"/api/recommendations/?page={last}",
        "API detail": f"/api{url}",
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


def publish(environment, narrative):
    """Publish a status update through the service, in a process of its own (as staff would,
    from another server); return the address of the recommendation's public page. Fails unless
    the publish reports success."""
    code = (
        "import django, datetime, sys; django.setup();"
        "from public_data.models import PublishedRecommendation;"
        "from recommendations import services;"
        "from recommendations.models import Recommendation, StatusUpdate;"
        "page = PublishedRecommendation.objects.select_related('review').first();"
        "rec = Recommendation.objects.get(pk=page.source_id);"
        "services.record_status_update(recommendation=rec, status='resolved',"
        " status_date=datetime.date.today(), narrative=sys.argv[1],"
        " publication=StatusUpdate.Publication.PUBLISHED); print(page.get_absolute_url())"
    )
    return subprocess.run(
        [PYTHON, "-c", code, narrative], env=environment, capture_output=True, text=True, check=True
    ).stdout.split()[-1]


def shows_everywhere(servers, path, text):
    """Whether every server's page at ``path`` shows ``text`` (after the public data version
    memo, so every process has seen the publish)."""
    time.sleep(float(os.environ.get("PUBLIC_VERSION_MEMO_SECONDS", "1")) + 0.2)
    return all(text in urllib.request.urlopen(s.url + path, timeout=30).read() for s in servers)


def under_load(servers, path, seconds, connections, action):
    """wrk on every server at once for ``seconds`` while ``action()`` runs; the combined
    report: requests, errors (non-2xx/3xx answers and socket errors: an upper bound on 5xx),
    and the worst server's p95 and max."""
    processes = [start_wrk(server.url + path, seconds, connections) for server in servers]
    time.sleep(0.5)  # the fault strikes under load
    action()
    reports = [wrk_report(process) for process in processes]
    return {
        "requests": sum(r["requests"] for r in reports),
        "rps": round(sum(r["rps"] for r in reports), 1),
        "errors": sum(r["errors"] + r["non_2xx_3xx"] for r in reports),
        "p95_ms": max(r["p95_ms"] for r in reports),
        "max_ms": max(r["max_ms"] for r in reports),
    }


def fault_phase(servers, redis_server, environment, seconds, connections, path):
    """Redis killed under wrk on the page at ``path`` for ``seconds``, an update published to it
    meanwhile, then restarted under wrk: no 5xx, and the update shows on every server after."""
    print(f"Fault phase: Redis killed for {seconds}s under wrk, then restarted", flush=True)
    narrative = f"SYNTHETIC publish during a Redis outage {time.time_ns()}."
    published = {}

    def outage():
        redis_server.kill()
        published["url"] = publish(environment, narrative)

    down = under_load(servers, path, seconds, connections, outage)
    back = under_load(servers, path, seconds, connections, redis_server.start)
    result = {
        "outage_seconds": seconds,
        "during_outage": down,
        "after_restart": back,
        "server_errors": down["errors"] + back["errors"],
        "no_5xx": down["errors"] + back["errors"] == 0,
        "publish_during_outage_succeeded": bool(published.get("url")),
        "publish_during_outage_visible_on_both": shows_everywhere(
            servers, path, narrative.encode()
        ),
        "cache_used_again_after_restart": all(
            urllib.request.urlopen(s.url + path, timeout=30).headers["X-Public-Cache"] == "hit"
            for s in servers
        ),
    }
    print(
        f"  outage: {down['requests']} requests, p95 {down['p95_ms']:.2f} ms, max "
        f"{down['max_ms']:.1f} ms; after restart: p95 {back['p95_ms']:.2f} ms; "
        f"5xx {result['server_errors']}",
        flush=True,
    )
    return result


def scale_out_check(environment, workers, fault_seconds, connections):
    """Two servers over one database and one Redis of their own: shared throttling, fresh after
    a publish, and the fault phase."""
    print("Scale-out: two servers sharing the database and Redis", flush=True)
    with RedisServer() as redis_server:
        environment = {**environment, "REDIS_URL": redis_server.url}
        # Leaving the block stops both servers; if the second never starts, the first too.
        with Server(workers, environment) as first, Server(workers, environment) as second:
            # The throttle counts per clock minute: start early enough in one that these
            # requests do not straddle its turn (which would allow the rate once more).
            into_minute = time.time() % 60
            if into_minute > 45:
                time.sleep(60.1 - into_minute)
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
            before = urllib.request.urlopen(second.url + "/changes/?since=2000-01-01").read()
            url = publish(environment, "SYNTHETIC benchmark publish.")
            fresh = shows_everywhere((first, second), url, b"SYNTHETIC benchmark publish.")
            after = urllib.request.urlopen(second.url + "/changes/?since=2000-01-01").read()
            results = {
                "requests_until_429_across_both": throttled_after,
                "throttled": statuses[-1] == 429,
                # Per-process counting would allow the limit per worker before the first 429.
                "limit_shared_by_both": throttled_after <= SCALE_OUT_LIMIT + 1,
                "publish_visible_on_both": fresh,
                "changes_page_refreshed": before != after,
            }
            results["fault phase"] = fault_phase(
                (first, second),
                redis_server,
                environment,
                fault_seconds,
                connections,
                url,
            )
            return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a seconds-long smoke run")
    parser.add_argument("--seconds", type=int, default=10, help="per target and mode")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument(
        "--scale-out", action="store_true", help="two servers, then the Redis fault phase"
    )
    parser.add_argument("--label", default="")
    options = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    seconds = 1 if options.quick else options.seconds

    base = server_environment(3600)
    manage("collectstatic", "--no-input", "-v0", environment=base)
    manage("createcachetable", environment=base)
    paths = sample_paths(base)
    results = {"machine": machine(), "connections": options.connections}
    results["workers"] = options.workers
    for mode, cache_seconds in (("cache warm", 3600), ("cache off", 0)):
        print(f"{mode}: {options.connections} connections, {seconds}s per target", flush=True)
        with Server(options.workers, server_environment(cache_seconds)) as server:
            results[mode] = measure(server, paths, seconds, options.connections)
    if options.scale_out:
        results["scale out"] = scale_out_check(
            server_environment(3600, {"API_THROTTLE_RATE": f"{SCALE_OUT_LIMIT}/minute"}),
            options.workers,
            fault_seconds=3 if options.quick else 8,
            connections=options.connections,
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
    scale_out = results.get("scale out", {})
    checks = {**scale_out, **scale_out.get("fault phase", {})}
    problems += [
        f"scale out: {check} failed" for check, passed in checks.items() if passed is False
    ]
    if problems:
        raise SystemExit("\n".join(problems))


if __name__ == "__main__":
    main()
