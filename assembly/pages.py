"""What the General Assembly adds to the public programme pages (events/extras.py)."""

from django.template.loader import render_to_string

from assembly.models import Decision


def published_decisions(session) -> str:
    """The decisions published for this session (the plenary's), in agenda order;
    "" for any other session. One query."""
    decisions = list(Decision.objects.published().filter(session_id=session.pk).order_by("position", "recorded_at"))
    if not decisions:
        return ""
    return render_to_string("assembly/includes/decisions.html", {"decisions": decisions})
