"""Staff roles (auth groups) and the demo accounts of a development site.

Organisers manage the programme and the attendees in the admin; desk staff
register walk-ins and check people in at the desk, without admin access;
viewers (partners, city staff) read the admin and the dashboard and change
nothing. The groups are created by migration registration 0013 and again after
every `migrate` (see RegistrationConfig). docs/roles.md says who may do what.
"""

from dataclasses import dataclass

from django.apps import apps as global_apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.management import create_permissions
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import Q

ORGANISERS = "Organisers"
DESK_STAFF = "Desk staff"
VIEWERS = "Viewers"
GROUPS = (ORGANISERS, DESK_STAFF, VIEWERS)
# Organisers hold every permission on these apps' models, among them the
# organiser-only ones (registration.models.Registration.Meta.permissions):
ORGANISER_APPS = ("events", "registration")
DASHBOARD_PERMISSION = "registration.view_dashboard"  # the organisers' dashboard (viewers too)
EXPORT_PERMISSION = "registration.export_registrations"  # attendee lists as CSV / Excel (personal data)
BADGE_PERMISSION = "registration.print_badges"  # badges of many attendees from the admin
VIEWER_ACCOUNTS_PERMISSION = "registration.manage_viewers"  # partners' viewer accounts (registration/partners/)
ORGANISER_ONLY_PERMISSIONS: tuple[str, ...] = (
    EXPORT_PERMISSION,
    BADGE_PERMISSION,
    VIEWER_ACCOUNTS_PERMISSION,
    "registration.export_person",  # everything about one person (an access request)
    "registration.erase_person",  # erasing one person on their request
)
# Organisers may also see and remove anyone's two-factor devices (a lost phone,
# docs/roles.md), never add or change one (that would set someone else's key).
# The backup codes themselves (otp_static.StaticToken) stay hidden.
DEVICE_APPS = ("otp_totp", "otp_static")
ORGANISER_DEVICE_PERMISSIONS: tuple[str, ...] = (
    "otp_totp.view_totpdevice",
    "otp_totp.delete_totpdevice",
    "otp_static.view_staticdevice",
    "otp_static.delete_staticdevice",
)
# "app_label.codename" permissions of desk staff (none of them opens the admin).
DESK_STAFF_PERMISSIONS: tuple[str, ...] = ("registration.use_desk",)
# Viewers may see every model of ORGANISER_APPS (view_<model>, read-only pages)
# and the dashboard; nothing that writes, prints badges, exports or opens the desk.
VIEWER_PERMISSIONS: tuple[str, ...] = (DASHBOARD_PERMISSION,)


class DemoAccountsNotAllowedError(Exception):
    code = "demo_accounts_not_allowed"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    group: str
    is_staff: bool


# Fixed, published passwords: acceptable only because ensure_demo_accounts()
# refuses to run unless settings.DEMO_ACCOUNTS_ALLOWED (never in production).
DEMO_ACCOUNTS = (
    DemoAccount(username="organiser", password="wego-organiser-2010", group=ORGANISERS, is_staff=True),  # noqa: S106
    DemoAccount(username="desk", password="wego-desk-2010", group=DESK_STAFF, is_staff=False),  # noqa: S106
    DemoAccount(username="viewer", password="wego-viewer-2010", group=VIEWERS, is_staff=True),  # noqa: S106
)


def ensure_groups(*, using: str = DEFAULT_DB_ALIAS, apps=global_apps) -> dict:
    """Create the Organisers, Desk staff and Viewers groups and grant their permissions.

    Idempotent. Adds missing permissions and removes none, so a permission an
    administrator granted by hand stays. Returns the groups by name."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for label in (*ORGANISER_APPS, *DEVICE_APPS):
        # Normally done by auth's own post_migrate handler; repeated so that the
        # permissions exist whatever order the handlers run in.
        try:
            app_config = global_apps.get_app_config(label)
        except LookupError:  # two-factor log-in not installed
            continue
        create_permissions(app_config, verbosity=0, using=using, apps=apps)
    groups = {name: Group.objects.using(using).get_or_create(name=name)[0] for name in GROUPS}
    permissions = Permission.objects.using(using)
    in_apps = Q(content_type__app_label__in=ORGANISER_APPS)
    groups[ORGANISERS].permissions.add(*permissions.filter(in_apps | _named(ORGANISER_DEVICE_PERMISSIONS)))
    # A permission whose model is not migrated yet (a partial `migrate`) is added next time.
    groups[DESK_STAFF].permissions.add(*permissions.filter(_named(DESK_STAFF_PERMISSIONS)))
    viewing = in_apps & Q(codename__startswith="view_")
    groups[VIEWERS].permissions.add(*permissions.filter(viewing | _named(VIEWER_PERMISSIONS)))
    return groups


def _named(names: tuple[str, ...]) -> Q:
    """The permissions named "app_label.codename"."""
    query = Q(pk__in=[])
    for permission in names:
        app_label, codename = permission.split(".")
        query |= Q(content_type__app_label=app_label, codename=codename)
    return query


def ensure_groups_after_migrate(sender, *, using: str = DEFAULT_DB_ALIAS, apps=global_apps, **kwargs) -> None:
    """post_migrate receiver: skip when auth's tables are not migrated yet."""
    try:
        apps.get_model("auth", "Group")
        apps.get_model("auth", "Permission")
        apps.get_model("contenttypes", "ContentType")
    except LookupError:
        return
    ensure_groups(using=using, apps=apps)


def require_demo_site(what: str) -> None:
    """Refuse with DemoAccountsNotAllowedError unless settings.DEMO_ACCOUNTS_ALLOWED
    (DEBUG on, PRODUCTION off): demo data has public passwords and fake people."""
    if not settings.DEMO_ACCOUNTS_ALLOWED:
        raise DemoAccountsNotAllowedError(
            f"{what} are only created on a development site (DEBUG on, PRODUCTION off): "
            "settings.DEMO_ACCOUNTS_ALLOWED is False."
        )


def ensure_demo_accounts() -> list[tuple[DemoAccount, str]]:
    """Create the demo organiser, desk-staff and viewer users, or reset them to their demo
    state (role, group, password). Idempotent.

    Refuses with DemoAccountsNotAllowedError unless settings.DEMO_ACCOUNTS_ALLOWED: the
    passwords are public. Returns each account with "created", "updated" or
    "unchanged"."""
    require_demo_site("Demo accounts")
    user_model = get_user_model()
    outcomes = []
    with transaction.atomic():
        groups = ensure_groups()
        for account in DEMO_ACCOUNTS:
            user, created = user_model.objects.get_or_create(username=account.username)
            wanted = {"is_staff": account.is_staff, "is_superuser": False, "is_active": True}
            changed = [name for name, value in wanted.items() if getattr(user, name) != value]
            for name in changed:
                setattr(user, name, wanted[name])
            if not user.check_password(account.password):
                user.set_password(account.password)
                changed.append("password")
            if changed:
                user.save(update_fields=changed)
            in_group = user.groups.filter(pk=groups[account.group].pk).exists()
            if not in_group:
                user.groups.add(groups[account.group])
            if created:
                outcome = "created"
            elif changed or not in_group:
                outcome = "updated"
            else:
                outcome = "unchanged"
            outcomes.append((account, outcome))
    return outcomes
