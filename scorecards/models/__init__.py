"""The models of `scorecards`, each defined in its topic's package and gathered
here for Django and for migrations (which name ``scorecards.models.report_path``):

- `library`: categories, criteria, anchors, standing bands, templates;
- `setup`: scoring plans (the snapshot of a template), conflict declarations;
- `rating`: scorecards, ratings, consensus;
- `alignment`: computed results;
- `reports`: report PDF jobs;
- `decision`: the decision, its declined candidates and signatures.
"""

from ..alignment.models import (
    AlignmentResult,
    AlignmentRun,
    AlignmentState,
    CriterionResult,
)
from ..decision.models import Decision, Declined, Signature, decision_path
from ..library.models import (
    SCORE_CHOICES,
    SIGNAL_CHOICES,
    Category,
    Criterion,
    CriterionRules,
    Kind,
    ScaleAnchor,
    Source,
    StandingBand,
    StandingScale,
    Template,
    TemplateCategory,
    TemplateCriterion,
)
from ..rating.models import ConsensusRating, Rating, Scorecard
from ..reports.models import ReportJob, report_path
from ..setup.models import (
    ConflictDeclaration,
    PlanCategory,
    PlanCriterion,
    ScoringPlan,
)

__all__ = [
    "SCORE_CHOICES",
    "SIGNAL_CHOICES",
    "AlignmentResult",
    "AlignmentRun",
    "AlignmentState",
    "Category",
    "ConflictDeclaration",
    "ConsensusRating",
    "Criterion",
    "Decision",
    "Declined",
    "CriterionResult",
    "CriterionRules",
    "PlanCategory",
    "PlanCriterion",
    "Kind",
    "Rating",
    "ReportJob",
    "ScaleAnchor",
    "ScoringPlan",
    "Scorecard",
    "Signature",
    "Source",
    "StandingBand",
    "StandingScale",
    "Template",
    "TemplateCategory",
    "TemplateCriterion",
    "decision_path",
    "report_path",
]
