"""History pages: an evaluation's audit trail, one record's, and the CSV."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from cdmo_eval.pagination import paginate
from partners.access import Can, get_evaluation_for

from . import present
from .filters import HistoryFilter
from .present import write_csv
from .selectors import history_for, record_history


@require_safe
def evaluation_history(request, key):
    evaluation = get_evaluation_for(request.user, key, Can.READ)
    found = HistoryFilter(
        request.GET or None,
        queryset=history_for(request.user, evaluation),
        evaluation=evaluation,
    )
    page = paginate(request, found.qs)
    return render(
        request,
        "scorecards/history.html",
        {
            "evaluation": evaluation,
            "filter": found,
            "page_obj": page,
            "rows": present.rows(page.object_list),
            "query": request.GET.urlencode(),
        },
    )


@require_safe
def record_history_page(request, key, kind, pk):
    evaluation = get_evaluation_for(request.user, key, Can.READ)
    entries = record_history(request.user, evaluation, kind, pk)
    page = paginate(request, entries)
    if not page.object_list:
        raise Http404("No history of this record here.")
    first = page.object_list[0]
    return render(
        request,
        "scorecards/record_history.html",
        {
            "evaluation": evaluation,
            "title": first.object_repr
            if kind != "candidate"
            else _("Everything about this candidate"),
            "kind": kind,
            "link_records": kind == "candidate",
            "page_obj": page,
            "rows": present.rows(page.object_list),
        },
    )


@require_safe
def history_csv(request, key):
    """The history as filtered on its page, one row per field changed."""
    evaluation = get_evaluation_for(request.user, key, Can.READ)
    found = HistoryFilter(
        request.GET or None,
        queryset=history_for(request.user, evaluation),
        evaluation=evaluation,
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{evaluation.key}-history.csv"'
    )
    write_csv(response, found.qs)
    return response
