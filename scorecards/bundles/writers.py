"""How each record type of a bundle is written: through the services, as a user
would write it, in the explicit history mode where a record is of the past.

Each writer takes the `Import` and the clean records of its list (the shape check
has already passed) and calls one service per record, inside a savepoint: a
service's refusal becomes bundle errors at the record's JSON path, and the import
goes on so that every problem is reported at once. A record whose candidate (or
other parent) failed is skipped; its parent's error says why.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from negotiations import services as negotiations
from negotiations.models import (
    AmendmentRound,
    Escalation,
    InformationRequest,
    SteeringMeeting,
)
from partners import services as partners
from partners.evidence import BY_KEY
from partners.models import Candidate, Cdmo, Contact, Evaluation, Finding, Role, Site

from ..decision import services as decisions
from ..rating import services as rating
from ..setup import services as setup
from ..setup.selectors import selection_plan
from .errors import BundleError, from_validation, show

TEMPLATE_NAME = "Evaluation bundle"
"""What the criteria page says the plan's criteria were copied from."""
ANSWERS = ("meaning", "how_built", "customer_impact", "vision")


class Import:
    """What an import has written so far, by the bundle's keys, and its errors."""

    def __init__(self, clean: dict, by) -> None:
        self.clean = clean
        self.by = by
        self.errors: list[BundleError] = []
        self.evaluation: Evaluation | None = None
        self.plan = None
        self.author = by
        self.users: dict = {}
        self.cdmos: dict[str, Cdmo] = {}
        self.sites: dict[str, Site] = {}
        self.contacts: dict[str, Contact] = {}
        self.candidates: dict[str, Candidate] = {}
        self.criteria: dict = {}
        self.evidence: dict[str, object] = {}

    def attempt(self, path: str, call, fields: dict[str, str] | None = None):
        """``call()`` in a savepoint; a `ValidationError` becomes errors at ``path``
        (``fields`` maps the service's field names to the record's) and None."""
        try:
            with transaction.atomic():
                return call()
        except ValidationError as exc:
            self.errors.extend(from_validation(exc, path, fields))
            return None

    def error(self, path: str, message: str) -> None:
        self.errors.append(BundleError(path, message))


def evaluation(imp: Import, rec: dict, spec) -> None:
    fields = {k: v for k, v in rec.items() if not k.startswith("_")}
    fields["sensitivity_delta"] = Decimal(str(fields["sensitivity_delta"]))
    imp.evaluation = imp.attempt(
        "$.evaluation",
        lambda: partners.evaluation_create(created_by=imp.by, lead=False, **fields),
    )
    if imp.evaluation is not None:
        imp.plan = selection_plan(imp.evaluation)


def plan(imp: Import, criteria: list[dict], spec) -> None:
    """The categories, criteria and bands, as the plan's own (`plan_define`)."""
    categories = [
        {"key": c["key"], "name": c["name"], "weight": c["weight"]}
        for c in imp.clean["categories"]
    ]
    rows = [
        {
            **{k: v for k, v in c.items() if not k.startswith("_")},
            "gate_threshold": None
            if c["gate_threshold"] is None
            else Decimal(str(c["gate_threshold"])),
            "signal": c["signal"] or "",
        }
        for c in criteria
    ]
    imp.attempt(
        "$",
        lambda: setup.plan_define(
            plan=imp.plan,
            template_name=TEMPLATE_NAME,
            bands=None
            if imp.clean["bands"] is None
            else [_plain(b) for b in imp.clean["bands"]],
            categories=categories,
            criteria=rows,
            by=imp.by,
        ),
    )
    imp.plan.refresh_from_db()  # the evaluation's cached plan, as defined
    imp.criteria = {c.key: c for c in imp.plan.criteria.all()}


def users(imp: Import, records: list[dict], spec) -> None:
    """Members by username: an account that does not exist yet is created
    inactive. The importing user leads the evaluation unless the bundle names
    them."""
    for u in records:
        user = imp.attempt(
            u["_path"],
            lambda u=u: partners.user_placeholder_ensure(username=u["username"]),
        )
        if user is None:
            continue
        imp.users[u["username"]] = user
        imp.attempt(
            u["_path"],
            lambda u=u, user=user: partners.membership_add(
                evaluation=imp.evaluation, user=user, role=u["role"], by=imp.by
            ),
        )
    if imp.by is not None and imp.by.get_username() not in imp.users:
        partners.membership_add(
            evaluation=imp.evaluation, user=imp.by, role=Role.LEAD, by=imp.by
        )
    if imp.author is None:
        # A bundle does not say who logged its records: from the command line, the
        # first lead did.
        lead = next(u for u in records if u["role"] == Role.LEAD)
        imp.author = imp.users.get(lead["username"])


