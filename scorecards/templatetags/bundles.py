from django import template

from cdmo_eval.access import may_import_bundles

register = template.Library()


@register.simple_tag(takes_context=True)
def can_import_bundles(context, evaluations=None) -> bool:
    """May the signed-in user import bundles? Given the list of all their
    evaluations annotated with ``my_role`` (the evaluation list page has it), the
    answer costs no query."""
    roles = None if evaluations is None else {e.my_role for e in evaluations}
    return may_import_bundles(context["request"].user, roles)
