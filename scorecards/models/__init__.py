"""The models of `scorecards`, each defined in its topic's package and gathered
here for Django and for migrations (which name ``scorecards.models.report_path``):

- `library`: categories, criteria, anchors, standing bands, templates;
- `setup`: scoring plans (the snapshot of a template), conflict declarations;
- `rating`: scorecards, ratings, consensus;
- `alignment`: computed results;
- `reports`: report PDF jobs.
"""

from ..alignment.models import (
    AlignmentResult,
    AlignmentRun,
    AlignmentState,
    CriterionResult,
)
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
    "Source",
    "StandingBand",
    "StandingScale",
    "Template",
    "TemplateCategory",
    "TemplateCriterion",
    "report_path",
]
