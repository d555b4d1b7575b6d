"""The programme's admin (events/admin.py) with what registration adds to it: a
larger capacity, of the event or of a session, fills the places it frees at
once (services.fill_free_places), in the same transaction as the change.

events/ knows nothing of registrations, so registration/ takes over the
registration of those two model admins. Imported by registration/admin.py.
"""

from django.contrib import admin

from events import admin as programme
from events.models import Event, Session
from registration.services import fill_free_places

admin.site.unregister(Event)
admin.site.unregister(Session)


@admin.register(Event)
class EventAdmin(programme.EventAdmin):
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "capacity" in form.changed_data:
            fill_free_places(event=obj)


@admin.register(Session)
class SessionAdmin(programme.SessionAdmin):
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "capacity" in form.changed_data:
            fill_free_places(event=obj.event)
