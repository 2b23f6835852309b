"""Where report HTML finds the app's static files.

Kept apart from the fetcher so that the process starting a render can resolve
these settings without importing WeasyPrint.
"""

from urllib.parse import urljoin, urlsplit

from django.conf import settings

# The base URL report HTML is rendered with. The ``.invalid`` top-level domain is
# reserved (RFC 2606) and never resolves; the fetcher maps it to files on disk and
# nothing ever connects to it. An http(s) base is used, rather than a made-up
# scheme, because urllib only joins relative URLs (``/static/...``,
# ``../fonts/x.ttf`` inside a stylesheet) against schemes it knows.
STATIC_BASE_URL = "https://cdmo-eval.invalid/"


def static_url_prefixes(static_url: str) -> list[str]:
    """The URL prefixes under which report HTML names a static file."""
    prefixes = [urljoin(STATIC_BASE_URL, "/" + static_url.lstrip("/"))]
    if urlsplit(static_url).scheme in ("http", "https"):
        prefixes.append(static_url)
    return prefixes


def static_search_roots() -> list[tuple[str, str]]:
    """(prefix, directory) pairs to look a static name up in, first match wins.

    The directories of the staticfiles finders come first, as ``runserver`` serves
    them in development; then ``STATIC_ROOT``, where ``collectstatic`` put the
    (hashed) names that ``{% static %}`` produces in production. Finders other than
    Django's file system and app directories finders are not searched.
    """
    from django.contrib.staticfiles import finders

    roots: list[tuple[str, str]] = []
    for finder in finders.get_finders():
        if isinstance(finder, finders.FileSystemFinder):
            roots += [(prefix, str(root)) for prefix, root in finder.locations]
        elif isinstance(finder, finders.AppDirectoriesFinder):
            roots += [("", storage.location) for storage in finder.storages.values()]
    if settings.STATIC_ROOT:
        roots.append(("", str(settings.STATIC_ROOT)))
    return roots
