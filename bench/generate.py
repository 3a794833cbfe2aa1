"""Generate SYNTHETIC data at scale for benchmarks: never real, never mixed with the fixtures.

    python bench/generate.py --recommendations 10000 --updates 100000 --agencies 200

Every synthetic review, agency and recommendation says SYNTHETIC in its name or text and uses a
``synthetic-`` slug. The generator refuses a database that holds the real data (any review not
``synthetic-``) unless given ``--allow-real-data``, and refuses one that already holds synthetic
data. It writes in bulk for speed, so it computes each recommendation's current status itself,
by the same rule as ``services.refresh_current_status``: the latest published update.
"""

import argparse
import datetime
import os
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "harris.settings")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from tqdm import tqdm  # noqa: E402

from public_data import projector  # noqa: E402
from recommendations.models import (  # noqa: E402
    Agency,
    Recommendation,
    RecommendationOwner,
    Status,
    StatusUpdate,
)
from reviews.models import Review  # noqa: E402

BATCH = 2000
WORDS = [
    "river",
    "bridge",
    "airport",
    "security",
    "resilience",
    "training",
    "firearms",
    "ambulance",
    "fire",
    "police",
    "borough",
    "mayor",
    "radicalisation",
    "prevent",
    "casualty",
    "command",
    "communications",
    "exercise",
    "funding",
    "review",
    "report",
    "guidance",
    "volunteers",
    "schools",
    "transport",
    "underground",
    "crowded",
    "places",
    "barriers",
    "drones",
]
START = datetime.date(2016, 10, 1)
DAYS = (datetime.date(2026, 10, 1) - START).days


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recommendations", type=int, default=10_000)
    parser.add_argument("--updates", type=int, default=100_000)
    parser.add_argument("--agencies", type=int, default=200)
    parser.add_argument("--reviews", type=int, default=40)
    parser.add_argument("--seed", type=int, default=2016)
    parser.add_argument(
        "--allow-real-data",
        action="store_true",
        help="Add synthetic data beside the real data (never do this on a live tracker).",
    )
    return parser.parse_args()


def refuse_unsafe_database(allow_real_data):
    """Exit with a message unless the database is safe to fill with synthetic data."""
    if Review.objects.filter(slug__startswith="synthetic-").exists():
        sys.exit("This database already holds synthetic data: use a fresh database.")
    if Review.objects.exists() and not allow_real_data:
        sys.exit(
            "This database holds real reviews. Synthetic data must not be mixed with them: use "
            "an empty database, or pass --allow-real-data for a throwaway copy."
        )


def batches(items, size=BATCH):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def bulk_create(model, objects, label):
    with tqdm(total=len(objects), desc=label, unit=" rows") as progress:
        for batch in batches(objects):
            model.objects.bulk_create(batch)
            progress.update(len(batch))


def generate(options):
    rng = random.Random(options.seed)
    reviews = [
        Review(
            slug=f"synthetic-review-{n}",
            title=f"SYNTHETIC review {n} (benchmark data, not real)",
            short_name=f"Synthetic {n}",
            kind=Review.Kind.INDEPENDENT_REVIEW,
            author_body="Synthetic benchmark data",
            published_on=START + datetime.timedelta(days=rng.randrange(DAYS)),
            stated_recommendation_count=options.recommendations // options.reviews,
            summary="SYNTHETIC data generated for benchmarks. Not a real document.",
        )
        for n in range(1, options.reviews + 1)
    ]
    bulk_create(Review, reviews, "reviews")
    reviews = list(Review.objects.filter(slug__startswith="synthetic-"))
    agencies = [
        Agency(
            slug=f"synthetic-agency-{n}",
            name=f"SYNTHETIC agency {n}",
            abbreviation=f"SA{n}",
            sector=rng.choice(Agency.Sector.values),
        )
        for n in range(1, options.agencies + 1)
    ]
    bulk_create(Agency, agencies, "agencies")
    agencies = list(Agency.objects.filter(slug__startswith="synthetic-"))

    recommendations = []
    for n in range(options.recommendations):
        review = reviews[n % len(reviews)]
        position = n // len(reviews) + 1
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randrange(12, 40)))
        recommendations.append(
            Recommendation(
                review=review,
                number=str(position),
                position=position,
                text=f"SYNTHETIC recommendation {n + 1}: {words}.",
                section=f"Synthetic section {rng.randrange(1, 6)}",
            )
        )
    bulk_create(Recommendation, recommendations, "recommendations")
    recommendations = list(
        Recommendation.objects.filter(review__slug__startswith="synthetic-").only("pk")
    )

    ownerships = []
    for recommendation in recommendations:
        for index, agency in enumerate(rng.sample(agencies, rng.randint(1, 3))):
            ownerships.append(
                RecommendationOwner(
                    recommendation=recommendation, agency=agency, is_lead=index == 0
                )
            )
    bulk_create(RecommendationOwner, ownerships, "ownerships")

    now = timezone.now()
    updates = []
    latest = {}
    for _ in range(options.updates):
        recommendation = rng.choice(recommendations)
        status_date = START + datetime.timedelta(days=rng.randrange(DAYS))
        roll = rng.random()
        publication = (
            StatusUpdate.Publication.DRAFT
            if roll < 0.1
            else StatusUpdate.Publication.WITHHELD
            if roll < 0.15
            else StatusUpdate.Publication.PUBLISHED
        )
        published = publication == StatusUpdate.Publication.PUBLISHED
        status = rng.choice(Status.values)
        updates.append(
            StatusUpdate(
                recommendation=recommendation,
                status=status,
                status_date=status_date,
                narrative=f"SYNTHETIC update: {' '.join(rng.choices(WORDS, k=30))}.",
                publication=publication,
                withheld_reason="" if publication != "withheld" else "SYNTHETIC reason.",
                assessment=rng.choice(StatusUpdate.Assessment.values),
                recorded_at=now,
                published_at=(
                    datetime.datetime.combine(status_date, datetime.time(), tzinfo=datetime.UTC)
                    if published
                    else None
                ),
            )
        )
        if published and status_date >= latest.get(recommendation.pk, (START, None))[0]:
            latest[recommendation.pk] = (status_date, status)
    bulk_create(StatusUpdate, updates, "status updates")

    for recommendation in recommendations:
        date, status = latest.get(recommendation.pk, (None, Status.NOT_ASSESSED))
        recommendation.current_status, recommendation.current_status_date = status, date
    with tqdm(total=len(recommendations), desc="current status", unit=" rows") as progress:
        for batch in batches(recommendations):
            Recommendation.objects.bulk_update(batch, ["current_status", "current_status_date"])
            progress.update(len(batch))


def main():
    options = parse_arguments()
    refuse_unsafe_database(options.allow_real_data)
    with transaction.atomic():
        generate(options)
        # Bulk writes send no signals: project the published store once, from the whole data.
        print("Projecting the published store...", flush=True)
        projector.rebuild()
    if connection.vendor == "postgresql":
        # Fresh planner statistics, or PostgreSQL plans for the empty tables it last saw; and
        # the visibility map, so index-only scans need not visit the table (autovacuum does
        # both in time on a live database).
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    print(
        f"SYNTHETIC data: {options.reviews} reviews, {options.agencies} agencies, "
        f"{options.recommendations} recommendations, {options.updates} status updates."
    )


if __name__ == "__main__":
    main()
