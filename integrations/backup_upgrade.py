"""Reading a backup taken before systems and learning resources moved into one ``Service`` table.

Such a file names the old tables (``portfolio.application``, ``portfolio.learningresource``, a
link table per kind, a key per kind on costs, roles, flows and review items). Its rows are
rewritten here into the current shape with the same id rule as the migration
(``portfolio/migrations/_service_table.py``): systems keep their ids, learning resources move up
by the smallest power of ten above every system id in the file, and so do the rows of each pair
of link tables; history rows follow their records. A register restored from an old backup is
then the register the migration would have made of it.
"""

from __future__ import annotations

from typing import Any

__all__ = ["is_old_format", "upgrade_rows"]

#: (system table, learning resource table, the one table they became, key on each, the new key)
_LINK_PAIRS = [
    ("portfolio.applicationusage", "portfolio.learningresourceusage", "portfolio.serviceusage"),
    (
        "portfolio.applicationcapability",
        "portfolio.learningresourcecapability",
        "portfolio.servicecapability",
    ),
    ("portfolio.contractapplication", "portfolio.contractlearningresource", "portfolio.contractservice"),
    (
        "gdpr.processingactivityapplication",
        "gdpr.processingactivitylearningresource",
        "gdpr.processingactivityservice",
    ),
]
#: Rows with one key per kind that became one ``service`` key: (label, [(system key, resource key, new key)]).
_KEYS_PER_KIND = {
    "portfolio.cost": [("application", "learning_resource", "service")],
    "portfolio.roleassignment": [("application", "learning_resource", "service")],
    "stewardship.reviewitem": [("application", "learning_resource", "service")],
    "portfolio.dataflow": [
        ("source_application", "source_learning_resource", "source_service"),
        ("target_application", "target_learning_resource", "target_service"),
    ],
}
_OLD_LABELS = {"portfolio.application", "portfolio.learningresource"} | {
    label for pair in _LINK_PAIRS for label in pair[:2]
}


#: Old model names whose permissions (in role groups and users) are now a new model's.
_PERMISSION_MODELS = {
    old.split(".")[1]: new.split(".")[1] for pair in _LINK_PAIRS for new in pair[2:] for old in pair[:2]
}
_PERMISSION_MODELS |= {f"historical{old}": f"historical{new}" for old, new in _PERMISSION_MODELS.items()}
_PERMISSION_MODELS |= {
    "historicalapplication": "historicalservice",
    "historicallearningresource": "historicalservice",
}


def _permissions(keys: list) -> list:
    """Permission natural keys ``[codename, app, model]`` renamed to the tables that replaced theirs."""
    renamed, seen = [], set()
    for key in keys:
        if isinstance(key, list) and len(key) == 3 and key[2] in _PERMISSION_MODELS:
            action = key[0].rsplit("_", 1)[0] if key[0].endswith(key[2]) else None
            model = _PERMISSION_MODELS[key[2]]
            key = [f"{action}_{model}" if action else key[0], key[1], model]
        marker = repr(key)
        if marker not in seen:
            seen.add(marker)
            renamed.append(key)
    return renamed


def _historical(label: str) -> str:
    app, model = label.split(".")
    return f"{app}.historical{model}"


def is_old_format(rows: list[dict[str, Any]]) -> bool:
    """Whether the rows name a table of the two-table schema."""
    return any(str(row.get("model", "")).lower() in _OLD_LABELS for row in rows)


def _offset(ids: list[int]) -> int:
    highest = max((i for i in ids if isinstance(i, int)), default=0)
    return 10 ** len(str(highest)) if highest else 0


def upgrade_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows of an old backup in the current shape (see the module's docstring)."""
    by_label: dict[str, list[dict]] = {}
    for row in rows:
        row["model"] = str(row["model"]).lower()
        by_label.setdefault(row["model"], []).append(row)

    def record_ids(label: str) -> list[int]:
        return [r["pk"] for r in by_label.get(label, [])] + [
            r["fields"].get("id") for r in by_label.get(_historical(label), [])
        ]

    def history_ids(label: str) -> list[int]:
        return [r["pk"] for r in by_label.get(_historical(label), [])]

    offset = _offset(record_ids("portfolio.application"))
    history_offset = _offset(history_ids("portfolio.application"))
    renames: dict[str, tuple[str, int, int, dict[str, str], dict[str, int], dict[str, Any]]] = {
        # old label → (new label, id offset, history id offset, renamed fields, shifted fields, set fields)
        "portfolio.application": ("portfolio.service", 0, 0, {}, {}, {"kind": "application"}),
        "portfolio.learningresource": (
            "portfolio.service",
            offset,
            history_offset,
            {"kind": "resource_type"},
            {},
            {"kind": "learning_resource"},
        ),
    }
    for app_label, lr_label, new_label in _LINK_PAIRS:
        app_key = "application"
        renames[app_label] = (new_label, 0, 0, {app_key: "service"}, {}, {})
        renames[lr_label] = (
            new_label,
            _offset(record_ids(app_label)),
            _offset(history_ids(app_label)),
            {"learning_resource": "service"},
            {"service": offset},
            {},
        )

    upgraded = []
    for row in rows:
        label = row["model"]
        base, historical = label, False
        if label.split(".")[1].startswith("historical") and label not in renames:
            base, historical = label.replace(".historical", ".", 1), True
        fields = dict(row["fields"])
        pk = row["pk"]
        if base in renames:
            new_label, id_offset, history_offset_, renamed, shifted, set_values = renames[base]
            for old, new in renamed.items():
                if old in fields:
                    fields[new] = fields.pop(old)
            for name, amount in shifted.items():
                if fields.get(name) is not None:
                    fields[name] += amount
            fields.update(set_values)
            if historical:
                fields["id"] = fields["id"] + id_offset
                pk = pk + history_offset_
                new_label = _historical(new_label)
            else:
                pk = pk + id_offset
            label = new_label
        elif base in _KEYS_PER_KIND:
            for app_key, lr_key, new_key in _KEYS_PER_KIND[base]:
                app_value, lr_value = fields.pop(app_key, None), fields.pop(lr_key, None)
                fields[new_key] = (
                    app_value
                    if app_value is not None
                    else (lr_value + offset if lr_value is not None else None)
                )
        elif base == "portfolio.duplicatedecision":
            for end in ("first", "second"):
                if fields.get(f"{end}_type") == "learning_resource":
                    fields[f"{end}_id"] += offset
        elif base == "gdpr.gapacknowledgement":
            if fields.get("target_type") == "learning_resource":
                fields["target_id"] += offset
        elif label in ("auth.group", "auth.user"):
            for name in ("permissions", "user_permissions"):
                if isinstance(fields.get(name), list):
                    fields[name] = _permissions(fields[name])
        elif base == "gdpr.processingactivity" or base == "portfolio.contract":
            # Old many-to-many fields through the link tables carry no data of their own.
            fields.pop("applications", None)
            fields.pop("learning_resources", None)
        upgraded.append({**row, "model": label, "pk": pk, "fields": fields})
    return upgraded
