"""A save or delete of a checkpoint drops the desk's shared copies
(registration/desk/queries.py). (The shared registration form follows the
programme's content version, events/pagecache.py, which events/ renews itself.)"""

from django.db.models.signals import post_delete, post_save


def connect() -> None:
    from registration.desk.queries import checkpoints_changed
    from registration.models import Checkpoint

    post_save.connect(checkpoints_changed, sender=Checkpoint, dispatch_uid="registration.desk.checkpoint.saved")
    post_delete.connect(checkpoints_changed, sender=Checkpoint, dispatch_uid="registration.desk.checkpoint.deleted")
