from django.http import Http404


def _todo(request, **kwargs):
    raise Http404


walk_in = _todo
