"""Giving a partner a viewer account and withdrawing it (organisers, through
views.py). The account is staff (it opens the admin), in the Viewers group and
nothing else, never a superuser; it has no password until the partner sets one
through a link (Django's password reset tokens, valid PASSWORD_RESET_TIMEOUT)."""

from dataclasses import dataclass

from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from registration.partners.queries import viewer_accounts
from registration.roles import VIEWERS, ensure_groups


class ViewerAccountError(Exception):
    def __init__(self, message, *, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class NewViewer:
    user: object
    link_path: str  # where the partner sets a password (make it absolute with the request)


def set_password_path(user) -> str:
    """The set-password page's address for this user: valid until the password
    changes (so once) and at most PASSWORD_RESET_TIMEOUT."""
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return reverse("partners:set_password", kwargs={"uidb64": uidb64, "token": token})


def create_viewer(*, username: str, name: str, email: str, by) -> NewViewer:
    """Create an active staff account in the Viewers group only, with an unusable
    password, and return it with its set-password link. The user name is unique
    whatever its case: the Viewers group's row is locked while checking and
    creating, so two organisers sending "Partner" and "partner" at once cannot
    both succeed (one gets "username_taken"; the database's unique index backs
    the exact name against any other writer). Recorded in the admin's history of
    the account, by `by`."""
    users = get_user_model().objects
    taken = ViewerAccountError(_("There is already an account with this user name."), code="username_taken")
    try:
        with transaction.atomic():
            group = _locked_viewers_group()
            if users.filter(username__iexact=username).exists():
                raise taken
            user = users.create_user(username=username, email=email, first_name=name, is_staff=True)
            user.groups.add(group)
            LogEntry.objects.log_actions(
                user_id=by.pk, queryset=[user], action_flag=ADDITION, change_message="Viewer account given to a partner"
            )
    except IntegrityError as error:
        raise taken from error
    return NewViewer(user=user, link_path=set_password_path(user))


def _locked_viewers_group():
    """The Viewers group's row, locked until the transaction ends (made with its
    permissions first if an administrator deleted it)."""
    group = Group.objects.select_for_update().filter(name=VIEWERS).first()
    if group is None:
        ensure_groups()
        group = Group.objects.select_for_update().get(name=VIEWERS)
    return group


def withdraw_viewer(*, user_id: int, by):
    """Make a viewer account inactive (it can no longer log in; its sessions stop
    working at their next request) and its password unusable (so a link not yet
    used no longer works). Only a viewer account (queries.viewer_accounts):
    anything else raises ViewerAccountError("not_a_viewer"). Idempotent; the row
    is locked so the check and the change see the same account."""
    with transaction.atomic():
        user = viewer_accounts().select_for_update(of=("self",)).filter(pk=user_id).first()
        if user is None:
            raise ViewerAccountError(_("This is not a viewer account."), code="not_a_viewer")
        if user.is_active:
            user.is_active = False
            user.set_unusable_password()
            user.save(update_fields=["is_active", "password"])
            LogEntry.objects.log_actions(
                user_id=by.pk, queryset=[user], action_flag=CHANGE, change_message="Viewer account withdrawn"
            )
    return user
