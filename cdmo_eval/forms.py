"""Form helpers shared by every app."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def add_service_error(form: forms.Form, exc: ValidationError, field: str | None = None):
    """Show a service's refusal next to the field it concerns (or the form)."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(field, exc)


def saved(form: forms.Form, call) -> bool:
    """Validate ``form`` and call the service with its cleaned data: True when it
    was saved; otherwise the form holds the errors, a service's refusal next to
    the field it concerns."""
    if not form.is_valid():
        return False
    try:
        call(form.cleaned_data)
    except ValidationError as exc:
        add_service_error(form, exc)
        return False
    return True


def posted(request, files: bool = False):
    """The submitted data for a form, or None on GET. Unlike ``request.POST or None``
    an empty submission still binds the form, so it gets its "required" errors."""
    if request.method != "POST":
        return (None, None) if files else None
    return (request.POST, request.FILES) if files else request.POST


class ReasonForm(forms.Form):
    """Why a change is made: asked for wherever the change must be explained."""

    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


def submit_small_form(request, form, call, *, done: str, invalid: str) -> None:
    """A one-button form posted from a page that is then shown again: validate,
    call the service with the cleaned data, and say in a message what happened."""
    if not form.is_valid():
        messages.error(request, invalid)
        return
    try:
        call(form.cleaned_data)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)


ID_MAX = 2**63 - 1


class IdsChoiceField(forms.ModelMultipleChoiceField):
    """A multiple choice of records by id that refuses an id no database column
    can hold (Django would pass it to the database in an ``IN`` list, which
    SQLite answers with OverflowError) as an invalid choice, like any unknown id."""

    def _check_values(self, value):
        for v in value:
            text = str(v).strip()
            if text.lstrip("-").isdigit() and abs(int(text)) > ID_MAX:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": text[:20] + "…"},
                )
        return super()._check_values(value)
