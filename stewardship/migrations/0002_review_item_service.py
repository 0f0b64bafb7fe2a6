"""One service table: a review item points at a service instead of a system or a learning resource."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('portfolio', '0006_service_table'),
        ('stewardship', '0001_initial'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='reviewitem',
            name='stewardship_reviewitem_exactly_one_target',
        ),
        migrations.RemoveConstraint(
            model_name='reviewitem',
            name='stewardship_reviewitem_unique_application',
        ),
        migrations.RemoveConstraint(
            model_name='reviewitem',
            name='stewardship_reviewitem_unique_learning_resource',
        ),
        migrations.AddField(
            model_name='historicalreviewitem',
            name='service',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='portfolio.service', verbose_name='tjänst'),
        ),
        migrations.AddField(
            model_name='reviewitem',
            name='service',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='review_items', to='portfolio.service', verbose_name='tjänst'),
        ),
    ]
