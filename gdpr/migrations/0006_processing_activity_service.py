"""One service table: links from activities to systems and learning resources become links to services."""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ('gdpr', '0005_breach_register'),
        ('portfolio', '0006_service_table'),
    ]

    operations = [
        migrations.CreateModel(
            name='ProcessingActivityService',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
            ],
            options={
                'verbose_name': 'tjänst i behandling',
                'verbose_name_plural': 'tjänster i behandlingar',
                'ordering': ['processing_activity', 'service'],
            },
        ),
        migrations.CreateModel(
            name='HistoricalProcessingActivityService',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('processing_activity', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='gdpr.processingactivity')),
            ],
            options={
                'verbose_name': 'historical tjänst i behandling',
                'verbose_name_plural': 'historical tjänster i behandlingar',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.AddField(
            model_name='historicalprocessingactivityservice',
            name='service',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='portfolio.service'),
        ),
        migrations.AddField(
            model_name='processingactivityservice',
            name='processing_activity',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='service_links', to='gdpr.processingactivity'),
        ),
        migrations.AddField(
            model_name='processingactivityservice',
            name='service',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='processing_activity_links', to='portfolio.service'),
        ),
        migrations.AddField(
            model_name='processingactivity',
            name='services',
            field=models.ManyToManyField(blank=True, related_name='processing_activities', through='gdpr.ProcessingActivityService', to='portfolio.service', verbose_name='tjänster'),
        ),
    ]
