"""A record and its related lists in one statement: each list is a subquery whose rows come back
as one JSON array column (``JSONRows``), read back as unsaved model instances (``instance``).

A page showing one record with several short lists (a recommendation with its owners, timeline
and links) then costs one round trip to the database instead of one per list.
"""

import datetime
import json

from django.db.models import F, JSONField, Subquery
from django.db.models.functions import JSONObject
from django.utils import timezone


def columns(model, prefix=""):
    """{attname: expression} of every concrete column of ``model``, for ``JSONObject``; with
    ``prefix`` (``"target__"``), those of a related row."""
    return {field.attname: F(prefix + field.attname) for field in model._meta.concrete_fields}


class JSONRows(Subquery):
    """The rows of ``queryset``, each a JSON object of ``columns`` ({key: expression}), as one
    JSON array (``[]`` for none). The array's order is not guaranteed: sort what it gives."""

    template = "(SELECT COALESCE(JSONB_AGG(listed.row), '[]'::jsonb) FROM (%(subquery)s) listed)"

    def __init__(self, queryset, columns):
        rows = queryset.order_by().values(row=JSONObject(**columns))
        super().__init__(rows, output_field=JSONField())

    def as_sqlite(self, compiler, connection, **extra_context):
        # JSON() keeps each row an object, not a string, inside the array.
        template = "(SELECT JSON_GROUP_ARRAY(JSON(listed.row)) FROM (%(subquery)s) listed)"
        return self.as_sql(compiler, connection, template=template, **extra_context)


def _python_value(field, value):
    value = field.to_python(value)
    # SQLite keeps date-times as naive UTC text.
    if isinstance(value, datetime.datetime) and timezone.is_naive(value):
        value = timezone.make_aware(value, datetime.UTC)
    return value


def instance(model, row):
    """An unsaved ``model`` instance from a ``JSONRows`` row, each column converted as its field
    reads it from the database; other keys of the row are left to the caller."""
    values = {
        field.attname: _python_value(field, row[field.attname])
        for field in model._meta.concrete_fields
    }
    return model(**values)


def json_list(value):
    """The rows a ``JSONRows`` column holds, whether the query decoded it or (a raw query) not."""
    return json.loads(value) if isinstance(value, str) else value
