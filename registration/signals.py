"""Organisers' edits that the registration form shows (registration/formcache.py):
a save or delete of an event, session or room sets a new form content version
once its transaction has committed (before it, a form rendered meanwhile would
still read the old rows and be kept under the new version). A save or delete
of a checkpoint drops the desk's shared copies (registration/desk/queries.py)."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from events.models import Event, Room, Session
from registration import formcache

SHOWN_ON_THE_FORM = (Event, Session, Room)


def content_edited(sender, **kwargs) -> None:
    # robust: a cache that is down never fails the organiser's save (the
    # form's entries are checked against the database every few seconds anyway).
    transaction.on_commit(formcache.content_changed, robust=True)


def connect() -> None:
    from registration.desk.queries import checkpoints_changed
    from registration.models import Checkpoint

    post_save.connect(checkpoints_changed, sender=Checkpoint, dispatch_uid="registration.desk.checkpoint.saved")
    post_delete.connect(checkpoints_changed, sender=Checkpoint, dispatch_uid="registration.desk.checkpoint.deleted")
    for model in SHOWN_ON_THE_FORM:
        name = model.__name__
        post_save.connect(content_edited, sender=model, dispatch_uid=f"registration.form.saved.{name}")
        post_delete.connect(content_edited, sender=model, dispatch_uid=f"registration.form.deleted.{name}")
