from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from cdmo_eval.forms import posted
from partners.access import Can, get_evaluation_for

from ..access import require_bundle_import
from .errors import InvalidBundle
from .exporter import dumps, export_bundle
from .forms import BundleUploadForm
from .importer import import_bundle


@require_safe
def bundle_download(request, key):
    """The evaluation as a bundle file, for its leads."""
    evaluation = get_evaluation_for(request.user, key, Can.MANAGE)
    response = HttpResponse(
        dumps(export_bundle(evaluation)),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{evaluation.key}.json"'
    return response


@require_http_methods(["GET", "POST"])
def bundle_import(request):
    """Create an evaluation from an uploaded bundle; the uploader becomes its lead
    unless the bundle names them. Every problem is listed next to the file field."""
    require_bundle_import(request.user)
    form = BundleUploadForm(*posted(request, files=True))
    if request.method == "POST" and form.is_valid():
        try:
            evaluation = import_bundle(form.cleaned_data["bundle"], by=request.user)
        except InvalidBundle as exc:
            form.add_error("bundle", [str(e) for e in exc.errors])
        else:
            messages.success(
                request,
                _("Imported “%(name)s”.") % {"name": evaluation.name},
            )
            return redirect(evaluation)
    return render(
        request,
        "scorecards/bundle_import.html",
        {"form": form},
        status=400 if form.errors else 200,
    )