def _stated(rec: dict, exclude=()) -> dict:
    """The fields of a directory record its bundle states (the others keep the
    stored values)."""
    raw = rec["_raw"]
    return {k: rec[k] for k in raw if k in rec and k not in exclude}


def directory(imp: Import, records: list[dict], spec) -> None:
    """The shared directory's CDMOs, sites and contacts, matched by key: a new
    one is created, an existing one takes the fields the bundle states."""
    keys = {
        name: [x["key"] for c in records for x in c[name]]
        for name in ("sites", "contacts")
    }
    imp.cdmos = {
        c.key: c for c in Cdmo.objects.filter(key__in=[c["key"] for c in records])
    }
    stored = {
        "sites": {s.key: s for s in Site.objects.filter(key__in=keys["sites"])},
        "contacts": {
            c.key: c
            for c in Contact.objects.select_related("cdmo").filter(
                key__in=keys["contacts"]
            )
        },
    }
    for c in records:
        cdmo = imp.cdmos.get(c["key"]) or Cdmo()
        fields = _stated(c, exclude=("sites", "contacts", "culture_statement"))
        answers = c["_raw"].get("culture_statement") or {}
        fields.update({f"culture_{a}": c["culture_statement"][a] for a in answers})
        for name, value in fields.items():
            setattr(cdmo, name, value)
        saved = imp.attempt(
            c["_path"],
            lambda cdmo=cdmo: partners.directory_save(record=cdmo, by=imp.by),
        )
        if saved is None:
            continue
        imp.cdmos[c["key"]] = saved
        for name, model in (("sites", Site), ("contacts", Contact)):
            for x in c[name]:
                _directory_entry(imp, saved, model, x, stored[name].get(x["key"]))


def _directory_entry(imp: Import, cdmo: Cdmo, model, x: dict, found) -> None:
    if found is not None and found.cdmo_id != cdmo.pk:
        owner = Cdmo.objects.get(pk=found.cdmo_id).key
        imp.error(
            f"{x['_path']}.key",
            f"{show(x['key'])} already belongs to the CDMO {show(owner)}",
        )
        return
    record = found or model(cdmo=cdmo)
    for name, value in _stated(x, exclude=("site",)).items():
        setattr(record, name, value)
    if model is Contact and "site" in x["_raw"]:
        record.site = imp.sites.get(x["site"])
    saved = imp.attempt(
        x["_path"], lambda: partners.directory_save(record=record, by=imp.by)
    )
    if saved is not None:
        (imp.sites if model is Site else imp.contacts)[x["key"]] = saved


def candidates(imp: Import, records: list[dict], spec) -> None:
    for c in records:
        cdmo = imp.cdmos.get(c["cdmo"])
        if cdmo is None:
            continue
        candidate = imp.attempt(
            c["_path"],
            lambda c=c, cdmo=cdmo: partners.candidate_add(
                evaluation=imp.evaluation,
                cdmo=cdmo,
                bulk_site=imp.sites.get(c["bulk_site"]),
                stage=c["stage"],
                by=imp.by,
            ),
            spec.fields_map,
        )
        if candidate is not None:
            imp.candidates[c["cdmo"]] = candidate


def evidence(kind, *, contacts: str, members: str):
    """The writer of an evidence kind's records, whose bundle fields ``contacts``
    and ``members`` name the people it involves; the other plain fields (and the
    interview's answers) are the model's."""
    people = {"candidate", "site", "key", "ratings", contacts, members}

    def write(imp: Import, records: list[dict], spec) -> None:
        fields_map = {kind.contacts_field: contacts, kind.members_field: members}
        for x in records:
            candidate = imp.candidates.get(x["candidate"])
            if candidate is None:
                continue
            fields = {
                k: v for k, v in x.items() if k not in people and not k.startswith("_")
            }
            fields.update(fields.pop("answers", {}))
            record = kind.model(
                candidate=candidate,
                key=x["key"],
                site=imp.sites.get(x["site"]),
                **fields,
            )
            saved = imp.attempt(
                x["_path"],
                lambda x=x, record=record: partners.evidence_save(
                    record=record,
                    contacts=[
                        imp.contacts[k] for k in x[contacts] if k in imp.contacts
                    ],
                    members=[imp.users[u] for u in x[members] if u in imp.users],
                    by=imp.author,
                ),
                fields_map,
            )
            if saved is None:
                continue
            imp.evidence[f"{kind.key}:{x['key']}"] = saved
            _evidence_ratings(imp, saved, x)

    return write


