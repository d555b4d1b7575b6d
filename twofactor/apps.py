from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.utils.translation import gettext_lazy as _


class TwoFactorConfig(AppConfig):
    name = "twofactor"
    verbose_name = _("Two-factor log-in")

    def ready(self):
        from twofactor.gate import remember_app_at_login

        user_logged_in.connect(remember_app_at_login, dispatch_uid="twofactor.remember_app_at_login")
