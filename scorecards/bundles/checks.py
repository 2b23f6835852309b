"""Checks of a bundle record's shape that span its fields (`Spec.check`): what
the document itself must say, before any service sees it."""

from __future__ import annotations

from partners.access import Can, role_can

from ..models import Kind, Source


def criterion(r, clean, raw, path, ctx) -> None:
    # A rated criterion is rated on scorecards unless it says otherwise.
    if clean.get("kind") == Kind.RATED and "sources" not in raw:
        clean["sources"] = [Source.SCORECARD]


def scorecard(r, clean, raw, path, ctx) -> None:
    role = ctx.keys("users").get(clean.get("evaluator"))
    if role and not role_can(role, Can.SCORE):
        r.error(
            f"{path}.evaluator",
            f"{clean['evaluator']} is {role}; only leads and evaluators fill in "
            "scorecards",
        )


def evidence_record(kind):
    def check(r, clean, raw, path, ctx) -> None:
        ctx.keys("evidence kinds")[kind.key] = True
        if clean.get("key"):
            ctx.keys("evidence")[f"{kind.key}:{clean['key']}"] = clean.get("candidate")

    return check


def agreement(r, clean, raw, path, ctx) -> None:
    if "rounds" in raw and isinstance(raw["rounds"], list) and not raw["rounds"]:
        r.error(f"{path}.rounds", "an agreement starts with its first round")
    for i, x in enumerate(clean.get("rounds") or []):
        if x.get("number") is not None and x["number"] != i + 1:
            r.error(
                f"{path}.rounds[{x['_index']}].number",
                f"expected round {i + 1}: rounds are numbered 1, 2, 3… in order",
            )


def conflict(r, clean, raw, path, ctx) -> None:
    if clean.get("override_reason") and not clean.get("overridden_by"):
        r.error(f"{path}.overridden_by", "say who overrode the conflict")


def decision(r, clean, raw, path, ctx) -> None:
    chosen = clean.get("selected")
    for i, d in enumerate(clean.get("declined") or []):
        if chosen is not None and d.get("candidate") == chosen:
            r.error(
                f"{path}.declined[{i}].candidate",
                f"{chosen} is the selected candidate; it cannot be declined too",
            )
    hashes = {s.get("sha256") for s in clean.get("signatures") or []} - {None}
    if len(hashes) > 1:
        r.error(
            f"{path}.signatures",
            "every signature is over the same report: their sha256 differ",
        )
