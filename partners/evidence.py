"""Evidence kinds, named once.

An evidence kind is a record the team makes about a candidate: a culture interview,
a site visit (later perhaps a quality audit or a reference call). Everything that
treats the kinds alike iterates `EVIDENCE_KINDS` instead of naming each one:

- the links other records have to evidence, generated from it: attachments and
  findings (`partners.models`), the ratings an interview or visit gives and the
  evidence a scorecard rating rests on (`scorecards.rating.models`);
- the sources a criterion may be rated from (a scorecard, or a kind that rates);
- the URLs, views, access helpers and forms of each kind (`partners.urls`,
  `partners.views.evidence`, `partners.access.get_evidence_for`);
- the evidence a rating may rest on, the bundle's lists, the report's labels.

Adding a kind takes its model, its entry here and the migrations Django writes
(docs/architecture.md, "Adding an evidence kind").
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.utils.functional import Promise
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class EvidenceKind:
    key: str
    """How sources and bundles name it: ``interview``, ``site_visit``."""
    name: str
    """The field other records link it by, and the prefix of its URL names."""
    segment: str
    """Its URL path segment: ``/interviews/3/``."""
    bundle_list: str
    """The bundle's list of these records (BUNDLE.md)."""
    model_label: str
    label: Promise
    label_plural: Promise
    form: str
    """Dotted path of its form (a `partners.forms.evidence.EvidenceForm`)."""
    contacts_field: str
    """The CDMO's people it involves (they work for the candidate)."""
    members_field: str
    """The sponsor's people it involves (members of the evaluation)."""
    rates: bool = True
    """Whether criteria may be rated from it (it is then a rating source)."""

    @property
    def model(self):
        return apps.get_model(self.model_label)

    @property
    def form_class(self):
        return import_string(self.form)

    def url_name(self, action: str) -> str:
        """``detail``, ``create`` or ``edit``: ``interview_detail``."""
        return f"{self.name}_{action}"

    def template(self, page: str) -> str:
        """Its pages: ``detail`` and ``form``."""
        return f"partners/{self.name}_{page}.html"

    @property
    def section_template(self) -> str:
        """Its section of the candidate page."""
        return f"partners/_{self.name}_section.html"

    def __str__(self) -> str:
        return str(self.label)


INTERVIEW = EvidenceKind(
    key="interview",
    name="interview",
    segment="interviews",
    bundle_list="interviews",
    model_label="partners.CultureInterview",
    label=_("Culture interview"),
    label_plural=_("Culture interviews"),
    form="partners.forms.evidence.InterviewForm",
    contacts_field="interviewees",
    members_field="interviewers",
)
SITE_VISIT = EvidenceKind(
    key="site_visit",
    name="visit",
    segment="visits",
    bundle_list="site_visits",
    model_label="partners.SiteVisit",
    label=_("Site visit"),
    label_plural=_("Site visits"),
    form="partners.forms.evidence.VisitForm",
    contacts_field="contact_attendees",
    members_field="attendees",
)

EVIDENCE_KINDS: tuple[EvidenceKind, ...] = (INTERVIEW, SITE_VISIT)
BY_KEY = {k.key: k for k in EVIDENCE_KINDS}
BY_SEGMENT = {k.segment: k for k in EVIDENCE_KINDS}
RATING_KINDS = tuple(k for k in EVIDENCE_KINDS if k.rates)


def kind_of(record) -> EvidenceKind:
    """The kind of an evidence record."""
    label = record._meta.label
    for kind in EVIDENCE_KINDS:
        if kind.model_label == label:
            return kind
    raise LookupError(f"{label} is not an evidence kind")
