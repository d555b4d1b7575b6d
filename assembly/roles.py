"""Organisers run the General Assembly in the admin: after every `migrate` the
Organisers group (registration/roles.py) gets every permission on the assembly's
models, and the Viewers group their view permissions (the admin's lists and
read-only pages, docs/roles.md). Desk staff need none: the plenary door uses
registration.use_desk. Granted here because registration never imports assembly."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import DEFAULT_DB_ALIAS

from registration.roles import ORGANISERS, VIEWERS, ensure_groups


def grant_organisers(*, using: str = DEFAULT_DB_ALIAS, apps=global_apps) -> None:
    """Give the Organisers group every assembly permission and the Viewers group
    the assembly's view_<model> ones; idempotent, removes none."""
    Permission = apps.get_model("auth", "Permission")
    create_permissions(global_apps.get_app_config("assembly"), verbosity=0, using=using, apps=apps)
    groups = ensure_groups(using=using, apps=apps)
    permissions = Permission.objects.using(using).filter(content_type__app_label="assembly")
    groups[ORGANISERS].permissions.add(*permissions)
    groups[VIEWERS].permissions.add(*permissions.filter(codename__startswith="view_"))


def grant_organisers_after_migrate(sender, *, using: str = DEFAULT_DB_ALIAS, apps=global_apps, **kwargs) -> None:
    """post_migrate receiver: skip when auth's tables are not migrated yet."""
    try:
        apps.get_model("auth", "Group")
        apps.get_model("auth", "Permission")
        apps.get_model("contenttypes", "ContentType")
    except LookupError:
        return
    grant_organisers(using=using, apps=apps)
