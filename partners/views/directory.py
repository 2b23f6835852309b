"""The shared CDMO directory: companies, their sites and their people.

The directory is not part of one evaluation: members of any evaluation read it, and
those whose role edits evidence somewhere edit it (`partners.access.user_can`).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, prefetch_related_objects
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from cdmo_eval.forms import ReasonForm, add_service_error, posted
from cdmo_eval.pagination import paginate

from .. import selectors, services
from ..access import Can, get_cdmo_for, may_edit_cdmo, require_site, user_can
from ..filters.directory import CdmoFilter
from ..forms.directory import CdmoForm, ContactForm, SiteForm
from ..models import DELIVERY_LEVELS, Cdmo, Contact, Site

CULTURE_FIELDS = (
    "culture_meaning",
    "culture_how_built",
    "culture_customer_impact",
    "culture_vision",
)


# --- pages --------------------------------------------------------------------------


@require_safe
def cdmo_list(request):
    require_site(request.user, Can.READ_DIRECTORY)
    directory = CdmoFilter(request.GET or None, queryset=selectors.cdmo_rows())
    page = paginate(request, directory.qs)
    return render(
        request,
        "partners/cdmo_list.html",
        {
            "filter": directory,
            "page_obj": page,
            "cdmos": page.object_list,
            "is_filtered": bool(request.GET.get("q") or request.GET.get("modality")),
            "can_edit": user_can(request.user, Can.EDIT_DIRECTORY),
        },
    )


@require_safe
def cdmo_detail(request, key):
    cdmo = get_cdmo_for(request.user, key)
    prefetch_related_objects(
        [cdmo],
        Prefetch("sites", queryset=Site.objects.order_by("name", "pk")),
        Prefetch(
            "contacts",
            queryset=Contact.objects.select_related("site").order_by("name", "pk"),
        ),
    )
    culture = [
        (Cdmo._meta.get_field(name).verbose_name, getattr(cdmo, name))
        for name in CULTURE_FIELDS
    ]
    return render(
        request,
        "partners/cdmo_detail.html",
        {
            "cdmo": cdmo,
            "culture": culture,
            "has_culture": any(text for _label, text in culture),
            "candidacies": selectors.cdmo_candidacies_for(request.user, cdmo),
            "delivery_levels": DELIVERY_LEVELS,
            "can_edit": may_edit_cdmo(request.user, cdmo),
            "can_erase": user_can(request.user, Can.ERASE_PERSONAL_DATA),
        },
    )


def _save_page(request, form, *, cdmo: Cdmo | None, template: str, context: dict):
    """GET shows the form; POST validates it and saves through the service, then
    sends the user to the CDMO's page. Bad input re-renders with status 400.

    ``cdmo`` is the company a site or contact belongs to; None when the form is the
    company itself."""
    status = 200
    if request.method == "POST":
        if form.is_valid():
            record = form.save(commit=False)
            try:
                record = services.directory_save(record=record, by=request.user)
            except ValidationError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, context["saved_message"])
                return redirect(cdmo or record)
        status = 400
    return render(
        request,
        template,
        {"form": form, **context},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def cdmo_create(request):
    require_site(request.user, Can.EDIT_DIRECTORY)
    form = CdmoForm(posted(request))
    return _save_page(
        request,
        form,
        cdmo=None,
        template="partners/directory_form.html",
        context={
            "title": _("Add a CDMO"),
            "submit_label": _("Add CDMO"),
            "saved_message": _("CDMO added to the directory."),
        },
    )


@require_http_methods(["GET", "POST"])
def cdmo_edit(request, key):
    cdmo = get_cdmo_for(request.user, key, Can.EDIT_DIRECTORY)
    # Taken before binding: an invalid POST leaves its typed values on the instance.
    name, url = cdmo.name, cdmo.get_absolute_url()
    form = CdmoForm(posted(request), instance=cdmo)
    return _save_page(
        request,
        form,
        cdmo=None,
        template="partners/directory_form.html",
        context={
            "cdmo_name": name,
            "cdmo_url": url,
            "title": _("Edit %(cdmo)s") % {"cdmo": name},
            "submit_label": _("Save changes"),
            "saved_message": _("CDMO updated."),
        },
    )


def _part_page(request, cdmo: Cdmo, form, *, title: str, submit: str, saved: str):
    return _save_page(
        request,
        form,
        cdmo=cdmo,
        template="partners/directory_form.html",
        context={
            "cdmo_name": cdmo.name,
            "cdmo_url": cdmo.get_absolute_url(),
            "title": title,
            "submit_label": submit,
            "saved_message": saved,
        },
    )


@require_http_methods(["GET", "POST"])
def site_create(request, key):
    cdmo = get_cdmo_for(request.user, key, Can.EDIT_DIRECTORY)
    form = SiteForm(posted(request), instance=Site(cdmo=cdmo))
    return _part_page(
        request,
        cdmo,
        form,
        title=_("Add a site to %(cdmo)s") % {"cdmo": cdmo.name},
        submit=_("Add site"),
        saved=_("Site added."),
    )


@require_http_methods(["GET", "POST"])
def site_edit(request, key, pk):
    cdmo = get_cdmo_for(request.user, key, Can.EDIT_DIRECTORY)
    site = get_object_or_404(Site, pk=pk, cdmo=cdmo)
    title = _("Edit site %(site)s") % {"site": site.name}
    form = SiteForm(posted(request), instance=site)
    return _part_page(
        request,
        cdmo,
        form,
        title=title,
        submit=_("Save changes"),
        saved=_("Site updated."),
    )


@require_http_methods(["GET", "POST"])
def contact_create(request, key):
    cdmo = get_cdmo_for(request.user, key, Can.EDIT_DIRECTORY)
    form = ContactForm(posted(request), instance=Contact(cdmo=cdmo), cdmo=cdmo)
    return _part_page(
        request,
        cdmo,
        form,
        title=_("Add a contact at %(cdmo)s") % {"cdmo": cdmo.name},
        submit=_("Add contact"),
        saved=_("Contact added."),
    )


@require_http_methods(["GET", "POST"])
def contact_edit(request, key, pk):
    cdmo = get_cdmo_for(request.user, key, Can.EDIT_DIRECTORY)
    contact = get_object_or_404(Contact, pk=pk, cdmo=cdmo)
    title = _("Edit contact %(contact)s") % {"contact": contact.name}
    form = ContactForm(posted(request), instance=contact, cdmo=cdmo)
    return _part_page(
        request,
        cdmo,
        form,
        title=title,
        submit=_("Save changes"),
        saved=_("Contact updated."),
    )


@require_http_methods(["GET", "POST"])
def contact_erase(request, key, pk):
    """Honour an erasure request for a contact's personal data (staff)."""
    require_site(request.user, Can.ERASE_PERSONAL_DATA)
    cdmo = get_cdmo_for(request.user, key)
    contact = get_object_or_404(Contact, pk=pk, cdmo=cdmo)
    form = ReasonForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_erase(
                contact=contact, reason=form.cleaned_data["reason"], by=request.user
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The contact's personal data is erased."))
            return redirect(cdmo.get_absolute_url() + "#contacts")
    return render(
        request,
        "partners/contact_erase.html",
        {"cdmo": cdmo, "contact": contact, "form": form},
        status=400 if form.errors else 200,
    )
