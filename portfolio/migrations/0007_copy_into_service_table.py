"""One service table: copy systems and learning resources, their links and history, into Service.

In a migration of its own: PostgreSQL refuses to alter or index a table (the schema step's
deferred statements) that has pending trigger events from rows written in the same transaction.
"""

from django.db import migrations
from django.db.models import F

from portfolio.migrations._service_table import (
    copy_history,
    copy_rows,
    id_offset,
    remap_foreign_key,
    reset_sequences,
)

#: Each pair of old link tables (system, learning resource) and the one table it becomes.
LINK_PAIRS = [
    ("ApplicationUsage", "LearningResourceUsage", "ServiceUsage"),
    ("ApplicationCapability", "LearningResourceCapability", "ServiceCapability"),
    ("ContractApplication", "ContractLearningResource", "ContractService"),
]


def copy_into_service_table(apps, schema_editor):
    """Systems, learning resources, their links and every history row into the one-table schema.

    Systems keep their ids; learning resources (and the rows of each pair of link tables) move up
    by the offset ``_service_table.id_offset`` computes. History rows are copied with the same
    ids, so a register read as of any past date answers as it did before.
    """
    def get(name):
        return apps.get_model("portfolio", name)

    service, historical_service = get("Service"), get("HistoricalService")
    offset = id_offset(get("Application"), get("HistoricalApplication"))
    copy_rows(get("Application"), service, extra={"kind": "application"})
    copy_rows(
        get("LearningResource"), service, offset=offset,
        rename={"kind": "resource_type"}, extra={"kind": "learning_resource"},
    )
    copy_history(
        [
            (get("HistoricalApplication"), 0, None, None, {"kind": "application"}),
            (get("HistoricalLearningResource"), offset, {"kind": "resource_type"}, None,
             {"kind": "learning_resource"}),
        ],
        historical_service,
    )
    written = [service]
    for app_name, lr_name, new_name in LINK_PAIRS:
        link_offset = id_offset(get(app_name), get(f"Historical{app_name}"))
        new, historical_new = get(new_name), get(f"Historical{new_name}")
        copy_rows(get(app_name), new, rename={"application_id": "service_id"})
        copy_rows(
            get(lr_name), new, offset=link_offset,
            rename={"learning_resource_id": "service_id"}, shift={"service_id": offset},
        )
        copy_history(
            [
                (get(f"Historical{app_name}"), 0, {"application_id": "service_id"}, None, None),
                (get(f"Historical{lr_name}"), link_offset, {"learning_resource_id": "service_id"},
                 {"service_id": offset}, None),
            ],
            historical_new,
        )
        written.append(new)
    for name in ("Cost", "RoleAssignment"):
        for model in (get(name), get(f"Historical{name}")):
            remap_foreign_key(
                model, application="application_id", learning_resource="learning_resource_id",
                service="service_id", offset=offset,
            )
    for model in (get("DataFlow"), get("HistoricalDataFlow")):
        for end in ("source", "target"):
            remap_foreign_key(
                model, application=f"{end}_application_id", learning_resource=f"{end}_learning_resource_id",
                service=f"{end}_service_id", offset=offset,
            )
    # "Not the same product" decisions name services by (kind, id).
    for model in (get("DuplicateDecision"), get("HistoricalDuplicateDecision")):
        for end in ("first", "second"):
            model.objects.filter(**{f"{end}_type": "learning_resource"}).update(
                **{f"{end}_id": F(f"{end}_id") + offset}
            )
    reset_sequences(schema_editor, written)


class Migration(migrations.Migration):
    dependencies = [
        ('portfolio', '0006_service_table'),
    ]

    operations = [
        migrations.RunPython(copy_into_service_table, migrations.RunPython.noop, elidable=False),
    ]
