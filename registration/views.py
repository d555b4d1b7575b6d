from django.shortcuts import render


def start(request):
    """Registration opens with the pre-registration feature; until then, say so."""
    return render(request, "registration/opens_soon.html")
