from django.http import Http404


def _todo(request, **kwargs):
    raise Http404


choose_checkpoint = desk = api_checkin = api_search = api_undo = api_counters = _todo
