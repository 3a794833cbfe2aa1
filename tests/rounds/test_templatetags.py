"""The open round on the admin home: a contributor's queue, MOPAC's totals, nothing without one."""

import pytest

from .conftest import assess, report

pytestmark = pytest.mark.django_db


def home(client):
    return client.get("/admin/").content.decode()


def test_a_contributor_sees_how_many_of_their_agencies_recommendations_to_report(
    round, recs, police_contributor, login
):
    client = login(police_contributor)
    page = home(client)
    assert "Progress report 2030: deadline 30 June 2030" in page
    assert "3 of your agencies' recommendations to report" in page
    assert 'href="/admin/rounds/round/queue/"' in page
    report(round, recs["police"], police_contributor)
    assert "2 of your agencies' recommendations to report" in home(client)


def test_mopac_sees_the_round_s_totals_and_what_awaits_assessment(
    round, recs, editor, police_contributor, login
):
    client = login(editor)
    assert "0 of 5 recommendations reported by their owners,\n    0 assessed" in home(client)
    report(round, recs["police"], police_contributor)
    report(round, recs["shared"], police_contributor)
    assess(round, recs["police"], editor)
    page = home(client)
    assert "2 of 5 recommendations reported by their owners,\n    1 assessed" in page
    assert f'href="/admin/rounds/round/{round.pk}/assessments/">1 awaiting assessment' in page


def test_without_an_open_round_the_home_says_nothing_of_rounds(recs, editor, login):
    assert 'id="open-round"' not in home(login(editor))
