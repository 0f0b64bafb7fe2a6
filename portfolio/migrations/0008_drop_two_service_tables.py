"""One service table: drop the old system and learning resource tables (their rows were copied in 0006)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('gdpr', '0008_drop_activity_links_per_kind'),
        ('portfolio', '0007_copy_into_service_table'),
        ('stewardship', '0004_drop_review_item_keys_per_kind'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='historicaldataflow',
            name='target_application',
        ),
        migrations.RemoveField(
            model_name='historicaldataflow',
            name='source_application',
        ),
        migrations.RemoveField(
            model_name='roleassignment',
            name='application',
        ),
        migrations.RemoveField(
            model_name='contract',
            name='applications',
        ),
        migrations.RemoveField(
            model_name='historicalroleassignment',
            name='application',
        ),
        migrations.RemoveField(
            model_name='dataflow',
            name='target_application',
        ),
        migrations.RemoveField(
            model_name='dataflow',
            name='source_application',
        ),
        migrations.RemoveField(
            model_name='cost',
            name='application',
        ),
        migrations.RemoveField(
            model_name='historicalcost',
            name='application',
        ),
        migrations.RemoveField(
            model_name='contract',
            name='learning_resources',
        ),
        migrations.RemoveField(
            model_name='historicalcost',
            name='learning_resource',
        ),
        migrations.RemoveField(
            model_name='roleassignment',
            name='learning_resource',
        ),
        migrations.RemoveField(
            model_name='dataflow',
            name='target_learning_resource',
        ),
        migrations.RemoveField(
            model_name='dataflow',
            name='source_learning_resource',
        ),
        migrations.RemoveField(
            model_name='historicalroleassignment',
            name='learning_resource',
        ),
        migrations.RemoveField(
            model_name='cost',
            name='learning_resource',
        ),
        migrations.RemoveField(
            model_name='historicaldataflow',
            name='target_learning_resource',
        ),
        migrations.RemoveField(
            model_name='historicaldataflow',
            name='source_learning_resource',
        ),
        migrations.AddConstraint(
            model_name='cost',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('management_object__isnull', False), ('service__isnull', True)), models.Q(('management_object__isnull', True), ('service__isnull', False)), _connector='OR'), name='portfolio_cost_exactly_one_target', violation_error_message='En kostnad hör till exakt ett förvaltningsobjekt, system eller en lärresurs.'),
        ),
        migrations.AddConstraint(
            model_name='dataflow',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('source_external', ''), ('source_service__isnull', False)), models.Q(('source_service__isnull', True), models.Q(('source_external', ''), _negated=True)), _connector='OR'), name='portfolio_dataflow_exactly_one_source', violation_error_message='Ett flöde har exakt en avsändare: ett system, en lärresurs eller en extern part.'),
        ),
        migrations.AddConstraint(
            model_name='dataflow',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('target_external', ''), ('target_service__isnull', False)), models.Q(('target_service__isnull', True), models.Q(('target_external', ''), _negated=True)), _connector='OR'), name='portfolio_dataflow_exactly_one_target', violation_error_message='Ett flöde har exakt en mottagare: ett system, en lärresurs eller en extern mottagare.'),
        ),
        migrations.AddConstraint(
            model_name='roleassignment',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('management_object__isnull', False), ('organisation__isnull', True), ('service__isnull', True)), models.Q(('management_object__isnull', True), ('organisation__isnull', True), ('service__isnull', False)), models.Q(('management_object__isnull', True), ('organisation__isnull', False), ('service__isnull', True)), _connector='OR'), name='portfolio_roleassignment_exactly_one_target', violation_error_message='En roll gäller exakt ett förvaltningsobjekt, system, en lärresurs eller en organisation.'),
        ),
        migrations.RemoveField(
            model_name='application',
            name='capabilities',
        ),
        migrations.RemoveField(
            model_name='application',
            name='organisations',
        ),
        migrations.RemoveField(
            model_name='learningresource',
            name='capabilities',
        ),
        migrations.RemoveField(
            model_name='learningresource',
            name='organisations',
        ),
        migrations.DeleteModel(
            name='ApplicationCapability',
        ),
        migrations.DeleteModel(
            name='ApplicationUsage',
        ),
        migrations.DeleteModel(
            name='ContractApplication',
        ),
        migrations.DeleteModel(
            name='ContractLearningResource',
        ),
        migrations.DeleteModel(
            name='HistoricalApplication',
        ),
        migrations.DeleteModel(
            name='HistoricalApplicationCapability',
        ),
        migrations.DeleteModel(
            name='HistoricalApplicationUsage',
        ),
        migrations.DeleteModel(
            name='HistoricalContractApplication',
        ),
        migrations.DeleteModel(
            name='HistoricalContractLearningResource',
        ),
        migrations.DeleteModel(
            name='HistoricalLearningResource',
        ),
        migrations.DeleteModel(
            name='HistoricalLearningResourceCapability',
        ),
        migrations.DeleteModel(
            name='HistoricalLearningResourceUsage',
        ),
        migrations.DeleteModel(
            name='LearningResourceCapability',
        ),
        migrations.DeleteModel(
            name='LearningResourceUsage',
        ),
        migrations.AddConstraint(
            model_name='contractservice',
            constraint=models.UniqueConstraint(fields=('contract', 'service'), name='portfolio_contractservice_unique_pair'),
        ),
        migrations.AddConstraint(
            model_name='servicecapability',
            constraint=models.UniqueConstraint(fields=('service', 'capability'), name='portfolio_servicecapability_unique_pair'),
        ),
        migrations.AddConstraint(
            model_name='serviceusage',
            constraint=models.UniqueConstraint(fields=('service', 'organisation'), name='portfolio_serviceusage_unique_pair', violation_error_message='Organisationen är redan registrerad som användare av tjänsten.'),
        ),
        migrations.AddIndex(
            model_name='service',
            index=models.Index(fields=['vendor', 'lifecycle_status'], name='portfolio_svc_vendor_status'),
        ),
        migrations.AddIndex(
            model_name='service',
            index=models.Index(fields=['kind', 'name', 'id'], name='portfolio_svc_kind_name_id'),
        ),
        migrations.AddIndex(
            model_name='service',
            index=models.Index(fields=['name', 'id'], name='portfolio_svc_name_id'),
        ),
        migrations.AddConstraint(
            model_name='service',
            constraint=models.UniqueConstraint(condition=models.Q(('external_id', ''), _negated=True), fields=('external_id',), name='portfolio_service_unique_external_id', violation_error_message='Det externa id:t används redan.'),
        ),
        migrations.AddConstraint(
            model_name='service',
            constraint=models.CheckConstraint(condition=models.Q(('planned_end__isnull', True), ('in_use_from__isnull', True), ('planned_end__gte', models.F('in_use_from')), _connector='OR'), name='portfolio_service_end_after_start', violation_error_message='Planerat slut kan inte ligga före driftstart.'),
        ),
        migrations.AddConstraint(
            model_name='service',
            constraint=models.CheckConstraint(condition=models.Q(('retired_on__isnull', True), ('lifecycle_status', 'avvecklad'), _connector='OR'), name='portfolio_service_retired_date_means_retired', violation_error_message='En tjänst med avvecklingsdatum ska ha status Avvecklad.'),
        ),
        migrations.AddConstraint(
            model_name='service',
            constraint=models.CheckConstraint(condition=models.Q(('kind__in', ['application', 'learning_resource'])), name='portfolio_service_known_kind', violation_error_message='Okänd tjänstetyp.'),
        ),
        migrations.AddConstraint(
            model_name='service',
            constraint=models.CheckConstraint(condition=models.Q(('kind', 'learning_resource'), models.Q(('approval_status', ''), ('licence_model', ''), ('resource_type', ''), ('school_year_from__isnull', True), ('school_year_to__isnull', True), ('subjects', '')), _connector='OR'), name='portfolio_service_application_has_no_learning_resource_columns', violation_error_message='Ett system har inga lärresursuppgifter.'),
        ),
        migrations.AddConstraint(
            model_name='service',
            constraint=models.CheckConstraint(condition=models.Q(('kind', 'application'), models.Q(('management_object__isnull', True), ('time_classification', '')), _connector='OR'), name='portfolio_service_learning_resource_has_no_system_columns', violation_error_message='En lärresurs har inget förvaltningsobjekt eller TIME-klassning.'),
        ),
        migrations.AddConstraint(
            model_name='service',
            constraint=models.CheckConstraint(condition=models.Q(('school_year_from__isnull', True), ('school_year_to__isnull', True), ('school_year_to__gte', models.F('school_year_from')), _connector='OR'), name='portfolio_service_school_years_in_order', violation_error_message='Till årskurs kan inte vara lägre än från årskurs.'),
        ),
        migrations.AddConstraint(
            model_name='service',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('school_year_from__isnull', True), models.Q(('school_year_from__gte', -1), ('school_year_from__lte', 13)), _connector='OR'), models.Q(('school_year_to__isnull', True), models.Q(('school_year_to__gte', -1), ('school_year_to__lte', 13)), _connector='OR')), name='portfolio_service_school_years_in_range', violation_error_message='Årskurs anges från −1 (förskola) till 13.'),
        ),
        migrations.DeleteModel(
            name='Application',
        ),
        migrations.DeleteModel(
            name='LearningResource',
        ),
        migrations.CreateModel(
            name='Application',
            fields=[
            ],
            options={
                'verbose_name': 'system',
                'verbose_name_plural': 'system',
                'ordering': ['name', 'pk'],
                'proxy': True,
                'indexes': [],
                'constraints': [],
            },
            bases=('portfolio.service',),
        ),
        migrations.CreateModel(
            name='LearningResource',
            fields=[
            ],
            options={
                'verbose_name': 'lärresurs',
                'verbose_name_plural': 'lärresurser',
                'ordering': ['name', 'pk'],
                'proxy': True,
                'indexes': [],
                'constraints': [],
            },
            bases=('portfolio.service',),
        ),
    ]
