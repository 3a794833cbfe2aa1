"""The public data version: moved inside the writer's transaction, read with a short memo."""

import pytest
from django.db import transaction

from public_data import version
from public_data.models import PublicDataVersion
from tests.factories import AgencyFactory


def stored():
    return PublicDataVersion.objects.get(pk=version.ROW).version


@pytest.mark.django_db
def test_every_bump_moves_it_by_one():
    before = version.current_version()
    version.bump()
    assert version.current_version() == stored() == before + 1


@pytest.mark.django_db
def test_a_public_write_moves_it_in_its_own_transaction():
    before = stored()
    with transaction.atomic():
        AgencyFactory()
        assert stored() > before  # already, before the commit
    assert stored() > before


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_write_leaves_it_where_it_was():
    version.bump()  # the row exists (a transactional test starts with flushed tables)
    before = stored()
    with pytest.raises(RuntimeError), transaction.atomic():
        AgencyFactory()
        raise RuntimeError("the write fails")
    assert stored() == before


@pytest.mark.django_db(transaction=True)
def test_without_its_row_it_starts_afresh_from_the_clock():
    PublicDataVersion.objects.all().delete()
    version.forget()
    first = version.current_version()
    assert first > 1_700_000_000_000_000  # microseconds since 1970: after 2023
    version.bump()
    assert stored() == first + 1


@pytest.mark.django_db(transaction=True)
def test_a_process_holds_it_for_at_most_the_memo_time(settings):
    settings.PUBLIC_VERSION_MEMO_SECONDS = 60
    version.forget()
    held = version.current_version()
    # Another process's write: straight to the database, so this process is not told.
    PublicDataVersion.objects.filter(pk=version.ROW).update(version=held + 5)
    assert version.current_version() == held
    settings.PUBLIC_VERSION_MEMO_SECONDS = 0
    assert version.current_version() == held + 5


@pytest.mark.django_db(transaction=True)
def test_the_writing_process_sees_its_write_once_committed(settings):
    settings.PUBLIC_VERSION_MEMO_SECONDS = 60
    version.forget()
    held = version.current_version()
    with transaction.atomic():
        version.bump()
    assert version.current_version() == held + 1
