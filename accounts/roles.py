"""The role groups of systemkarta and the Django permissions each one carries.

Permissions follow the people in docs/architecture.md: the digital strateg keeps the landscape
(``portfolio``), the dataskyddssamordnare keeps the GDPR record (``gdpr``), the IT department
reads everything and feeds the technical inventory, and a läsare only reads.
"""

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.utils.translation import gettext_lazy as _

__all__ = ["DOMAIN_APPS", "ROLE_EXCLUDED_MODELS", "ROLE_GROUPS", "Role", "sync_role_groups"]


class Role:
    STRATEGIST = "Digital strateg"
    DATA_PROTECTION = "Dataskyddssamordnare"
    IT = "IT-avdelning"
    READER = "Läsare"


ROLE_LABELS = {
    Role.STRATEGIST: _("Digital strateg"),
    Role.DATA_PROTECTION: _("Dataskyddssamordnare"),
    Role.IT: _("IT-avdelning"),
    Role.READER: _("Läsare"),
}

DOMAIN_APPS = ("portfolio", "gdpr", "integrations", "stewardship", "discovery", "planning")
_ALL_ACTIONS = ("view", "add", "change", "delete")

#: The technical inventory the IT department feeds from its own tools.
_IT_MAINTAINED = (
    "portfolio.organisation",
    "portfolio.vendor",
    "portfolio.service",
    "portfolio.application",
    "portfolio.learningresource",
    "portfolio.serviceusage",
    "portfolio.servicecapability",
)

#: group name → list of (app_label, model_name or "*", actions)
ROLE_GROUPS: dict[str, list[tuple[str, str, tuple[str, ...]]]] = {
    Role.STRATEGIST: [
        *[(app, "*", ("view",)) for app in DOMAIN_APPS],
        ("portfolio", "*", _ALL_ACTIONS),
        # The färdplan: plans, effektmål and every action but the GDPR ones (below).
        ("planning", "*", _ALL_ACTIONS),
        # decides what a discovered application is (register, merge, not a service)
        ("discovery", "discoveredapplication", ("change",)),
    ],
    Role.DATA_PROTECTION: [
        *[(app, "*", ("view",)) for app in DOMAIN_APPS],
        ("gdpr", "*", _ALL_ACTIONS),
        # The färdplan's processor agreements and DPIAs (planning.manage_gdpr_action).
        ("planning", "action", ("manage_gdpr",)),
    ],
    Role.IT: [
        *[(app, "*", ("view",)) for app in DOMAIN_APPS],
        *[(label.split(".")[0], label.split(".")[1], ("add", "change")) for label in _IT_MAINTAINED],
        # uploads identity-provider exports and decides what a discovered application is
        ("discovery", "identityimport", ("add",)),
        ("discovery", "discoveredapplication", ("change",)),
    ],
    Role.READER: [(app, "*", ("view",)) for app in DOMAIN_APPS],
}

#: Models a role does not see although its rules above would grant them: a läsare reads the
#: register, but breach details (what leaked, about whom) are for those who handle breaches.
#: Anyone logged in may still report a breach (``gdpr:breach_report`` needs no permission).
ROLE_EXCLUDED_MODELS: dict[str, set[str]] = {
    Role.READER: {"gdpr.breach", "gdpr.breachprocessingactivity"},
}


def _permissions_for(rules, using: str, excluded: set[str] = frozenset()):
    wanted: set[tuple[str, str]] = set()
    for app_label, model_name, actions in rules:
        try:
            app_models = apps.get_app_config(app_label).get_models()
        except LookupError:
            continue
        for model in app_models:
            name = model._meta.model_name
            if model_name not in ("*", name) or f"{app_label}.{name}" in excluded:
                continue
            for action in actions:
                wanted.add((app_label, f"{action}_{name}"))
    perms = Permission.objects.using(using).filter(content_type__app_label__in={a for a, _c in wanted})
    return [
        p for p in perms.select_related("content_type") if (p.content_type.app_label, p.codename) in wanted
    ]


def sync_role_groups(using: str = "default") -> dict[str, Group]:
    """Create or update the role groups so they hold exactly their permissions. Idempotent."""
    groups = {}
    for name, rules in ROLE_GROUPS.items():
        group, _created = Group.objects.using(using).get_or_create(name=name)
        group.permissions.set(_permissions_for(rules, using, ROLE_EXCLUDED_MODELS.get(name, set())))
        groups[name] = group
    return groups
