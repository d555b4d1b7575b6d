from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssemblyConfig(AppConfig):
    name = "assembly"
    verbose_name = _("General Assembly")

    def ready(self):
        from django.db.models.signals import post_delete, post_migrate, post_save

        from assembly import pages
        from assembly.models import Decision
        from assembly.roles import grant_organisers_after_migrate
        from assembly.seed import load_plenary
        from events import extras, pagecache
        from events.signals import programme_loaded

        # `load_summit` loads the plenary's door and the assembly settings with the programme.
        programme_loaded.connect(load_plenary, dispatch_uid="assembly.seed.plenary")

        # The plenary's public session page lists the published decisions (events/extras.py);
        # every change of a decision makes the cached pages stale (events/pagecache.py).
        extras.register_session_extra(pages.published_decisions, key="assembly.decisions")
        post_save.connect(pagecache.content_changed, sender=Decision, dispatch_uid="assembly.decision.saved")
        post_delete.connect(pagecache.content_changed, sender=Decision, dispatch_uid="assembly.decision.deleted")

        # Organisers hold the assembly's permissions, viewers its view ones, after every `migrate`.
        post_migrate.connect(grant_organisers_after_migrate, sender=self, dispatch_uid="assembly.grant_organisers")
