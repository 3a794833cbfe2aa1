"""The public data version: every public write moves it, and public cache keys include it.

The version lives beside the data, in the database. ``bump()`` is an atomic
``UPDATE ... SET version = version + 1`` run inside the writer's own transaction, so the new
version becomes visible exactly when the new data does, and a write never succeeds or fails
because of the cache. ``current_version()`` is read by every cached public request; each process
holds it for at most ``PUBLIC_VERSION_MEMO_SECONDS`` (default 1 s) so a cache hit costs no query,
and the process that made a write forgets it the moment the write commits.

A cache entry is stored under the version it was rendered at, so once the version moves no old
entry can be served, even from a cache that kept its entries through an outage.
"""

import threading
import time

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F

from .models import PublicDataVersion

ROW = 1

_lock = threading.Lock()
# (version, monotonic time it was read, generation); forget() moves the generation so a read
# that started before a commit can never store its outdated answer after it.
_memo = (None, 0.0, 0)


def _initial():
    # A new database starts from the clock (microseconds): entries a long-lived Redis kept from
    # an earlier database are never taken for this one's.
    return time.time_ns() // 1000


def _read():
    version = PublicDataVersion.objects.filter(pk=ROW).values_list("version", flat=True).first()
    if version is None:
        # Tables flushed (tests) or restored without the row: start it afresh.
        row, _ = PublicDataVersion.objects.get_or_create(pk=ROW, defaults={"version": _initial()})
        version = row.version
    return version


def current_version():
    """The current public data version, as committed; at most ``PUBLIC_VERSION_MEMO_SECONDS``
    old in this process, and never memoised from inside a transaction (which may hold an
    uncommitted bump)."""
    global _memo
    version, read_at, generation = _memo
    now = time.monotonic()
    in_transaction = connection.in_atomic_block
    if (
        not in_transaction
        and version is not None
        and now - read_at < settings.PUBLIC_VERSION_MEMO_SECONDS
    ):
        return version
    version = _read()
    if not in_transaction:
        with _lock:
            if _memo[2] == generation:
                _memo = (version, now, generation)
    return version


def forget():
    """Drop this process's memo, so its next request reads the version afresh."""
    global _memo
    with _lock:
        _memo = (None, 0.0, _memo[2] + 1)


def lock():
    """Take the version row's lock for the rest of the caller's transaction (``bump`` would take
    it at the end). Writes to the published store then follow one another: each reads the
    aggregates as the one before it committed them before adding its own changes to them."""
    locked = PublicDataVersion.objects.select_for_update().filter(pk=ROW)
    if locked.first() is None:
        _read()  # creates the row
        locked.first()


def bump():
    """Move the public data version on, inside the caller's transaction (it commits or rolls
    back with the write). Holds the version row's lock until then, so versions follow commit
    order; this process forgets its memo once the write commits."""
    updated = PublicDataVersion.objects.filter(pk=ROW).update(version=F("version") + 1)
    if not updated:
        _read()  # creates the row
        PublicDataVersion.objects.filter(pk=ROW).update(version=F("version") + 1)
    transaction.on_commit(forget)


class HeldPerVersion:
    """Values this process holds for the current public data version, by key, up to ``limit``
    of them: each is written once per version rather than on every request.

    Held only outside a transaction (as the version memo is), so a write or a preview that is
    rolled back never leaves its state here; what is held is at most as old as the version
    memo allows, and all of it is dropped once the version moves."""

    def __init__(self, limit):
        self.limit = limit
        self._memo = (None, {})

    def get(self, keys, write):
        """The values of ``keys``, in their order: those held, and the rest from
        ``write(missing keys)``, a dict that leaves out any key with no value now."""
        keys = list(keys)
        if connection.in_atomic_block:
            found = write(keys)
        else:
            version = current_version()
            held_version, held = self._memo
            if held_version != version:
                held = {}
                self._memo = (version, held)
            found = {key: held[key] for key in keys if key in held}
            missing = [key for key in keys if key not in found]
            if missing:
                fresh = write(missing)
                if len(held) + len(fresh) > self.limit:
                    held.clear()
                held.update(fresh)
                found.update(fresh)
        return [found[key] for key in keys if key in found]
