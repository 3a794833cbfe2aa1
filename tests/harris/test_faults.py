"""Fault injection on the real services: the site keeps serving, with zero 5xx, and never serves
a stale page or misreports a write, while Redis or PostgreSQL fail under it.

A real server (Django's threaded live server) is driven by client threads throughout; the
faults are a private redis-server killed, hung and restarted with its old entries, and
PostgreSQL backends terminated mid-request.
"""

import datetime
import threading
import time
import urllib.error
import urllib.request

import psycopg2
import pytest
from django.db import OperationalError, close_old_connections, connection

from recommendations import services
from recommendations.models import Recommendation, Status, StatusUpdate
from tests.factories import RecommendationFactory, public_url

pytestmark = pytest.mark.django_db(transaction=True)


class Traffic:
    """Client threads requesting ``paths`` from ``base`` until stopped; every answer recorded
    as (started, finished, path, status, headers, body)."""

    def __init__(self, base, paths, threads=4):
        self.base, self.paths, self.answers = base, paths, []
        self.running = True
        self.threads = [threading.Thread(target=self.run, args=(i,)) for i in range(threads)]

    def run(self, offset):
        index = offset
        while self.running:
            path = self.paths[index % len(self.paths)]
            index += 1
            self.answers.append(fetch(self.base + path))

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc_info):
        self.running = False
        for thread in self.threads:
            thread.join()

    def server_errors(self):
        return [answer for answer in self.answers if answer[3] >= 500]


def fetch(url):
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            status, headers, body = response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        status, headers, body = error.code, dict(error.headers), error.read()
    return started, time.monotonic(), url, status, headers, body


def publish(recommendation, narrative):
    return services.record_status_update(
        recommendation=recommendation,
        status=Status.RESOLVED,
        status_date=datetime.date(2024, 5, 1),
        narrative=narrative,
        publication=StatusUpdate.Publication.PUBLISHED,
    )


def test_redis_killed_hung_and_restarted_under_traffic(live_server, site_on_redis, settings):
    recommendation = RecommendationFactory()
    page = public_url(recommendation)
    api = f"/api{page}"
    paths = ["/", "/recommendations/", page, "/api/recommendations/", api, "/about/"]
    assert fetch(live_server.url + page)[3] == 200
    assert fetch(live_server.url + page)[4]["X-Public-Cache"] == "hit"
    published = []
    with Traffic(live_server.url, paths) as traffic:
        time.sleep(0.5)
        # Down, keeping its entries on disk: when it is back it holds the pre-outage pages.
        site_on_redis.shutdown_saving()
        time.sleep(0.5)
        publish(recommendation, "Published during the outage.")  # returns: no error
        published.append(time.monotonic())
        during = fetch(live_server.url + page)
        time.sleep(0.5)
        site_on_redis.start()
        time.sleep(settings.CACHE_RETRY_SECONDS + 0.2)
        after = [fetch(live_server.url + page), fetch(live_server.url + page)]
        # Hung: accepts connections, never answers.
        site_on_redis.pause()
        time.sleep(1)
        publish(recommendation, "Published while Redis hung.")
        published.append(time.monotonic())
        site_on_redis.resume()
        # Killed outright, then started afresh.
        site_on_redis.kill()
        time.sleep(0.5)
        site_on_redis.start()
        time.sleep(settings.CACHE_RETRY_SECONDS + 0.5)
    slowest = max(finished - started for started, finished, *_ in traffic.answers)
    print(
        f"redis faults: {len(traffic.answers)} answers, 5xx {len(traffic.server_errors())}, "
        f"slowest {slowest:.3f} s"
    )
    assert traffic.server_errors() == []
    assert len(traffic.answers) > 100
    assert b"Published during the outage." in during[5]
    assert b"Published during the outage." in after[0][5]  # the next request once Redis is back
    assert after[1][4]["X-Public-Cache"] == "hit"  # and the cache works again
    # No page is stale: every answer requested after a publish returned shows it.
    for narrative, moment in zip(
        (b"during the outage", b"while Redis hung"), published, strict=True
    ):
        for started, _, url, _, _, body in traffic.answers:
            if started > moment and url.endswith((page, api)):
                assert narrative in body, (url, started - moment)
    # A hung Redis costs a request at most its socket timeout, once per retry.
    assert slowest < 2


@pytest.mark.postgres_only
def test_postgres_connections_terminated_under_load(live_server, settings):
    recommendations = [RecommendationFactory() for _ in range(4)]
    paths = ["/", "/recommendations/", public_url(recommendations[0]), "/api/reviews/"]
    attempts, done = [], []

    def write():
        index = 0
        while traffic.running:
            recommendation = recommendations[index % len(recommendations)]
            narrative = f"Write {index}."
            attempts.append(narrative)
            try:
                publish(recommendation, narrative)
                done.append(narrative)
            except OperationalError:
                close_old_connections()  # as the end of a request does
                connection.close()
            index += 1
        connection.close()

    database = connection.settings_dict
    killer = psycopg2.connect(
        dbname=database["NAME"],
        user=database["USER"],
        host=database["HOST"] or "127.0.0.1",
        port=database["PORT"] or 5432,
    )
    killer.autocommit = True
    terminated = 0
    with Traffic(live_server.url, paths) as traffic:
        writer = threading.Thread(target=write)
        writer.start()
        for _ in range(8):
            time.sleep(0.3)
            with killer.cursor() as cursor:
                cursor.execute(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
                terminated += cursor.fetchone()[0]
        time.sleep(1)
        calm = len(traffic.answers)
        time.sleep(1)
    writer.join()
    killer.close()
    connection.close()
    statuses = {answer[3] for answer in traffic.answers}
    unavailable = sum(answer[3] == 503 for answer in traffic.answers)
    print(
        f"postgres faults: {terminated} backends terminated, {len(traffic.answers)} answers "
        f"({unavailable} 503), {len(done)} of {len(attempts)} writes reported done"
    )
    assert terminated > 8
    assert statuses <= {200, 503}, statuses
    for answer in traffic.answers:
        if answer[3] == 503:
            assert answer[4]["Retry-After"] == "5"
    assert {answer[3] for answer in traffic.answers[calm:]} == {200}  # reconnected by itself
    # Nothing half-written: every write is whole or absent, and each reported success is there.
    stored = dict(StatusUpdate.objects.values_list("narrative", "recommendation_id"))
    assert set(done) <= set(stored)
    assert set(stored) <= set(attempts) | {""}
    for recommendation in Recommendation.objects.filter(pk__in=[r.pk for r in recommendations]):
        latest = services.current_status_of(recommendation)
        expected = latest.status if latest else Status.NOT_ASSESSED
        assert recommendation.current_status == expected
        history = StatusUpdate.history.filter(recommendation_id=recommendation.pk).count()
        assert history == recommendation.updates.count()


def test_before_createcachetable_the_data_loads_and_the_site_serves(client, settings):
    from recommendations.loader import load_harris
    from tests.conftest import REAL_FIXTURES

    settings.CACHES = {
        "default": {"BACKEND": "harris.cache.ResilientDatabaseCache", "LOCATION": "not_created"}
    }
    settings.PUBLIC_CACHE_SECONDS = settings.PUBLIC_AGGREGATE_CACHE_SECONDS = 600
    load_harris(REAL_FIXTURES)  # no on-commit hook to fail after the data is saved
    assert Recommendation.objects.count() > 100
    for path in ("/", "/recommendations/", "/api/recommendations/"):
        assert client.get(path).status_code == 200
