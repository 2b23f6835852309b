from django import template

from partners.models import Role
from scorecards.bundles.access import may_import_bundles

register = template.Library()


@register.simple_tag(takes_context=True)
def can_import_bundles(context, evaluations=None) -> bool:
    """May the signed-in user import bundles? Given the list of all their
    evaluations annotated with ``my_role`` (the evaluation list page has it), the
    answer costs no query."""
    user = context["request"].user
    if evaluations is not None and user.is_authenticated and user.is_active:
        return user.is_staff or any(e.my_role == Role.LEAD for e in evaluations)
    return may_import_bundles(user)