def _evidence_ratings(imp: Import, record, x: dict) -> None:
    ratings = [(r, imp.criteria.get(r["criterion"])) for r in x["ratings"]]
    ratings = [(r, c) for r, c in ratings if c is not None]
    if not ratings:
        return
    imp.attempt(
        x["_path"],
        lambda: rating.evidence_ratings_save(
            record=record,
            scores={c.pk: r["score"] for r, c in ratings},
            rationales={c.pk: r["rationale"] for r, c in ratings},
            by=imp.author,
        ),
        {f"crit-{c.pk}": f"ratings.{r['_index']}.criterion" for r, c in ratings},
    )


def findings(imp: Import, records: list[dict], spec) -> None:
    for f in records:
        candidate = imp.candidates.get(f["candidate"])
        if candidate is None:
            continue
        kind = BY_KEY.get(f["source"].partition(":")[0])
        if kind is not None and f["source"] not in imp.evidence:
            continue  # the record it came from was refused
        finding = Finding(
            candidate=candidate,
            kind=f["kind"],
            text=f["text"],
            source=kind.key if kind else f["source"],
            source_note=f["source_note"],
            bridging_plan=f["bridging_plan"],
            owner=imp.users.get(f["owner"]),
            carry_to_msa=f["carry_to_msa"],
            status=f["status"],
        )
        if kind is not None:
            setattr(finding, kind.name, imp.evidence.get(f["source"]))
        imp.attempt(
            f["_path"],
            lambda finding=finding: partners.finding_save(
                finding=finding, by=imp.author
            ),
            spec.fields_map,
        )


def conflicts(imp: Import, records: list[dict], spec) -> None:
    for c in records:
        evaluator = imp.users.get(c["evaluator"])
        candidate = imp.candidates.get(c["candidate"]) if c["candidate"] else None
        if evaluator is None or (c["candidate"] and candidate is None):
            continue
        declared = imp.attempt(
            c["_path"],
            lambda c=c, evaluator=evaluator, candidate=candidate: (
                setup.conflict_declare(
                    plan=imp.plan,
                    evaluator=evaluator,
                    candidates=[candidate] if candidate else [],
                    text=c["text"],
                )
            ),
            spec.fields_map,
        )
        overrider = imp.users.get(c["overridden_by"])
        if declared and (c["overridden_by"] or c["override_reason"]):
            imp.attempt(
                c["_path"],
                lambda c=c, declared=declared, overrider=overrider: (
                    setup.conflict_override(
                        declaration=declared[0],
                        reason=c["override_reason"],
                        by=overrider,
                    )
                ),
                {**spec.fields_map, "__all__": "overridden_by"},
            )


def scorecards(imp: Import, records: list[dict], spec) -> None:
    for s in records:
        candidate = imp.candidates.get(s["candidate"])
        evaluator = imp.users.get(s["evaluator"])
        rests_on = [r["rests_on"] for r in s["ratings"] if r["rests_on"]]
        if candidate is None or evaluator is None:
            continue
        if any(key not in imp.evidence for key in rests_on):
            continue  # evidence it rests on was refused
        ratings = [
            (
                imp.criteria[r["criterion"]],
                r["score"],
                r["rationale"],
                imp.evidence.get(r["rests_on"]) if r["rests_on"] else None,
            )
            for r in s["ratings"]
            if r["criterion"] in imp.criteria
        ]
        imp.attempt(
            s["_path"],
            lambda s=s, candidate=candidate, evaluator=evaluator, ratings=ratings: (
                rating.scorecard_record(
                    plan=imp.plan,
                    candidate=candidate,
                    evaluator=evaluator,
                    status=s["status"],
                    ratings=ratings,
                    by=imp.author,
                )
            ),
        )


def consensus(imp: Import, records: list[dict], spec) -> None:
    for c in records:
        candidate = imp.candidates.get(c["candidate"])
        criterion = imp.criteria.get(c["criterion"])
        by = imp.users.get(c["by"])
        if candidate is None or criterion is None or by is None:
            continue
        imp.attempt(
            c["_path"],
            lambda c=c, candidate=candidate, criterion=criterion, by=by: (
                rating.consensus_record(
                    candidate=candidate,
                    criterion=criterion,
                    score=c["score"],
                    reason=c["reason"],
                    by=by,
                )
            ),
            {"__all__": "criterion"},
        )


