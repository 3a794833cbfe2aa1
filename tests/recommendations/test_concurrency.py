"""Concurrent writers on PostgreSQL: status updates all land in a consistent history, and of
two concurrent edits from the same version the second is refused."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test import Client

from recommendations import services
from recommendations.models import Recommendation, Role, Status, StatusUpdate
from tests.factories import RecommendationFactory, ReviewFactory, staff_user
from tests.recommendations.change_forms import form_data

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


def run_together(*jobs):
    """Run the jobs in threads released at the same moment; return their results or errors."""
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def run(index, job):
        try:
            barrier.wait(timeout=10)
            results[index] = job()
        except Exception as error:  # returned, so the test names what each thread met
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_of_two_concurrent_edits_from_the_same_version_one_is_refused():
    recommendation = RecommendationFactory(text="Original.")
    editor = staff_user(Role.EDITOR)

    def edit(text):
        def job():
            copy = Recommendation.objects.get(pk=recommendation.pk)
            copy.text = text
            return services.save_recommendation(copy, changed_by=editor, expected_version=1)

        return job

    results = run_together(edit("First."), edit("Second."))
    refused = [r for r in results if isinstance(r, services.StaleEdit)]
    saved = [r for r in results if isinstance(r, Recommendation)]
    assert (len(saved), len(refused)) == (1, 1), results
    stored = Recommendation.objects.get(pk=recommendation.pk)
    assert (stored.text, stored.version) == (saved[0].text, 2)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_of_two_concurrent_admin_saves_of_one_page_the_second_is_refused():
    recommendation = RecommendationFactory(text="Original.")
    editor = staff_user(Role.EDITOR)
    url = f"/admin/recommendations/recommendation/{recommendation.pk}/change/"
    clients = [Client(), Client()]
    for client in clients:
        client.force_login(editor, backend="django.contrib.auth.backends.ModelBackend")
    pages = [form_data(client.get(url)) for client in clients]

    def save(client, data, text):
        return lambda: client.post(url, {**data, "text": text})

    responses = run_together(
        save(clients[0], pages[0], "First officer."), save(clients[1], pages[1], "Second officer.")
    )
    codes = sorted(response.status_code for response in responses)
    assert codes == [200, 302], responses
    refused = next(r for r in responses if r.status_code == 200)
    assert "Someone else saved a change" in refused.content.decode()
    winner = next(r for r in responses if r.status_code == 302)
    stored = Recommendation.objects.get(pk=recommendation.pk).text
    assert stored == ("First officer." if winner is responses[0] else "Second officer.")


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_draft_published_twice_at_once_is_published_once():
    recommendation = RecommendationFactory()
    editor = staff_user(Role.EDITOR)
    draft = services.record_status_update(
        recommendation=recommendation,
        status=Status.RESOLVED,
        status_date=datetime.date(2024, 1, 1),
        narrative="Done.",
    )

    def publish():
        return services.publish_update(draft, published_by=editor)

    results = run_together(publish, publish)
    assert sum(isinstance(r, StatusUpdate) for r in results) == 1, results
    assert sum(isinstance(r, ValidationError) for r in results) == 1, results
    published_records = StatusUpdate.history.filter(id=draft.pk, publication="published")
    assert published_records.count() == 1


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_publish_waits_for_one_in_progress_to_commit_and_adds_to_its_aggregates():
    from public_data import projector, selectors

    review = ReviewFactory()
    first, second = RecommendationFactory(review=review), RecommendationFactory(review=review)
    first_written, release_first = threading.Event(), threading.Event()
    errors = []

    def publish(recommendation):
        services.record_status_update(
            recommendation=recommendation,
            status=Status.IN_PROGRESS,
            status_date=datetime.date(2024, 1, 15),
            narrative="Under way.",
            publication=StatusUpdate.Publication.PUBLISHED,
        )

    def first_writer():
        try:
            with transaction.atomic():
                publish(first)
                first_written.set()
                release_first.wait(timeout=10)  # commits only once the second has begun
        except Exception as error:  # reported below, so a failure names its cause
            errors.append(error)
        finally:
            connection.close()

    def second_writer():
        try:
            first_written.wait(timeout=10)
            threading.Timer(0.5, release_first.set).start()
            publish(second)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=first_writer), threading.Thread(target=second_writer)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    # Had the second read the counts before the first committed, it would have written 1.
    assert selectors.counts_by("status", review=review.slug) == {"in_progress": 2}
    chart = selectors.charts_as_at(datetime.date(2024, 1, 15))[review.slug]
    assert {row["status"]: row["count"] for row in chart}["in_progress"] == 2
    assert projector.differences() == {}
