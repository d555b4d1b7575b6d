def programme_ics(request, **kwargs): raise NotImplementedError
def programme_json(request, **kwargs): raise NotImplementedError
def session_ics(request, **kwargs): raise NotImplementedError
