"""Admin of API tokens and of the role groups.

Tokens are issued only by ``manage.py create_api_token``, which shows the plaintext once; the
admin lists them (never the hash) and revokes them. The role groups are kept by
``accounts.roles.sync_role_groups`` on every migrate, so the admin explains them and shows their
permissions read-only: an edit here would be silently undone by the next deployment.
"""

from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.models import Group
from django.db.models import Count
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import ApiToken
from accounts.roles import ROLE_GROUPS, Role

admin.site.site_header = _("Systemkarta – administration")
admin.site.site_title = _("Systemkarta")
admin.site.index_title = _("Register och behörigheter")

#: What each role group is for, in the words of docs/architecture.md.
ROLE_DESCRIPTIONS = {
    Role.STRATEGIST: _(
        "Läser allt; lägger till, ändrar och tar bort i systemportföljen (system, lärresurser, "
        "förvaltningsobjekt, roller, kostnader, avtal). Ändrar inte registerförteckningen."
    ),
    Role.DATA_PROTECTION: _(
        "Läser allt; lägger till, ändrar och tar bort i registerförteckningen (behandlingar, "
        "överföringar, konsekvensbedömningar). Ändrar inte systemportföljen."
    ),
    Role.IT: _(
        "Läser allt; lägger till och ändrar den tekniska inventeringen (organisationer, leverantörer, "
        "system, lärresurser och deras användning och förmågor). Tar inte bort."
    ),
    Role.READER: _("Läser allt, ändrar ingenting."),
}


#
# API tokens
#


class TokenStatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("giltig", _("Giltig")), ("aterkallad", _("Återkallad")), ("utgangen", _("Utgången"))]

    def queryset(self, request, queryset):
        if self.value() == "giltig":
            return queryset.usable()
        if self.value() == "aterkallad":
            return queryset.filter(revoked_at__isnull=False)
        if self.value() == "utgangen":
            return queryset.filter(revoked_at__isnull=True, expires_at__lte=timezone.now())
        return queryset


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Lists and revokes tokens; creating and editing them is the command's job, not the admin's."""

    list_display = (
        "prefix_display", "user", "name", "read_only", "usable", "created", "expires_at", "revoked_at",
        "last_used_at",
    )
    list_filter = (TokenStatusFilter, "read_only")
    list_select_related = ("user",)
    search_fields = ("user__username", "name", "prefix")
    fields = ("user", "name", "prefix", "read_only", "created", "expires_at", "revoked_at", "last_used_at")
    readonly_fields = fields
    actions = ["revoke_selected"]
    date_hierarchy = None

    @admin.display(description=_("token"), ordering="prefix")
    def prefix_display(self, obj: ApiToken) -> str:
        return f"{obj.prefix}…"

    @admin.display(boolean=True, description=_("giltig"))
    def usable(self, obj: ApiToken) -> bool:
        return obj.is_usable

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_revoke_permission(self, request) -> bool:
        return request.user.has_perm("accounts.change_apitoken")

    @admin.action(description=_("Återkalla valda token"), permissions=["revoke"])
    def revoke_selected(self, request, queryset) -> None:
        revoked = 0
        for token in queryset.filter(revoked_at__isnull=True):
            token.revoke()
            revoked += 1
        self.message_user(
            request,
            ngettext("%(count)d token återkallades.", "%(count)d token återkallades.", revoked)
            % {"count": revoked},
            messages.SUCCESS,
        )


#
# Role groups
#

admin.site.unregister(Group)


@admin.register(Group)
class RoleGroupAdmin(DjangoGroupAdmin):
    list_display = ("name", "description", "user_count", "permission_count")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(_users=Count("user", distinct=True), _permissions=Count("permissions", distinct=True))
        )

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.name in ROLE_GROUPS:
            return ("name", "description", "permission_list")
        return ()

    def get_fields(self, request, obj=None):
        if obj is not None and obj.name in ROLE_GROUPS:
            return ("name", "description", "permission_list")
        return super().get_fields(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.name in ROLE_GROUPS:
            return False
        return super().has_delete_permission(request, obj)

    @admin.display(description=_("roll"))
    def description(self, obj: Group) -> str:
        return ROLE_DESCRIPTIONS.get(obj.name, _("Egen grupp, inte en av systemkartans roller."))

    @admin.display(description=_("användare"), ordering="_users")
    def user_count(self, obj: Group) -> int:
        return obj._users

    @admin.display(description=_("behörigheter"), ordering="_permissions")
    def permission_count(self, obj: Group) -> int:
        return obj._permissions

    @admin.display(description=_("behörigheter (hålls av systemet vid varje migrering)"))
    def permission_list(self, obj: Group):
        permissions = obj.permissions.select_related("content_type").order_by(
            "content_type__app_label", "content_type__model", "codename"
        )
        return format_html_join(
            "", "<div>{}.{}</div>", ((p.content_type.app_label, p.codename) for p in permissions)
        )
