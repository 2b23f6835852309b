"""The signed-in home page: what waits for me, and its count in the navigation."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from . import services
from .models import WorkSeen
from .selectors import my_work, new_since


def _seen(user):
    return WorkSeen.objects.filter(user=user).values_list("seen_at", flat=True).first()


@require_safe
def work_home(request):
    work = my_work(request.user)
    seen = _seen(request.user)
    services.work_seen(user=request.user)
    return render(
        request,
        "work/my_work.html",
        {
            "work": work,
            "seen": seen,
            "today": timezone.localdate(),
            "count": sum(len(w.items) for w in work),
        },
    )


@require_safe
def work_count(request):
    """The navigation bar's count (loaded by htmx after the page, so no page pays
    for it): what came due or ready since the person last opened "My work"."""
    count = new_since(my_work(request.user), _seen(request.user))
    return render(request, "work/_count.html", {"count": count})
