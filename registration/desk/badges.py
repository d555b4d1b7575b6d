from django.http import Http404


def _todo(request, **kwargs):
    raise Http404


badge_pdf = _todo
