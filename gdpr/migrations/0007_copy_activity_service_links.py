"""One service table: copy activity links to systems and learning resources into one link table.

In a migration of its own: PostgreSQL refuses to alter or index a table (the schema step's
deferred statements) that has pending trigger events from rows written in the same transaction.
"""

from django.db import migrations
from django.db.models import F

from portfolio.migrations._service_table import copy_history, copy_rows, id_offset, reset_sequences


def copy_into_service_table(apps, schema_editor):
    """Activity links to systems and learning resources, with their history, into one table.

    Learning resource ids move by the same offset as in portfolio 0006; so do the finding
    acknowledgements that name a learning resource by id.
    """
    def get(name):
        return apps.get_model("gdpr", name)

    offset = id_offset(
        apps.get_model("portfolio", "Application"), apps.get_model("portfolio", "HistoricalApplication")
    )
    old_app, old_lr = get("ProcessingActivityApplication"), get("ProcessingActivityLearningResource")
    link_offset = id_offset(old_app, get("HistoricalProcessingActivityApplication"))
    new = get("ProcessingActivityService")
    copy_rows(old_app, new, rename={"application_id": "service_id"})
    copy_rows(
        old_lr, new, offset=link_offset, rename={"learning_resource_id": "service_id"},
        shift={"service_id": offset},
    )
    copy_history(
        [
            (get("HistoricalProcessingActivityApplication"), 0, {"application_id": "service_id"}, None, None),
            (get("HistoricalProcessingActivityLearningResource"), link_offset,
             {"learning_resource_id": "service_id"}, {"service_id": offset}, None),
        ],
        get("HistoricalProcessingActivityService"),
    )
    for model in (get("GapAcknowledgement"), get("HistoricalGapAcknowledgement")):
        model.objects.filter(target_type="learning_resource").update(target_id=F("target_id") + offset)
    reset_sequences(schema_editor, [new])


class Migration(migrations.Migration):
    dependencies = [
        ('gdpr', '0006_processing_activity_service'),
        ('portfolio', '0007_copy_into_service_table'),
    ]

    operations = [
        migrations.RunPython(copy_into_service_table, migrations.RunPython.noop, elidable=False),
    ]
