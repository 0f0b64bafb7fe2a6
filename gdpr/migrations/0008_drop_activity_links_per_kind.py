"""One service table: drop the activity links per kind (copied in 0006)."""

import django.db.models.deletion  # noqa: F401
from django.db import migrations, models


class Migration(migrations.Migration):
    """Schema changes after the copy, in their own transaction: PostgreSQL refuses to alter a
    table that has pending trigger events from rows written earlier in the same transaction."""

    dependencies = [
        ('gdpr', '0007_copy_activity_service_links'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='processingactivity',
            name='applications',
        ),
        migrations.RemoveField(
            model_name='processingactivity',
            name='learning_resources',
        ),
        migrations.DeleteModel(
            name='HistoricalProcessingActivityApplication',
        ),
        migrations.DeleteModel(
            name='HistoricalProcessingActivityLearningResource',
        ),
        migrations.DeleteModel(
            name='ProcessingActivityApplication',
        ),
        migrations.DeleteModel(
            name='ProcessingActivityLearningResource',
        ),
        migrations.AddConstraint(
            model_name='processingactivityservice',
            constraint=models.UniqueConstraint(fields=('processing_activity', 'service'), name='gdpr_processingactivityservice_unique_pair'),
        ),
    ]
