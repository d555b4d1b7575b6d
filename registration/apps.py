from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class RegistrationConfig(AppConfig):
    name = "registration"
    verbose_name = _("Registration")

    def ready(self):
        from simple_history.signals import pre_create_historical_record

        from events.signals import programme_loaded
        from registration import audit, signals
        from registration.roles import ensure_groups_after_migrate
        from registration.seed import load_checkpoints

        signals.connect()  # checkpoint edits drop the desk's shared copies
        # `load_summit` loads the desk's checkpoints with the programme.
        programme_loaded.connect(load_checkpoints, dispatch_uid="registration.seed.checkpoints")

        # Every history row says who acted (registration.audit).
        pre_create_historical_record.connect(audit.stamp, dispatch_uid="registration.audit.stamp")

        # The staff groups exist after every `migrate`, including the test database's.
        post_migrate.connect(ensure_groups_after_migrate, sender=self, dispatch_uid="registration.ensure_groups")
