"""One service table: copy systems and learning resources, their links and history, into Service."""

import django.db.models.deletion
import django_countries.fields
import portfolio.choices
import portfolio.fields
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ('portfolio', '0005_contract_dpa_reference'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='cost',
            name='portfolio_cost_exactly_one_target',
        ),
        migrations.RemoveConstraint(
            model_name='dataflow',
            name='portfolio_dataflow_exactly_one_source',
        ),
        migrations.RemoveConstraint(
            model_name='dataflow',
            name='portfolio_dataflow_exactly_one_target',
        ),
        migrations.RemoveConstraint(
            model_name='roleassignment',
            name='portfolio_roleassignment_exactly_one_target',
        ),
        migrations.CreateModel(
            name='ContractService',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
            ],
            options={
                'verbose_name': 'avtalad tjänst',
                'verbose_name_plural': 'avtalade tjänster',
                'ordering': ['contract', 'service'],
            },
        ),
        migrations.CreateModel(
            name='HistoricalContractService',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
            ],
            options={
                'verbose_name': 'historical avtalad tjänst',
                'verbose_name_plural': 'historical avtalade tjänster',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalService',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('created', models.DateTimeField(blank=True, editable=False, verbose_name='skapad')),
                ('updated', models.DateTimeField(blank=True, editable=False, verbose_name='ändrad')),
                ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='version')),
                ('search_text', models.TextField(blank=True, default='', editable=False, verbose_name='söktext')),
                ('name', models.CharField(max_length=200, verbose_name='namn')),
                ('aliases', models.TextField(blank=True, help_text='Andra namn som tjänsten går under, ett per rad.', verbose_name='alias')),
                ('product', models.CharField(blank=True, help_text='Leverantörens produktnamn.', max_length=200, verbose_name='produkt')),
                ('description', models.TextField(blank=True, verbose_name='beskrivning')),
                ('url', models.URLField(blank=True, verbose_name='webbadress')),
                ('user_groups', portfolio.fields.ChoiceSetField(blank=True, default='', item_choices=portfolio.choices.UserGroup, max_length=255, verbose_name='användargrupper')),
                ('lifecycle_status', models.CharField(choices=[('planerad', 'Planerad'), ('i_drift', 'I drift'), ('under_avveckling', 'Under avveckling'), ('avvecklad', 'Avvecklad')], db_index=True, default='i_drift', max_length=20, verbose_name='livscykelstatus')),
                ('in_use_from', models.DateField(blank=True, null=True, verbose_name='i drift från')),
                ('planned_end', models.DateField(blank=True, null=True, verbose_name='planerat slut')),
                ('retired_on', models.DateField(blank=True, null=True, verbose_name='avvecklad den')),
                ('authentication', models.CharField(blank=True, choices=[('lokala_konton', 'Lokala konton'), ('saml', 'SAML'), ('oidc', 'OpenID Connect'), ('oauth', 'OAuth (social inloggning)'), ('ldap', 'LDAP/AD'), ('ingen', 'Ingen inloggning')], db_index=True, max_length=20, verbose_name='inloggningsmetod')),
                ('identity_provider', models.CharField(blank=True, choices=[('kommunens_idp', 'Kommunens IdP'), ('skolfederation', 'Skolfederation'), ('entra_id', 'Microsoft Entra ID'), ('google', 'Google Workspace'), ('bankid', 'BankID/Freja eID'), ('leverantor', 'Leverantörens egen'), ('ingen', 'Ingen')], db_index=True, max_length=20, verbose_name='identitetsleverantör')),
                ('federation', models.CharField(blank=True, choices=[('skolfederation', 'Skolfederation'), ('swamid', 'SWAMID'), ('edugain', 'eduGAIN'), ('annan', 'Annan federation')], db_index=True, help_text='Identitetsfederation som tjänsten är ansluten till.', max_length=20, verbose_name='federation')),
                ('saml_entity_ids', models.TextField(blank=True, help_text='Ett per rad.', verbose_name='SAML entity ID')),
                ('provisioning', models.CharField(blank=True, choices=[('manuell', 'Manuell'), ('fil', 'Filöverföring'), ('ss12000', 'SS 12000'), ('scim', 'SCIM'), ('jit', 'Vid inloggning (just-in-time)'), ('ingen', 'Ingen')], max_length=20, verbose_name='provisionering')),
                ('mfa', models.CharField(choices=[('okant', 'Okänt'), ('saknas', 'Stöds inte'), ('valfritt', 'Valfritt'), ('krav', 'Krävs')], default='okant', max_length=10, verbose_name='flerfaktorsinloggning')),
                ('processes_personal_data', models.BooleanField(db_index=True, default=True, verbose_name='behandlar personuppgifter')),
                ('hosting', models.CharField(blank=True, choices=[('egen_drift', 'Egen drift'), ('leverantorsdrift', 'Leverantörsdrift'), ('saas', 'Molntjänst (SaaS)'), ('moln_iaas', 'Molnplattform (IaaS/PaaS)')], max_length=20, verbose_name='driftform')),
                ('data_location', django_countries.fields.CountryField(blank=True, max_length=2, verbose_name='datalagring (land)')),
                ('external_id', models.CharField(blank=True, max_length=100, verbose_name='externt id')),
                ('notes', models.TextField(blank=True, verbose_name='interna anteckningar')),
                ('kind', models.CharField(choices=[('application', 'System'), ('learning_resource', 'Lärresurs')], db_index=True, max_length=20, verbose_name='tjänstetyp')),
                ('time_classification', models.CharField(blank=True, choices=[('tolerate', 'Tolerera'), ('invest', 'Investera'), ('migrate', 'Migrera'), ('eliminate', 'Avveckla')], max_length=10, verbose_name='TIME-klassning')),
                ('resource_type', models.CharField(blank=True, choices=[('digital_larobok', 'Digitalt läromedel'), ('app', 'App'), ('plattform', 'Lärplattform'), ('verktyg', 'Verktyg'), ('film', 'Film och media'), ('bedomning', 'Prov och bedömning'), ('ovrigt', 'Övrigt')], max_length=20, verbose_name='typ')),
                ('subjects', models.TextField(blank=True, help_text='Ett ämne per rad.', verbose_name='ämnen')),
                ('school_year_from', models.SmallIntegerField(blank=True, help_text='0 = förskoleklass, −1 = förskola.', null=True, verbose_name='från årskurs')),
                ('school_year_to', models.SmallIntegerField(blank=True, null=True, verbose_name='till årskurs')),
                ('licence_model', models.CharField(blank=True, choices=[('gratis', 'Kostnadsfri'), ('freemium', 'Gratis med betalfunktioner'), ('per_anvandare', 'Per användare'), ('per_skola', 'Per skola'), ('kommunlicens', 'Kommunlicens'), ('annan', 'Annan')], max_length=20, verbose_name='licensmodell')),
                ('approval_status', models.CharField(blank=True, choices=[('begard', 'Begärd'), ('under_granskning', 'Under granskning'), ('godkand', 'Godkänd'), ('avslagen', 'Avslagen'), ('avvecklad', 'Avvecklad')], db_index=True, max_length=20, verbose_name='godkännandestatus')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
            ],
            options={
                'verbose_name': 'historical tjänst',
                'verbose_name_plural': 'historical tjänster',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalServiceCapability',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
            ],
            options={
                'verbose_name': 'historical tjänstens förmåga',
                'verbose_name_plural': 'historical tjänsternas förmågor',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalServiceUsage',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('created', models.DateTimeField(blank=True, editable=False, verbose_name='skapad')),
                ('updated', models.DateTimeField(blank=True, editable=False, verbose_name='ändrad')),
                ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='version')),
                ('users', models.PositiveIntegerField(default=0, verbose_name='antal användare')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
            ],
            options={
                'verbose_name': 'historical användning av tjänst',
                'verbose_name_plural': 'historical användning av tjänster',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='Service',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created', models.DateTimeField(auto_now_add=True, verbose_name='skapad')),
                ('updated', models.DateTimeField(auto_now=True, verbose_name='ändrad')),
                ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='version')),
                ('search_text', models.TextField(blank=True, default='', editable=False, verbose_name='söktext')),
                ('name', models.CharField(max_length=200, verbose_name='namn')),
                ('aliases', models.TextField(blank=True, help_text='Andra namn som tjänsten går under, ett per rad.', verbose_name='alias')),
                ('product', models.CharField(blank=True, help_text='Leverantörens produktnamn.', max_length=200, verbose_name='produkt')),
                ('description', models.TextField(blank=True, verbose_name='beskrivning')),
                ('url', models.URLField(blank=True, verbose_name='webbadress')),
                ('user_groups', portfolio.fields.ChoiceSetField(blank=True, default='', item_choices=portfolio.choices.UserGroup, max_length=255, verbose_name='användargrupper')),
                ('lifecycle_status', models.CharField(choices=[('planerad', 'Planerad'), ('i_drift', 'I drift'), ('under_avveckling', 'Under avveckling'), ('avvecklad', 'Avvecklad')], db_index=True, default='i_drift', max_length=20, verbose_name='livscykelstatus')),
                ('in_use_from', models.DateField(blank=True, null=True, verbose_name='i drift från')),
                ('planned_end', models.DateField(blank=True, null=True, verbose_name='planerat slut')),
                ('retired_on', models.DateField(blank=True, null=True, verbose_name='avvecklad den')),
                ('authentication', models.CharField(blank=True, choices=[('lokala_konton', 'Lokala konton'), ('saml', 'SAML'), ('oidc', 'OpenID Connect'), ('oauth', 'OAuth (social inloggning)'), ('ldap', 'LDAP/AD'), ('ingen', 'Ingen inloggning')], db_index=True, max_length=20, verbose_name='inloggningsmetod')),
                ('identity_provider', models.CharField(blank=True, choices=[('kommunens_idp', 'Kommunens IdP'), ('skolfederation', 'Skolfederation'), ('entra_id', 'Microsoft Entra ID'), ('google', 'Google Workspace'), ('bankid', 'BankID/Freja eID'), ('leverantor', 'Leverantörens egen'), ('ingen', 'Ingen')], db_index=True, max_length=20, verbose_name='identitetsleverantör')),
                ('federation', models.CharField(blank=True, choices=[('skolfederation', 'Skolfederation'), ('swamid', 'SWAMID'), ('edugain', 'eduGAIN'), ('annan', 'Annan federation')], db_index=True, help_text='Identitetsfederation som tjänsten är ansluten till.', max_length=20, verbose_name='federation')),
                ('saml_entity_ids', models.TextField(blank=True, help_text='Ett per rad.', verbose_name='SAML entity ID')),
                ('provisioning', models.CharField(blank=True, choices=[('manuell', 'Manuell'), ('fil', 'Filöverföring'), ('ss12000', 'SS 12000'), ('scim', 'SCIM'), ('jit', 'Vid inloggning (just-in-time)'), ('ingen', 'Ingen')], max_length=20, verbose_name='provisionering')),
                ('mfa', models.CharField(choices=[('okant', 'Okänt'), ('saknas', 'Stöds inte'), ('valfritt', 'Valfritt'), ('krav', 'Krävs')], default='okant', max_length=10, verbose_name='flerfaktorsinloggning')),
                ('processes_personal_data', models.BooleanField(db_index=True, default=True, verbose_name='behandlar personuppgifter')),
                ('hosting', models.CharField(blank=True, choices=[('egen_drift', 'Egen drift'), ('leverantorsdrift', 'Leverantörsdrift'), ('saas', 'Molntjänst (SaaS)'), ('moln_iaas', 'Molnplattform (IaaS/PaaS)')], max_length=20, verbose_name='driftform')),
                ('data_location', django_countries.fields.CountryField(blank=True, max_length=2, verbose_name='datalagring (land)')),
                ('external_id', models.CharField(blank=True, max_length=100, verbose_name='externt id')),
                ('notes', models.TextField(blank=True, verbose_name='interna anteckningar')),
                ('kind', models.CharField(choices=[('application', 'System'), ('learning_resource', 'Lärresurs')], db_index=True, max_length=20, verbose_name='tjänstetyp')),
                ('time_classification', models.CharField(blank=True, choices=[('tolerate', 'Tolerera'), ('invest', 'Investera'), ('migrate', 'Migrera'), ('eliminate', 'Avveckla')], max_length=10, verbose_name='TIME-klassning')),
                ('resource_type', models.CharField(blank=True, choices=[('digital_larobok', 'Digitalt läromedel'), ('app', 'App'), ('plattform', 'Lärplattform'), ('verktyg', 'Verktyg'), ('film', 'Film och media'), ('bedomning', 'Prov och bedömning'), ('ovrigt', 'Övrigt')], max_length=20, verbose_name='typ')),
                ('subjects', models.TextField(blank=True, help_text='Ett ämne per rad.', verbose_name='ämnen')),
                ('school_year_from', models.SmallIntegerField(blank=True, help_text='0 = förskoleklass, −1 = förskola.', null=True, verbose_name='från årskurs')),
                ('school_year_to', models.SmallIntegerField(blank=True, null=True, verbose_name='till årskurs')),
                ('licence_model', models.CharField(blank=True, choices=[('gratis', 'Kostnadsfri'), ('freemium', 'Gratis med betalfunktioner'), ('per_anvandare', 'Per användare'), ('per_skola', 'Per skola'), ('kommunlicens', 'Kommunlicens'), ('annan', 'Annan')], max_length=20, verbose_name='licensmodell')),
                ('approval_status', models.CharField(blank=True, choices=[('begard', 'Begärd'), ('under_granskning', 'Under granskning'), ('godkand', 'Godkänd'), ('avslagen', 'Avslagen'), ('avvecklad', 'Avvecklad')], db_index=True, max_length=20, verbose_name='godkännandestatus')),
            ],
            options={
                'verbose_name': 'tjänst',
                'verbose_name_plural': 'tjänster',
                'ordering': ['name', 'pk'],
                'abstract': False,
            },
        ),
        migrations.CreateModel(
            name='ServiceCapability',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
            ],
            options={
                'verbose_name': 'tjänstens förmåga',
                'verbose_name_plural': 'tjänsternas förmågor',
                'ordering': ['service', 'capability'],
            },
        ),
        migrations.CreateModel(
            name='ServiceUsage',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created', models.DateTimeField(auto_now_add=True, verbose_name='skapad')),
                ('updated', models.DateTimeField(auto_now=True, verbose_name='ändrad')),
                ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='version')),
                ('users', models.PositiveIntegerField(default=0, verbose_name='antal användare')),
            ],
            options={
                'verbose_name': 'användning av tjänst',
                'verbose_name_plural': 'användning av tjänster',
                'ordering': ['service', 'organisation'],
            },
        ),
        migrations.AddField(
            model_name='contractservice',
            name='contract',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='service_links', to='portfolio.contract'),
        ),
        migrations.AddField(
            model_name='historicalcontractservice',
            name='contract',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='portfolio.contract'),
        ),
        migrations.AddField(
            model_name='historicalcontractservice',
            name='history_user',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='historicalservice',
            name='history_user',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='historicalservice',
            name='management_object',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='portfolio.managementobject', verbose_name='förvaltningsobjekt'),
        ),
        migrations.AddField(
            model_name='historicalservice',
            name='vendor',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='portfolio.vendor', verbose_name='leverantör'),
        ),
        migrations.AddField(
            model_name='historicalservicecapability',
            name='capability',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='portfolio.capability'),
        ),
        migrations.AddField(
            model_name='historicalservicecapability',
            name='history_user',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='historicalserviceusage',
            name='history_user',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='historicalserviceusage',
            name='organisation',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='portfolio.organisation', verbose_name='organisation'),
        ),
        migrations.AddField(
            model_name='service',
            name='management_object',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='applications', to='portfolio.managementobject', verbose_name='förvaltningsobjekt'),
        ),
        migrations.AddField(
            model_name='service',
            name='vendor',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='services', to='portfolio.vendor', verbose_name='leverantör'),
        ),
        migrations.AddField(
            model_name='historicalserviceusage',
            name='service',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='portfolio.service', verbose_name='tjänst'),
        ),
        migrations.AddField(
            model_name='historicalservicecapability',
            name='service',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='portfolio.service'),
        ),
        migrations.AddField(
            model_name='historicalcontractservice',
            name='service',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='portfolio.service'),
        ),
        migrations.AddField(
            model_name='contractservice',
            name='service',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='contract_links', to='portfolio.service'),
        ),
        migrations.AddField(
            model_name='contract',
            name='services',
            field=models.ManyToManyField(blank=True, related_name='contracts', through='portfolio.ContractService', to='portfolio.service', verbose_name='tjänster'),
        ),
        migrations.AddField(
            model_name='cost',
            name='service',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='costs', to='portfolio.service', verbose_name='tjänst'),
        ),
        migrations.AddField(
            model_name='dataflow',
            name='source_service',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='outgoing_flows', to='portfolio.service', verbose_name='från tjänst'),
        ),
        migrations.AddField(
            model_name='dataflow',
            name='target_service',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='incoming_flows', to='portfolio.service', verbose_name='till tjänst'),
        ),
        migrations.AddField(
            model_name='historicalcost',
            name='service',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='portfolio.service', verbose_name='tjänst'),
        ),
        migrations.AddField(
            model_name='historicaldataflow',
            name='source_service',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='portfolio.service', verbose_name='från tjänst'),
        ),
        migrations.AddField(
            model_name='historicaldataflow',
            name='target_service',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='portfolio.service', verbose_name='till tjänst'),
        ),
        migrations.AddField(
            model_name='historicalroleassignment',
            name='service',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='portfolio.service', verbose_name='tjänst'),
        ),
        migrations.AddField(
            model_name='roleassignment',
            name='service',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='roles', to='portfolio.service', verbose_name='tjänst'),
        ),
        migrations.AddField(
            model_name='servicecapability',
            name='capability',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='service_links', to='portfolio.capability'),
        ),
        migrations.AddField(
            model_name='servicecapability',
            name='service',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='capability_links', to='portfolio.service'),
        ),
        migrations.AddField(
            model_name='service',
            name='capabilities',
            field=models.ManyToManyField(blank=True, related_name='services', through='portfolio.ServiceCapability', to='portfolio.capability', verbose_name='verksamhetsförmågor'),
        ),
        migrations.AddField(
            model_name='serviceusage',
            name='organisation',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='service_usages', to='portfolio.organisation', verbose_name='organisation'),
        ),
        migrations.AddField(
            model_name='serviceusage',
            name='service',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='usages', to='portfolio.service', verbose_name='tjänst'),
        ),
        migrations.AddField(
            model_name='service',
            name='organisations',
            field=models.ManyToManyField(blank=True, related_name='services', through='portfolio.ServiceUsage', to='portfolio.organisation', verbose_name='används av'),
        ),
    ]
