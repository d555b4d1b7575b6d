"""Which accounts are partners' viewer accounts (the only ones the page shows or acts on)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from registration.roles import VIEWERS


def viewer_accounts():
    """Users in the Viewers group and in no other, not superusers, with no
    permission of their own: what an organiser may give and withdraw. Anyone
    else (an organiser, desk staff, a viewer an administrator gave one more
    permission) is left to an administrator. One query."""
    return (
        get_user_model()
        .objects.filter(groups__name=VIEWERS, is_superuser=False, user_permissions=None)
        .exclude(groups__in=Group.objects.exclude(name=VIEWERS))
        .order_by("-is_active", "username")
    )
