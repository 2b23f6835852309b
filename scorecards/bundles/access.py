"""Who may import bundles. Kept beside the bundles rather than in
`cdmo_eval.access` because it concerns no existing evaluation: importing creates one."""

from partners.models import Membership, Role


def may_import_bundles(user) -> bool:
    """Staff, and anyone who leads at least one evaluation, may import a bundle."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_staff or (
        Membership.objects.filter(user=user, role=Role.LEAD).exists()
    )
