"""Pagination shared by every list page."""

from django.core.paginator import Paginator

PER_PAGE = 25


def paginate(request, queryset, per_page: int = PER_PAGE):
    """The requested page (out-of-range or junk page numbers give the nearest page),
    and the query string without ``page`` for the page links."""
    page = Paginator(queryset, per_page).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()
