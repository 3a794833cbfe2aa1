"""Querysets compiled to SQL once per process, then run with each call's values.

For a hot read whose SQL never changes shape but whose ORM compilation costs more than running
it: a record with several ``JSONRows`` lists is a few dozen expressions, which Django resolves
and compiles afresh on every call (several milliseconds) for a statement the database answers
in one.
"""

import secrets

from django.db import DEFAULT_DB_ALIAS, connections


class PreparedQuery:
    """``build(**parameters)`` returns a queryset; ``raw(**values)`` runs the SQL it compiles
    to with ``values`` in place of the parameters, as a ``RawQuerySet`` (model instances, with
    each annotation as an attribute).

    ``parameters`` are {name: type} (``int`` or ``str``). The queryset is built once with an
    unguessable placeholder for each, and the compiled parameters holding a placeholder are the
    ones each call fills in; each must occur exactly once.
    """

    def __init__(self, build, **parameters):
        self.build = build
        self.parameters = parameters
        self._compiled = {}  # {database vendor: (model, sql, {name: position}, params)}

    def _placeholder(self, kind):
        if kind is int:
            return -secrets.randbits(62)
        if kind is str:
            return f"placeholder-{secrets.token_hex(16)}"
        raise TypeError(f"a prepared query parameter is an int or a str, not {kind!r}")

    def _compile(self, vendor):
        placeholders = {name: self._placeholder(kind) for name, kind in self.parameters.items()}
        queryset = self.build(**placeholders)
        sql, params = queryset.query.sql_with_params()
        positions = {}
        for name, placeholder in placeholders.items():
            found = [index for index, param in enumerate(params) if param == placeholder]
            if len(found) != 1:
                raise ValueError(f"the parameter {name!r} occurs {len(found)} times, not once")
            positions[name] = found[0]
        # Two threads may both compile it at first: the same SQL, so either may stay.
        self._compiled[vendor] = (queryset.model, sql, positions, list(params))
        return self._compiled[vendor]

    def raw(self, **values):
        """The queryset's rows for these values of its parameters."""
        vendor = connections[DEFAULT_DB_ALIAS].vendor
        compiled = self._compiled.get(vendor) or self._compile(vendor)
        model, sql, positions, params = compiled
        params = list(params)
        for name, position in positions.items():
            params[position] = values[name]
        return model.objects.raw(sql, params)
