"""One service table: a review item's system or learning resource becomes its service.

In a migration of its own: PostgreSQL refuses to alter or index a table (the schema step's
deferred statements) that has pending trigger events from rows written in the same transaction.
"""

from django.db import migrations

from portfolio.migrations._service_table import id_offset, remap_foreign_key


def copy_into_service_table(apps, schema_editor):
    """A review item's system or learning resource becomes its service (history included)."""
    offset = id_offset(
        apps.get_model("portfolio", "Application"), apps.get_model("portfolio", "HistoricalApplication")
    )
    for name in ("ReviewItem", "HistoricalReviewItem"):
        remap_foreign_key(
            apps.get_model("stewardship", name), application="application_id",
            learning_resource="learning_resource_id", service="service_id", offset=offset,
        )


class Migration(migrations.Migration):
    dependencies = [
        ('stewardship', '0002_review_item_service'),
        ('portfolio', '0007_copy_into_service_table'),
    ]

    operations = [
        migrations.RunPython(copy_into_service_table, migrations.RunPython.noop, elidable=False),
    ]
