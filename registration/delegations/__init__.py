"""The organisers' back office for delegations: a city's delegation list
imported from a file (importing.py, preview then one all-or-nothing confirm),
the delegations page (queries.py, views.py) and mail written to a filtered set
of registrations (mailing.py). Models in models.py (imported by
registration.models), pages under /<lang>/admin/delegations/ (urls.py)."""
