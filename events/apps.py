from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Programme")

    def ready(self):
        # Every programme model is shown by some cached public page (events/pagecache.py):
        # any save, delete or M2M change makes every cached page stale.
        from events import pagecache

        for model in self.get_models():
            post_save.connect(pagecache.content_changed, sender=model, dispatch_uid=f"pages-save-{model.__name__}")
            post_delete.connect(pagecache.content_changed, sender=model, dispatch_uid=f"pages-del-{model.__name__}")
        session = self.get_model("Session")
        m2m_changed.connect(pagecache.content_changed, sender=session.speakers.through, dispatch_uid="pages-m2m")
