"""Pagination shared by every list page."""

from django.core.paginator import Page, Paginator

PER_PAGE = 25


def paginate(request, queryset, per_page: int = PER_PAGE) -> Page:
    """The requested page (junk or out-of-range numbers give the nearest page), with
    ``elided_range`` for the page links of ``includes/_pagination.html``."""
    paginator = Paginator(queryset, per_page)
    page = paginator.get_page(request.GET.get("page"))
    page.elided_range = paginator.get_elided_page_range(page.number)
    return page
