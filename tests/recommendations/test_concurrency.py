"""Concurrent status updates on PostgreSQL leave a consistent history and current status."""

import datetime
import threading

import pytest
from django.db import connection

from recommendations import services
from recommendations.models import Recommendation, Status, StatusUpdate
from tests.factories import RecommendationFactory

WRITERS = 8


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_updates_all_land_and_the_latest_dated_one_is_current():
    recommendation = RecommendationFactory()
    barrier = threading.Barrier(WRITERS)
    errors = []

    def write(day):
        try:
            barrier.wait(timeout=10)
            services.record_status_update(
                recommendation=recommendation,
                status=Status.RESOLVED if day == WRITERS else Status.IN_PROGRESS,
                status_date=datetime.date(2024, 1, day),
                narrative=f"Update of day {day}.",
                publication=StatusUpdate.Publication.PUBLISHED,
            )
        except Exception as error:  # reported below, so a failure names its cause
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(day,)) for day in range(1, WRITERS + 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert recommendation.updates.count() == WRITERS
    stored = Recommendation.objects.get(pk=recommendation.pk)
    assert (stored.current_status, stored.current_status_date) == (
        Status.RESOLVED,
        datetime.date(2024, 1, WRITERS),
    )