def milestones(imp: Import, records: list[dict], spec) -> None:
    """Each candidate's milestones in one call, as its milestones form saves
    them; an error of a kind is reported at that milestone's date."""
    by_candidate: dict[str, list[dict]] = {}
    for m in records:
        by_candidate.setdefault(m["candidate"], []).append(m)
    for key, items in by_candidate.items():
        candidate = imp.candidates.get(key)
        if candidate is None:
            continue
        imp.attempt(
            "$",
            lambda candidate=candidate, items=items: negotiations.milestones_save(
                candidate=candidate,
                dates={m["kind"]: m["date"] for m in items},
                by=imp.author,
            ),
            {m["kind"]: f"milestones.{m['_index']}.date" for m in items},
        )


def requests(imp: Import, records: list[dict], spec) -> None:
    for x in records:
        candidate = imp.candidates.get(x["candidate"])
        if candidate is None:
            continue
        request = InformationRequest(
            candidate=candidate,
            **_plain(x, "candidate", "owner"),
            owner=imp.users.get(x["owner"]),
        )
        imp.attempt(
            x["_path"],
            lambda request=request: negotiations.request_save(
                info_request=request, by=imp.author, history=True
            ),
        )


def agreements(imp: Import, records: list[dict], spec) -> None:
    """Each agreement round by round, as they were added."""
    for a in records:
        candidate = imp.candidates.get(a["candidate"])
        if candidate is None:
            continue
        for r in a["rounds"]:
            added = imp.attempt(
                r["_path"],
                lambda a=a, r=r, candidate=candidate: negotiations.round_add(
                    candidate=candidate,
                    kind=a["kind"],
                    round_=AmendmentRound(**_plain(r, "number")),
                    by=imp.author,
                ),
            )
            if added is None:
                break  # the later rounds follow this one


def escalations(imp: Import, records: list[dict], spec) -> None:
    for x in records:
        candidate = imp.candidates.get(x["candidate"])
        if candidate is None:
            continue
        escalation = Escalation(
            candidate=candidate,
            **_plain(x, "candidate", "owner"),
            owner=imp.users.get(x["owner"]),
        )
        imp.attempt(
            x["_path"],
            lambda escalation=escalation: negotiations.escalation_save(
                escalation=escalation, by=imp.author, history=True
            ),
        )


def meetings(imp: Import, records: list[dict], spec) -> None:
    for x in records:
        candidate = imp.candidates.get(x["candidate"])
        if candidate is None:
            continue
        meeting = SteeringMeeting(candidate=candidate, **_plain(x, "candidate"))
        imp.attempt(
            x["_path"],
            lambda meeting=meeting: negotiations.meeting_save(
                meeting=meeting, by=imp.author
            ),
        )


def _plain(rec: dict, *exclude: str) -> dict:
    return {k: v for k, v in rec.items() if k not in exclude and not k.startswith("_")}


def stage_history(imp: Import, records: list[dict], spec) -> None:
    for c in records:
        candidate = imp.candidates.get(c["candidate"])
        by = imp.users.get(c["by"])
        if candidate is None or by is None:
            continue
        imp.attempt(
            c["_path"],
            lambda c=c, candidate=candidate, by=by: partners.stage_change_record(
                candidate=candidate,
                from_stage=c["from"],
                to_stage=c["to"],
                at=c["at"],
                reason=c["reason"],
                by=by,
            ),
            spec.fields_map,
        )


def decision(imp: Import, rec: dict | None, spec) -> None:
    """The decision as taken elsewhere: its signatures are kept as "signed
    elsewhere, not verifiable here" (the bundle does not carry the report)."""
    if rec is None:
        return
    declined = [
        (imp.candidates[d["candidate"]], d["reason"])
        for d in rec["declined"]
        if d["candidate"] in imp.candidates
    ]
    signatures = [
        {
            "signer": imp.users[s["username"]],
            "printed_name": s["printed_name"],
            "meaning": s["meaning"],
            "signed_at": s["signed_at"],
            "sha256": s["sha256"],
        }
        for s in rec["signatures"]
        if s["username"] in imp.users
    ]
    imp.attempt(
        "$.decision",
        lambda: decisions.decision_record_history(
            evaluation=imp.evaluation,
            selected=imp.candidates.get(rec["selected"]),
            decided_on=rec["decided"],
            rationale=rec["rationale"],
            declined=declined,
            signatures=signatures,
            by=imp.author,
        ),
    )
