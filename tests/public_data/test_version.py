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


# ---- values held per version (outside a transaction, as a served request is) ----


class Writer:
    """A ``write`` for ``HeldPerVersion.get`` that counts the keys it is asked for."""

    def __init__(self, leave_out=()):
        self.asked = []
        self.leave_out = set(leave_out)

    def __call__(self, keys):
        self.asked.append(list(keys))
        return {key: f"value of {key}" for key in keys if key not in self.leave_out}


@pytest.fixture
def at_version(monkeypatch):
    """Sets this process's public data version, as the memo would hold it."""

    def set_version(number):
        monkeypatch.setattr(version, "current_version", lambda: number)

    set_version(7)
    return set_version


def test_held_values_are_written_once_per_version_and_given_in_the_order_asked(at_version):
    held, write = version.HeldPerVersion(limit=100), Writer()
    assert held.get(["b", "a"], write) == ["value of b", "value of a"]
    assert held.get(["a", "c", "b"], write) == ["value of a", "value of c", "value of b"]
    assert write.asked == [["b", "a"], ["c"]]
    at_version(8)
    assert held.get(["a"], write) == ["value of a"]
    assert write.asked[-1] == ["a"]


def test_a_key_with_no_value_is_left_out_and_asked_for_again(at_version):
    held, write = version.HeldPerVersion(limit=100), Writer(leave_out={"gone"})
    assert held.get(["a", "gone", "b"], write) == ["value of a", "value of b"]
    assert held.get(["gone"], write) == []
    assert write.asked == [["a", "gone", "b"], ["gone"]]


@pytest.mark.django_db(transaction=True)
def test_inside_a_transaction_nothing_is_held(at_version):
    held, write = version.HeldPerVersion(limit=100), Writer()
    with transaction.atomic():
        assert held.get(["a"], write) == ["value of a"]
        assert held.get(["a"], write) == ["value of a"]
    assert write.asked == [["a"], ["a"]]


def test_past_the_limit_it_starts_again_and_still_gives_every_value_asked_for(at_version):
    held, write = version.HeldPerVersion(limit=2), Writer()
    held.get(["a", "b"], write)
    assert held.get(["a", "b", "c"], write) == ["value of a", "value of b", "value of c"]
    assert write.asked == [["a", "b"], ["c"]]
    assert held.get(["c"], write) == ["value of c"]
    assert len(write.asked) == 2  # "c" is held: the first two were dropped to make room
    assert held.get(["a"], write) == ["value of a"]
    assert write.asked[-1] == ["a"]
