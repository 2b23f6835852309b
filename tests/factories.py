import datetime

import factory
from django.contrib.auth import get_user_model

from negotiations.models import (
    Agreement,
    AmendmentRound,
    Escalation,
    InformationRequest,
    Milestone,
    SteeringMeeting,
)
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

PASSWORD = "test-pass-123!"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@sponsor.example")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.django.Password(PASSWORD)


class EvaluationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evaluation
        skip_postgeneration_save = True

    key = factory.Sequence(lambda n: f"eval-{n}")
    name = factory.Sequence(lambda n: f"Program {n} drug substance")
    program = factory.Sequence(lambda n: f"PX-{n}")
    modality = "monoclonal antibody"
    phase = "Phase 2"

    @factory.post_generation
    def plan(self, create, extracted, **kwargs):
        """Every evaluation has the plan it selects a partner by (as
        `partners.services.evaluation_create` gives it)."""
        if create:
            from scorecards.setup.services import plan_create

            plan_create(evaluation=self)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    evaluation = factory.SubFactory(EvaluationFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.EVALUATOR


class CdmoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cdmo

    key = factory.Sequence(lambda n: f"cdmo-{n}")
    name = factory.Sequence(lambda n: f"Contract Biologics {n}")
    headquarters = "Dublin, Ireland"


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    cdmo = factory.SubFactory(CdmoFactory)
    key = factory.Sequence(lambda n: f"site-{n}")
    name = factory.Sequence(lambda n: f"Plant {n}")
    city = "Dublin"
    country = "IE"


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    cdmo = factory.SubFactory(CdmoFactory)
    key = factory.Sequence(lambda n: f"contact-{n}")
    name = factory.Faker("name")
    level = "operations"


class CandidateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Candidate

    evaluation = factory.SubFactory(EvaluationFactory)
    cdmo = factory.SubFactory(CdmoFactory)
    bulk_site = factory.SubFactory(SiteFactory, cdmo=factory.SelfAttribute("..cdmo"))
    stage = Candidate.Stage.SHORT_LIST


class InterviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CultureInterview
        skip_postgeneration_save = True

    candidate = factory.SubFactory(CandidateFactory)
    date = datetime.date(2026, 3, 1)
    created_by = factory.SubFactory(UserFactory)
    meaning = "Doing what we say."

    @factory.post_generation
    def interviewees(self, create, extracted, **kwargs):
        if create and extracted:
            self.interviewees.set(extracted)


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SiteVisit

    candidate = factory.SubFactory(CandidateFactory)
    site = factory.SelfAttribute("candidate.bulk_site")
    date = datetime.date(2026, 3, 2)
    created_by = factory.SubFactory(UserFactory)
    observations = "Clean suites."


class FindingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Finding

    candidate = factory.SubFactory(CandidateFactory)
    kind = Finding.Kind.SHARED_GAP
    text = factory.Sequence(lambda n: f"Gap number {n}")
    source = Finding.Source.OTHER
    carry_to_msa = True
    created_by = factory.SubFactory(UserFactory)


# --- negotiations ---------------------------------------------------------------------


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    candidate = factory.SubFactory(CandidateFactory)
    kind = Milestone.Kind.FIRST_ENGAGEMENT
    date = datetime.date(2025, 11, 3)


class InformationRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InformationRequest

    candidate = factory.SubFactory(CandidateFactory)
    subject = factory.Sequence(lambda n: f"Request number {n}")
    sent = datetime.date(2026, 1, 10)
    due = datetime.date(2026, 1, 15)
    answered = datetime.date(2026, 1, 13)
    created_by = factory.SubFactory(UserFactory)


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement

    candidate = factory.SubFactory(CandidateFactory)
    kind = Agreement.Kind.MSA


class AmendmentRoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AmendmentRound

    agreement = factory.SubFactory(AgreementFactory)
    number = factory.Sequence(lambda n: n + 1)
    sent = datetime.date(2026, 2, 1)
    returned = datetime.date(2026, 2, 9)
    reviewers = 3
    comments = 14
    actionable_comments = 12
    created_by = factory.SubFactory(UserFactory)


class EscalationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Escalation

    candidate = factory.SubFactory(CandidateFactory)
    question = factory.Sequence(lambda n: f"Escalated question {n}")
    raised = datetime.date(2026, 2, 3)
    decided = datetime.date(2026, 2, 5)
    stakeholders = 2
    created_by = factory.SubFactory(UserFactory)


class SteeringMeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SteeringMeeting

    candidate = factory.SubFactory(CandidateFactory)
    planned = datetime.date(2026, 5, 1)
    created_by = factory.SubFactory(UserFactory)
