"""Create an evaluation from a bundle (BUNDLE.md), all or nothing."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from negotiations.models import (
    Agreement,
    AmendmentRound,
    Escalation,
    InformationRequest,
    Milestone,
    SteeringMeeting,
)
from partners.events import notify_inputs_changed
from partners.models import (
    Candidate,
    Cdmo,
    Contact,
    CultureInterview,
    Evaluation,
    Finding,
    Membership,
    Role,
    Site,
    SiteVisit,
)

from ..library.selectors import default_bands
from ..models import (
    ConflictDeclaration,
    ConsensusRating,
    PlanCategory,
    PlanCriterion,
    Rating,
    Scorecard,
    ScoringPlan,
    Source,
)
from .schema import ANSWERS, InvalidBundle, validate_bundle

User = get_user_model()

TEMPLATE_NAME = "Evaluation bundle"
"""What the criteria page says the snapshot was copied from."""


def import_bundle(doc, *, by=None) -> Evaluation:
    """Create the evaluation a bundle describes, with everything in it.

    The whole document is validated first (`schema.validate_bundle`) and
    `InvalidBundle` lists every problem; nothing is written then. Otherwise one
    transaction creates the evaluation, its criteria snapshot, members (unknown
    usernames become inactive accounts without a password), the directory's CDMOs,
    sites and contacts (matched by key: existing ones are updated from the fields the
    bundle gives), candidates, evidence, ratings, negotiation records, conflicts and
    consensus. Records are written directly rather than through the services, which
    refuse legitimate history (scoring closed, dates in the past); their content
    rules are enforced by the validation instead. ``by``, the importing user, becomes
    a lead if the bundle does not name them. Results are computed after the commit.
    """
    clean, errors = validate_bundle(doc, by=by)
    if errors:
        raise InvalidBundle(errors)
    with transaction.atomic():
        evaluation = _write(clean, doc, by)
        notify_inputs_changed(evaluation_id=evaluation.pk)
    return evaluation


def _write(clean: dict, doc: dict, by) -> Evaluation:
    ev = clean["evaluation"]
    evaluation = Evaluation.objects.create(
        **{k: v for k, v in ev.items() if k != "sensitivity_delta"},
        sensitivity_delta=Decimal(str(ev["sensitivity_delta"])),
        created_by=by,
    )
    bands = clean["bands"] if clean["bands"] is not None else default_bands()
    # A bundle without criteria leaves the plan to be set up from a template.
    plan = ScoringPlan.objects.create(
        evaluation=evaluation,
        template_name=TEMPLATE_NAME if clean["criteria"] else "",
        bands=bands,
        snapshot_at=timezone.now() if clean["criteria"] else None,
    )
    criteria = _snapshot(plan, clean)
    users = _members(evaluation, clean["users"], by)
    # A bundle does not say who logged interviews, visits, findings and negotiation
    # records: the importing user did, or from the command line the first lead.
    author = (
        by
        or users[next(u["username"] for u in clean["users"] if u["role"] == Role.LEAD)]
    )
    cdmos, sites, contacts = _directory(clean["cdmos"], doc.get("cdmos", []))
    candidates = {
        c["cdmo"]: Candidate(
            evaluation=evaluation,
            cdmo=cdmos[c["cdmo"]],
            bulk_site=sites.get(c["bulk_site"]),
            stage=c["stage"],
        )
        for c in clean["candidates"]
    }
    Candidate.objects.bulk_create(candidates.values())
    records = _evidence(clean, candidates, sites, contacts, users, author)
    _findings(clean, candidates, records, users, author)
    _scorecards(plan, clean, candidates, criteria, users, records)
    _negotiations(clean, candidates, users, author)
    _conflicts_and_consensus(plan, clean, candidates, criteria, users)
    return evaluation


def _snapshot(plan: ScoringPlan, clean: dict) -> dict[str, PlanCriterion]:
    categories = PlanCategory.objects.bulk_create(
        PlanCategory(
            plan=plan,
            key=c["key"],
            name=c["name"],
            weight=c["weight"],
            order=i,
        )
        for i, c in enumerate(clean["categories"])
    )
    by_key = {c.key: c for c in categories}
    position: dict[str, int] = {}
    criteria = []
    for c in clean["criteria"]:
        order = position[c["category"]] = position.get(c["category"], -1) + 1
        criteria.append(
            PlanCriterion(
                plan=plan,
                category=by_key[c["category"]],
                key=c["key"],
                name=c["name"],
                description=c["description"],
                weight=c["weight"],
                kind=c["kind"],
                sources=list(c["sources"]),
                gate_threshold=None
                if c["gate_threshold"] is None
                else Decimal(str(c["gate_threshold"])),
                signal=c["signal"] or "",
                curve=c["curve"],
                order=order,
                anchors=c["anchors"],
            )
        )
    return {c.key: c for c in PlanCriterion.objects.bulk_create(criteria)}


def _members(evaluation: Evaluation, members: list[dict], by) -> dict:
    names = [m["username"] for m in members]
    users = {u.username: u for u in User.objects.filter(username__in=names)}
    for name in names:
        if name not in users:
            # Someone who will get access by a password reset or SSO, not today.
            user = User(username=name, is_active=False)
            user.set_unusable_password()
            user.save()
            users[name] = user
    rows = [
        Membership(
            evaluation=evaluation,
            user=users[m["username"]],
            role=m["role"],
            added_by=by,
        )
        for m in members
    ]
    if by is not None and by.username not in users:
        rows.append(
            Membership(evaluation=evaluation, user=by, role=Role.LEAD, added_by=by)
        )
    Membership.objects.bulk_create(rows)
    return users


def _directory(cdmos: list[dict], given: list) -> tuple[dict, dict, dict]:
    """Create or update the bundle's CDMOs, sites and contacts, matched by key.

    An existing record takes the fields the bundle states (``given`` is the raw
    document); fields the bundle leaves out keep their stored value.
    """
    companies = {
        c.key: c for c in Cdmo.objects.filter(key__in=[c["key"] for c in cdmos])
    }
    found = {
        s.key: s
        for s in Site.objects.filter(
            key__in=[s["key"] for c in cdmos for s in c["sites"]]
        )
    }
    contacts = {
        c.key: c
        for c in Contact.objects.filter(
            key__in=[k["key"] for c in cdmos for k in c["contacts"]]
        )
    }
    for c, raw in zip(cdmos, given, strict=True):
        fields = {
            "name": c["name"],
            "headquarters": c["headquarters"],
            "website": c["website"],
            "ownership": c["ownership"],
            "modalities": c["modalities"],
            **{f"culture_{a}": c["culture_statement"][a] for a in ANSWERS},
        }
        stated = set(raw) | {f"culture_{a}" for a in raw.get("culture_statement", {})}
        cdmo = _upsert(companies.get(c["key"]), Cdmo, {"key": c["key"]}, fields, stated)
        companies[c["key"]] = cdmo
        for s, raw_site in zip(c["sites"], raw.get("sites", []), strict=True):
            fields = {k: v for k, v in s.items() if k != "key"}
            found[s["key"]] = _upsert(
                found.get(s["key"]),
                Site,
                {"key": s["key"], "cdmo": cdmo},
                fields,
                set(raw_site),
            )
        for k, raw_contact in zip(c["contacts"], raw.get("contacts", []), strict=True):
            fields = {
                **{f: v for f, v in k.items() if f not in ("key", "site")},
                "site": found.get(k["site"]),
            }
            contacts[k["key"]] = _upsert(
                contacts.get(k["key"]),
                Contact,
                {"key": k["key"], "cdmo": cdmo},
                fields,
                set(raw_contact),
            )
    return companies, found, contacts


def _upsert(obj, model, identity: dict, fields: dict, stated: set):
    if obj is None:
        return model.objects.create(**identity, **fields)
    changed = [
        name
        for name, value in fields.items()
        if name in stated and getattr(obj, name) != value
    ]
    for name in changed:
        setattr(obj, name, fields[name])
    if changed:
        obj.save(update_fields=changed)
    return obj


def _evidence(clean, candidates, sites, contacts, users, author) -> dict:
    records: dict = {}
    interviews = []
    for x in clean["interviews"]:
        interviews.append(
            CultureInterview(
                candidate=candidates[x["candidate"]],
                key=x["key"],
                date=x["date"],
                site=sites.get(x["site"]),
                **x["answers"],
                strengths=x["strengths"],
                weaknesses=x["weaknesses"],
                gaps=x["gaps"],
                notes=x["notes"],
                created_by=author,
            )
        )
    CultureInterview.objects.bulk_create(interviews)
    Through = CultureInterview.interviewees.through
    Through.objects.bulk_create(
        Through(cultureinterview=obj, contact=contacts[k])
        for obj, x in zip(interviews, clean["interviews"], strict=True)
        for k in x["interviewees"]
    )
    Through = CultureInterview.interviewers.through
    Through.objects.bulk_create(
        Through(cultureinterview=obj, user=users[u])
        for obj, x in zip(interviews, clean["interviews"], strict=True)
        for u in x["interviewers"]
    )
    visits = [
        SiteVisit(
            candidate=candidates[x["candidate"]],
            key=x["key"],
            site=sites[x["site"]],
            date=x["date"],
            agenda=x["agenda"],
            observations=x["observations"],
            created_by=author,
        )
        for x in clean["site_visits"]
    ]
    SiteVisit.objects.bulk_create(visits)
    Through = SiteVisit.attendees.through
    Through.objects.bulk_create(
        Through(sitevisit=obj, user=users[u])
        for obj, x in zip(visits, clean["site_visits"], strict=True)
        for u in x["attendees"]
    )
    Through = SiteVisit.contact_attendees.through
    Through.objects.bulk_create(
        Through(sitevisit=obj, contact=contacts[k])
        for obj, x in zip(visits, clean["site_visits"], strict=True)
        for k in x["contacts"]
    )
    records.update({f"interview:{o.key}": o for o in interviews})
    records.update({f"site_visit:{o.key}": o for o in visits})
    return records


def _findings(clean, candidates, records, users, author) -> None:
    Finding.objects.bulk_create(
        Finding(
            candidate=candidates[f["candidate"]],
            kind=f["kind"],
            text=f["text"],
            source=f["source"].partition(":")[0],
            interview=records.get(f["source"])
            if f["source"].startswith("interview:")
            else None,
            visit=records.get(f["source"])
            if f["source"].startswith("site_visit:")
            else None,
            source_note=f["source_note"],
            bridging_plan=f["bridging_plan"],
            owner=users.get(f["owner"]),
            carry_to_msa=f["carry_to_msa"],
            status=f["status"],
            created_by=author,
        )
        for f in clean["findings"]
    )


def _scorecards(plan, clean, candidates, criteria, users, records) -> None:
    now = timezone.now()
    cards = [
        Scorecard(
            plan=plan,
            candidate=candidates[s["candidate"]],
            evaluator=users[s["evaluator"]],
            status=s["status"],
            submitted_at=now if s["status"] == Scorecard.Status.SUBMITTED else None,
        )
        for s in clean["scorecards"]
    ]
    Scorecard.objects.bulk_create(cards)
    ratings = []
    for card, s in zip(cards, clean["scorecards"], strict=True):
        for r in s["ratings"]:
            rests_on = records.get(r["rests_on"])
            ratings.append(
                Rating(
                    candidate=card.candidate,
                    criterion=criteria[r["criterion"]],
                    source=Source.SCORECARD,
                    scorecard=card,
                    score=r["score"],
                    rationale=r["rationale"],
                    rests_on_interview=rests_on
                    if isinstance(rests_on, CultureInterview)
                    else None,
                    rests_on_visit=rests_on
                    if isinstance(rests_on, SiteVisit)
                    else None,
                    counts=card.is_submitted,
                    rated_by=card.evaluator,
                )
            )
    for kind, source in (
        ("interview", Source.INTERVIEW),
        ("site_visit", Source.SITE_VISIT),
    ):
        for x in clean["interviews" if kind == "interview" else "site_visits"]:
            record = records[f"{kind}:{x['key']}"]
            for r in x["ratings"]:
                ratings.append(
                    Rating(
                        candidate=record.candidate,
                        criterion=criteria[r["criterion"]],
                        source=source,
                        **(
                            {"interview": record}
                            if kind == "interview"
                            else {"visit": record}
                        ),
                        score=r["score"],
                        rationale=r["rationale"],
                        counts=True,
                        rated_by=record.created_by,
                    )
                )
    Rating.objects.bulk_create(ratings)


def _negotiations(clean, candidates, users, author) -> None:
    Milestone.objects.bulk_create(
        Milestone(candidate=candidates[m["candidate"]], kind=m["kind"], date=m["date"])
        for m in clean["milestones"]
    )
    InformationRequest.objects.bulk_create(
        InformationRequest(
            candidate=candidates[x["candidate"]],
            subject=x["subject"],
            sent=x["sent"],
            due=x["due"],
            answered=x["answered"],
            complete=x["complete"],
            owner=users.get(x["owner"]),
            created_by=author,
        )
        for x in clean["information_requests"]
    )
    agreements = [
        Agreement(candidate=candidates[a["candidate"]], kind=a["kind"])
        for a in clean["agreements"]
    ]
    Agreement.objects.bulk_create(agreements)
    AmendmentRound.objects.bulk_create(
        AmendmentRound(agreement=agreement, created_by=author, **r)
        for agreement, a in zip(agreements, clean["agreements"], strict=True)
        for r in a["rounds"]
    )
    Escalation.objects.bulk_create(
        Escalation(
            candidate=candidates[x["candidate"]],
            question=x["question"],
            raised=x["raised"],
            decided=x["decided"],
            stakeholders=x["stakeholders"],
            owner=users.get(x["owner"]),
            created_by=author,
        )
        for x in clean["escalations"]
    )
    SteeringMeeting.objects.bulk_create(
        SteeringMeeting(
            candidate=candidates[x["candidate"]],
            planned=x["planned"],
            held=x["held"],
            attendees=x["attendees"],
            outcome=x["outcome"],
            created_by=author,
        )
        for x in clean["steering_meetings"]
    )


def _conflicts_and_consensus(plan, clean, candidates, criteria, users) -> None:
    now = timezone.now()
    ConflictDeclaration.objects.bulk_create(
        ConflictDeclaration(
            plan=plan,
            evaluator=users[c["evaluator"]],
            candidate=candidates.get(c["candidate"]),
            text=c["text"],
            override_reason=c["override_reason"],
            overridden_by=users.get(c["overridden_by"]),
            overridden_at=now if c["overridden_by"] else None,
        )
        for c in clean["conflicts"]
    )
    ConsensusRating.objects.bulk_create(
        ConsensusRating(
            candidate=candidates[c["candidate"]],
            criterion=criteria[c["criterion"]],
            score=c["score"],
            reason=c["reason"],
            by=users[c["by"]],
        )
        for c in clean["consensus"]
    )
