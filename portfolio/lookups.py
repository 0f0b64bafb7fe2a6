"""Integer lookups that treat an id no column can hold as matching nothing, on every database.

Django already does this for ``exact``, ``gt``, ``lt`` … (``IntegerFieldOverflow``), but not for
``in``: ``Vendor.objects.filter(pk__in=[99999999999999999999])`` raises ``OverflowError`` on
SQLite ("Python int too large to convert to SQLite INTEGER") and a data error on PostgreSQL.
Every ``ModelMultipleChoiceField`` checks its choices with ``pk__in``, so one such id in a list
filter (``/system/?vendor=…``), a GraphQL filter or a form gave a server error. With this lookup
the id is simply not found, and the field reports it as an invalid choice like any other.
"""

from django.db.models import IntegerField
from django.db.models.lookups import In

__all__ = ["IntegerFieldIn"]


@IntegerField.register_lookup
class IntegerFieldIn(In):
    """``in`` on an integer column, leaving out values outside the column's range."""

    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(self.lhs.output_field.get_internal_type())
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int)
                or ((low is None or value >= low) and (high is None or value <= high))
            ]
        return super().process_rhs(compiler, connection)
