"""Form helpers shared by every app."""

from django import forms
from django.core.exceptions import ValidationError


def add_service_error(form: forms.Form, exc: ValidationError, field: str | None = None):
    """Show a service's refusal next to the field it concerns (or the form)."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(field, exc)


def posted(request, files: bool = False):
    """The submitted data for a form, or None on GET. Unlike ``request.POST or None``
    an empty submission still binds the form, so it gets its "required" errors."""
    if request.method != "POST":
        return (None, None) if files else None
    return (request.POST, request.FILES) if files else request.POST
