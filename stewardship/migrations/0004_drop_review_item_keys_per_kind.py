"""One service table: drop a review item's keys per kind (copied in 0003)."""

import django.db.models.deletion  # noqa: F401
from django.db import migrations, models


class Migration(migrations.Migration):
    """Schema changes after the copy, in their own transaction: PostgreSQL refuses to alter a
    table that has pending trigger events from rows written earlier in the same transaction."""

    dependencies = [
        ('stewardship', '0003_copy_review_item_service'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='historicalreviewitem',
            name='application',
        ),
        migrations.RemoveField(
            model_name='historicalreviewitem',
            name='learning_resource',
        ),
        migrations.RemoveField(
            model_name='reviewitem',
            name='application',
        ),
        migrations.RemoveField(
            model_name='reviewitem',
            name='learning_resource',
        ),
        migrations.AddConstraint(
            model_name='reviewitem',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('management_object__isnull', True), ('processing_activity__isnull', True), ('service__isnull', False)), models.Q(('management_object__isnull', False), ('processing_activity__isnull', True), ('service__isnull', True)), models.Q(('management_object__isnull', True), ('processing_activity__isnull', False), ('service__isnull', True)), _connector='OR'), name='stewardship_reviewitem_exactly_one_target', violation_error_message='En granskningspost gäller exakt ett system, en lärresurs, ett förvaltningsobjekt eller en behandling.'),
        ),
        migrations.AddConstraint(
            model_name='reviewitem',
            constraint=models.UniqueConstraint(condition=models.Q(('service__isnull', False)), fields=('round', 'person', 'service'), name='stewardship_reviewitem_unique_service', violation_error_message='Personen har redan posten i omgången.'),
        ),
    ]
