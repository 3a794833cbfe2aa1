"""Staff-side benchmark: every admin page type at scale, as an editor and as a contributor.

    DATABASE_URL=postgres://.../harris_bench python bench/staff.py --label full-10k

Runs in-process through Django's test client against the database you point it at (filled by
``bench/generate.py``), nothing cached. For each page it reports p50/p95 time, the size of the
HTML and the number of SQL queries; then times a 1,000-row import (dry run, then confirm, rolled
back) and the export of every recommendation. Results go to ``bench/results/``.

It adds two SYNTHETIC users and, if there is none, one open SYNTHETIC round; it refuses a
database without synthetic data.
"""

import argparse
import csv
import datetime
import io
import json
import os
import platform
import statistics
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "harris.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

# The test client's host name, and its record of each response's context (the import's
# confirm form), without the cost of logging every query.
setup_test_environment(debug=False)
# Static files by their plain names: a benchmark needs no collectstatic (nor WhiteNoise's
# warning that it has none).
warnings.filterwarnings("ignore", message="No directory at")
settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from recommendations.models import (  # noqa: E402
    Agency,
    Recommendation,
    RecommendationOwner,
    Role,
    StatusUpdate,
)
from recommendations.resources import COLUMNS, RecommendationResource  # noqa: E402
from reviews.models import Review  # noqa: E402
from rounds import services as round_services  # noqa: E402
from rounds.models import Round  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
TARGET_MS, TARGET_BYTES = 300, 300_000


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=15, help="timed requests per page")
    parser.add_argument("--import-rows", type=int, default=1000)
    parser.add_argument("--label", default="staff")
    return parser.parse_args()


def synthetic_user(username, role, agencies=()):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user, _ = get_user_model().objects.get_or_create(
        username=username, defaults={"is_staff": True, "email": f"{username}@example.org"}
    )
    user.groups.set([Group.objects.get(name=role)])
    for agency in agencies:
        user.agency_memberships.get_or_create(agency=agency)
    return user


def setting_up():
    """The users, the busiest agency, a recommendation with the longest history, a draft and
    an open round."""
    if not Review.objects.filter(slug__startswith="synthetic-").exists():
        sys.exit("No synthetic data here: run bench/generate.py first.")
    busiest = Agency.objects.annotate(owned=Count("ownerships")).order_by("-owned", "pk").first()
    editor = synthetic_user("synthetic-bench-editor", Role.EDITOR)
    contributor = synthetic_user("synthetic-bench-contributor", Role.CONTRIBUTOR, [busiest])
    longest = (
        Recommendation.objects.filter(ownerships__agency=busiest)
        .annotate(updates_count=Count("updates"))
        .order_by("-updates_count", "pk")
        .first()
    )
    draft = StatusUpdate.objects.drafts().filter(recommendation=longest).first() or (
        StatusUpdate.objects.drafts().filter(recommendation__ownerships__agency=busiest).first()
    )
    round = Round.objects.filter(state=Round.State.OPEN).first()
    if round is None:
        round = round_services.open_round(
            title="SYNTHETIC benchmark round",
            reviews=[longest.review],
            deadline=timezone.localdate() + datetime.timedelta(days=30),
            opened_by=editor,
        )
    return editor, contributor, busiest, longest, draft, round


def import_file(rows, user=None):
    """A CSV of ``rows`` recommendations (of those ``user`` sees), each with a new draft."""
    resource = RecommendationResource()
    queryset = resource.get_queryset()
    if user is not None:
        queryset = queryset.visible_to(user)
    dataset = resource.export(queryset=queryset.order_by("pk")[:rows])
    reader = csv.DictReader(io.StringIO(dataset.csv))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    for row in reader:
        row.update(update_status="in_progress", update_date="2026-11-01")
        row["update_narrative"] = "SYNTHETIC benchmark update."
        writer.writerow(row)
    return out.getvalue().encode()


# Pages only MOPAC (editors and reviewers) have: a contributor is refused them.
MOPAC_ONLY = {
    "recommendation history",
    "round scope",
    "round progress",
    "round assessments",
    "round publish",
}


