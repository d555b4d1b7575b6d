from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class RegistrationConfig(AppConfig):
    name = "registration"
    verbose_name = _("Registration")

    def ready(self):
        from events.signals import programme_loaded
        from registration import signals
        from registration.roles import ensure_groups_after_migrate
        from registration.seed import load_checkpoints

        signals.connect()  # checkpoint edits drop the desk's shared copies
        # `load_summit` loads the desk's checkpoints with the programme.
        programme_loaded.connect(load_checkpoints, dispatch_uid="registration.seed.checkpoints")

        # The staff groups exist after every `migrate`, including the test database's.
        post_migrate.connect(ensure_groups_after_migrate, sender=self, dispatch_uid="registration.ensure_groups")
