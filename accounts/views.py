"""The signed-in person's own profile: only ever their own, so no ids in the URL."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cdmo_eval.forms import posted, saved

from . import services
from .forms import ProfileForm
from .middleware import remember_time_zone
from .models import Digest, Profile


@require_http_methods(["GET", "POST"])
def profile(request):
    current = Profile.objects.filter(user=request.user).first()
    form = ProfileForm(
        posted(request),
        initial={
            "time_zone": current.time_zone if current else "",
            "digest": current.digest if current else Digest.DAILY,
        },
    )
    if request.method == "POST" and saved(
        form,
        lambda data: services.profile_update(
            user=request.user,
            by=request.user,
            time_zone=data["time_zone"],
            digest=data["digest"],
        ),
    ):
        remember_time_zone(request, form.cleaned_data["time_zone"])
        messages.success(request, _("Your profile is saved."))
        return redirect("profile")
    return render(
        request,
        "accounts/profile.html",
        {"form": form},
        status=400 if form.is_bound and form.errors else 200,
    )