def pages(role, user, busiest, longest, draft, round):
    """(label, url) for every staff page type the role has."""
    recs = reverse("admin:recommendations_recommendation_changelist")
    updates = reverse("admin:recommendations_statusupdate_changelist")
    add_update = reverse("admin:recommendations_statusupdate_add")
    change = "admin:recommendations_recommendation_{}".format
    round_page = "admin:rounds_round_{}".format
    autocomplete = (
        reverse("admin:autocomplete")
        + "?app_label=recommendations&model_name=statusupdate&field_name=recommendation&term=1"
    )
    last_page = max(1, -(-Recommendation.objects.visible_to(user).count() // 50))
    listed = [
        ("home", reverse("admin:index")),
        ("recommendations", recs),
        ("recommendations by agency", f"{recs}?owners__id__exact={busiest.pk}"),
        ("recommendations stale", f"{recs}?stale=yes"),
        ("recommendations overdue", f"{recs}?overdue=yes"),
        ("recommendations search", f"{recs}?q=airport"),
        ("recommendations last page", f"{recs}?p={last_page}"),
        ("recommendation", reverse(change("change"), args=[longest.pk])),
        ("recommendation history", reverse(change("history"), args=[longest.pk])),
        ("updates", updates),
        ("updates drafts", f"{updates}?publication__exact=draft"),
        ("update add", f"{add_update}?recommendation={longest.pk}"),
        ("draft", reverse("admin:recommendations_statusupdate_change", args=[draft.pk])),
        ("autocomplete", autocomplete),
        ("rounds", reverse("admin:rounds_round_changelist")),
        ("round", reverse(round_page("change"), args=[round.pk])),
        ("round scope", reverse(round_page("scope"), args=[round.pk])),
        ("round progress", reverse(round_page("progress"), args=[round.pk])),
        ("round assessments", reverse(round_page("assessments"), args=[round.pk])),
        ("round publish", reverse(round_page("publish"), args=[round.pk])),
        ("round report", reverse(round_page("report"), args=[round.pk, longest.pk])),
    ]
    if role == "contributor":
        return [(label, url) for label, url in listed if label not in MOPAC_ONLY]
    return listed


def measure(client, url, requests):
    """Time ``requests`` GETs of ``url`` (after one to warm up); size and queries of one."""
    timings = []
    for _ in range(requests + 1):
        start = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return summary(timings[1:], response, queries)


def summary(timings, response, queries):
    """p50/p95 of the timings, and the response's status, size and query count."""
    timings = sorted(timings)
    return {
        "status": response.status_code,
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(timings[max(0, int(len(timings) * 0.95) - 1)], 1),
        "bytes": len(response.content),
        "queries": len(queries),
    }


def import_preview(client, content):
    """POST the file to the import page: its dry-run preview."""
    return client.post(
        reverse("admin:recommendations_recommendation_import"),
        {"resource": "0", "format": "0", "import_file": SimpleUploadedFile("b.csv", content)},
    )


def measure_import_preview(client, user, requests):
    """The import preview page for a 50-row file of the user's recommendations."""
    content = import_file(50, user)
    timings = []
    for _ in range(requests + 1):
        start = time.perf_counter()
        response = import_preview(client, content)
        timings.append((time.perf_counter() - start) * 1000)
    with CaptureQueriesContext(connection) as queries:
        response = import_preview(client, content)
    return summary(timings[1:], response, queries)


def import_at_scale(client, rows):
    """Seconds for the dry run and for the confirm of a ``rows``-row import (rolled back)."""
    content = import_file(rows)
    start = time.perf_counter()
    preview = import_preview(client, content)
    dry_run = time.perf_counter() - start
    form = preview.context["confirm_form"]
    with transaction.atomic():
        start = time.perf_counter()
        confirmed = client.post(
            reverse("admin:recommendations_recommendation_process_import"),
            {name: form.initial[name] for name in form.fields},
        )
        confirm = time.perf_counter() - start
        written = StatusUpdate.objects.filter(narrative="SYNTHETIC benchmark update.").count()
        transaction.set_rollback(True)
    return {
        "rows": rows,
        "dry_run_s": round(dry_run, 2),
        "preview_bytes": len(preview.content),
        "confirm_s": round(confirm, 2),
        "confirm_status": confirmed.status_code,
        "written": written,
    }


def export_all(client):
    start = time.perf_counter()
    response = client.post(
        reverse("admin:recommendations_recommendation_export"),
        {"format": "0", "resource": "0", **{f"recommendationresource_{c}": "on" for c in COLUMNS}},
    )
    body = b"".join(response) if response.streaming else response.content
    return {
        "rows": body.count(b"\n") - 1,
        "seconds": round(time.perf_counter() - start, 2),
        "status": response.status_code,
    }


def report(results):
    print(f"{'page':34} {'role':12} {'p50':>7} {'p95':>7} {'KB':>6} {'queries':>7}")
    for row in results["pages"]:
        flag = "" if row["p95_ms"] < TARGET_MS and row["bytes"] < TARGET_BYTES else "  <- over"
        print(
            f"{row['page']:34} {row['role']:12} {row['p50_ms']:7.1f} {row['p95_ms']:7.1f} "
            f"{row['bytes'] / 1000:6.0f} {row['queries']:7}{flag}"
        )
    print("import:", results["import"])
    print("export:", results["export"])


def main():
    options = parse_arguments()
    editor, contributor, busiest, longest, draft, round = setting_up()
    results = {
        "label": options.label,
        "when": timezone.now().isoformat(),
        "database": connection.vendor,
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, {platform.python_version()}",
        "recommendations": Recommendation.objects.count(),
        "updates": StatusUpdate.objects.count(),
        "ownerships": RecommendationOwner.objects.count(),
        "pages": [],
    }
    for role, user in (("editor", editor), ("contributor", contributor)):
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        for label, url in pages(role, user, busiest, longest, draft, round):
            row = measure(client, url, options.requests)
            if row["status"] != 200:
                sys.exit(f"{label} as {role} answered {row['status']}: {url}")
            results["pages"].append({"page": label, "role": role, "url": url, **row})
        row = measure_import_preview(client, user, options.requests)
        results["pages"].append({"page": "import preview (50 rows)", "role": role, **row})
    editor_client = Client()
    editor_client.force_login(editor, backend="django.contrib.auth.backends.ModelBackend")
    results["import"] = import_at_scale(editor_client, options.import_rows)
    results["export"] = export_all(editor_client)
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{timezone.now():%Y%m%d-%H%M%S}-{options.label}.json"
    path.write_text(json.dumps(results, indent=2))
    report(results)
    print(f"written to {path}")


if __name__ == "__main__":
    main()
