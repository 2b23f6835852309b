"""The criteria library that ships with the product; admins edit it afterwards.

Installed by migration 0002 on every new database. `install` takes the app registry
so that the migration (historical models) and `load_demo` (which reinstalls it in a
test database that a transactional test has flushed) share one definition.
"""

SC, IV, SV = "scorecard", "interview", "site_visit"

CATEGORIES = [
    # key, name, default weight
    ("quality", "Quality & regulatory track record", 20),
    ("technical", "Technical & modality fit", 15),
    ("capacity", "Capacity & bulk-site fit", 10),
    ("tech_transfer", "Tech transfer & project management", 10),
    ("communication", "Communication & responsiveness", 10),
    ("culture", "Culture & alignment", 15),
    ("negotiation", "Negotiation agility & governance", 10),
    ("commercial", "Commercial terms", 5),
    ("supply", "Supply-chain & continuity risk", 5),
]

# category, key, name, weight, sources, gate, description, anchors 1..5
RATED = [
    (
        "quality",
        "inspection_history",
        "Inspection history of the bulk site",
        3,
        (SC, SV),
        2,
        "FDA, EMA and other agency inspections of the site that would make the bulk.",
        [
            "Open warning letter, import alert or unresolved critical observations",
            "Repeat major observations; remediation still open",
            "Minor 483 / GMP observations, closed on time",
            "Recent inspection with few minor observations",
            "Clean record, recent inspection, no observations",
        ],
    ),
    (
        "quality",
        "data_integrity",
        "Data integrity",
        2,
        (SC, SV),
        2,
        "ALCOA+ in practice: audit trails, access control, review of e-records.",
        [
            "Shared logins, audit trails off or unreviewed",
            "Gaps acknowledged, remediation not yet planned",
            "Controls in place; periodic review patchy",
            "Controls in place and reviewed; minor gaps",
            "Mature programme, audit trails reviewed routinely, no findings",
        ],
    ),
    (
        "quality",
        "quality_system",
        "Quality system",
        2,
        (SC, SV),
        None,
        "Deviation, CAPA and change control handling; quality's independence.",
        [
            "Deviations pile up; CAPAs overdue; quality overruled by operations",
            "Backlogs and late CAPAs common",
            "Working system with occasional backlogs",
            "Timely deviations and CAPAs; quality clearly independent",
            "Exemplary: trending, effectiveness checks, quality owns release",
        ],
    ),
    (
        "technical",
        "modality_experience",
        "Modality experience",
        3,
        (SC,),
        None,
        "Commercial and clinical experience with this modality and phase.",
        [
            "Never made this modality",
            "Pilot or development scale only",
            "Clinical batches of this modality",
            "Several late-phase programmes of this modality",
            "Commercial supply of this modality at our scale",
        ],
    ),
    (
        "technical",
        "analytics",
        "Analytics",
        2,
        (SC, SV),
        None,
        "Release and characterisation methods, method transfer, stability.",
        [
            "Key methods missing or outsourced without oversight",
            "Methods exist but transfers often fail",
            "Standard methods in house; some outsourced",
            "Full release panel in house, robust method transfer",
            "Advanced characterisation and a record of smooth transfers",
        ],
    ),
    (
        "technical",
        "process_development",
        "Process development and scale-up",
        2,
        (SC,),
        None,
        "Ability to develop, characterise and scale the process.",
        [
            "No development group",
            "Limited development; scale-up by trial and error",
            "Competent development at one scale",
            "Strong development with scale-down models",
            "QbD-driven development, proven scale-up to commercial",
        ],
    ),
    (
        "capacity",
        "capacity",
        "Capacity and slot availability",
        1,
        (SC,),
        None,
        "Slots for our timeline, with room for growth.",
        [
            "No slot within our timeline",
            "Slots only with major delay",
            "Slots available with some risk",
            "Slots on time with modest headroom",
            "Reserved capacity and room to grow to commercial",
        ],
    ),
    (
        "capacity",
        "bulk_site_fit",
        "Bulk-site fit",
        2,
        (SC, SV),
        None,
        "Scale, equipment train and location of the proposed bulk site.",
        [
            "Site cannot make our product",
            "Major equipment or scale gaps",
            "Fits with modifications",
            "Good fit; minor changes",
            "Purpose-fit equipment train at the right scale",
        ],
    ),
    (
        "tech_transfer",
        "tech_transfer_record",
        "Tech-transfer track record",
        1,
        (SC,),
        None,
        "How past transfers in went: time, right-first-time batches.",
        [
            "Recent transfers failed or ran far late",
            "Transfers usually late with repeat batches",
            "Transfers on time with some repeats",
            "Transfers on time, right first time mostly",
            "Documented, fast, right-first-time transfers",
        ],
    ),
    (
        "tech_transfer",
        "project_management",
        "Project management",
        1,
        (SC, IV),
        None,
        "Named project manager, plans, risk logs and meeting discipline.",
        [
            "No project manager; plans unclear",
            "Project manager part-time; plans slip silently",
            "Plans exist and are mostly followed",
            "Dedicated PM, shared plan, risks raised early",
            "Joint governance, transparent plan and risk log from day one",
        ],
    ),
    (
        "communication",
        "transparency",
        "Transparency",
        2,
        (SC, IV),
        None,
        "Shares bad news early and completely.",
        [
            "Hides problems until they surface",
            "Shares only when asked directly",
            "Shares with some delay",
            "Shares promptly and fully",
            "Volunteers bad news first, with a plan",
        ],
    ),
    (
        "communication",
        "sme_access",
        "Access to subject-matter experts",
        2,
        (SC, IV, SV),
        None,
        "Whether we can speak to the scientists, operators and quality staff.",
        [
            "Only business development speaks to us",
            "Experts reached through BD after long delays",
            "Experts available on request",
            "Experts join calls routinely",
            "Direct, standing access to the people doing the work",
        ],
    ),
    (
        "culture",
        "articulated_culture",
        "Articulated culture",
        2,
        (SC, IV, SV),
        None,
        "Says what their culture means, how they build it, how customers feel it.",
        [
            "Cannot describe their culture",
            "Slogans only",
            "A clear statement, little evidence",
            "A clear statement the people we met repeat",
            "Culture visible in every team and site we met",
        ],
    ),
    (
        "culture",
        "patient_focus",
        "Patient focus without compromising quality",
        3,
        (SC, IV, SV),
        None,
        "Commitment to patients that never bypasses quality protocols.",
        [
            "Offers to cut quality corners to hit dates",
            "Speed talk with little regard for quality",
            "Balanced, but patients rarely mentioned",
            "Patients and quality both clearly held",
            "Will never bypass protocols; patients drive decisions",
        ],
    ),
    (
        "culture",
        "openness",
        "Openness about strengths and weaknesses",
        2,
        (SC, IV, SV),
        None,
        "Names their own weaknesses and the gaps we share.",
        [
            "Claims no weaknesses",
            "Admits weaknesses only when shown evidence",
            "Names some weaknesses",
            "Names weaknesses and bridging plans",
            "Invites scrutiny and co-owns the gaps",
        ],
    ),
    (
        "culture",
        "empowered_team",
        "Empowered project team",
        2,
        (SC, IV),
        None,
        "The project team can decide without escalating.",
        [
            "Every decision escalates to leadership",
            "Most decisions escalate",
            "Routine decisions made by the team",
            "Team decides most questions, escalates rarely",
            "Team owns decisions within an agreed mandate",
        ],
    ),
    (
        "culture",
        "no_overpromising",
        "Does not overpromise",
        2,
        (SC, IV),
        None,
        "Commitments are realistic and kept.",
        [
            "Promises contradicted by their own data",
            "Optimistic promises, often missed",
            "Mostly realistic",
            "Realistic, with stated assumptions",
            "Under-promises and over-delivers, with evidence",
        ],
    ),
    (
        "commercial",
        "cost",
        "Cost",
        2,
        (SC,),
        None,
        "Price against scope and the market.",
        [
            "Far above market with no justification",
            "Above market",
            "At market",
            "Below market for equal scope",
            "Clearly best value for the scope",
        ],
    ),
    (
        "commercial",
        "terms",
        "Contract terms",
        1,
        (SC,),
        None,
        "Liability, IP, payment and change-order terms.",
        [
            "Unacceptable terms, no movement",
            "Hard terms, little movement",
            "Standard terms",
            "Fair terms, flexible where it matters",
            "Balanced terms agreed quickly",
        ],
    ),
    (
        "commercial",
        "setback_partnership",
        "Partnership through setbacks",
        2,
        (SC, IV),
        None,
        "Works through setbacks with us rather than reaching for penalties.",
        [
            "Penalties and claims at the first setback",
            "Penalty reflex, some discussion",
            "Case by case",
            "Problem-solving first, penalties last",
            "Shared root-cause work and joint recovery plans as the norm",
        ],
    ),
    (
        "supply",
        "supply_chain",
        "Supply-chain resilience",
        2,
        (SC,),
        None,
        "Dual sourcing and inventory of critical materials.",
        [
            "Single sources for critical materials, no buffer",
            "Some single sources, thin buffers",
            "Critical materials mostly dual-sourced",
            "Dual-sourced with safety stock",
            "Resilient network with monitored risk",
        ],
    ),
    (
        "supply",
        "supply_candour",
        "Candour about delayed critical supplies",
        2,
        (SC, IV),
        None,
        "Tells us early when a critical supply is late.",
        [
            "Delays discovered by us at the last minute",
            "Delays disclosed late",
            "Delays disclosed when confirmed",
            "Delays flagged early with options",
            "Proactive alerts and joint mitigation",
        ],
    ),
    (
        "supply",
        "business_continuity",
        "Business continuity",
        1,
        (SC, SV),
        None,
        "Continuity plans, backup sites, financial stability.",
        [
            "No continuity plan; financial concerns",
            "Plan on paper only",
            "Plan tested in parts",
            "Tested plan with backup capacity",
            "Proven recovery from real disruption",
        ],
    ),
]

# category, key, name, weight, signal, curve, description
DERIVED = [
    (
        "communication",
        "responsiveness",
        "Responsiveness to information requests",
        2,
        "median_response_days",
        [[2, 100], [5, 75], [10, 25], [15, 0]],
        "Median days to answer our information requests.",
    ),
    (
        "communication",
        "overdue_requests",
        "Requests answered on time",
        1,
        "overdue_request_share",
        [[0, 100], [0.1, 75], [0.3, 25], [0.5, 0]],
        "Share of information requests answered late or still overdue.",
    ),
    (
        "negotiation",
        "amendment_rounds",
        "Amendment rounds",
        2,
        "max_amendment_rounds",
        [[1, 100], [2, 90], [3, 60], [5, 25], [9, 0]],
        "Most amendment rounds any agreement has taken; two is healthy.",
    ),
    (
        "negotiation",
        "reviewers_per_round",
        "Reviewers per round",
        1,
        "median_reviewers_per_round",
        [[2, 100], [5, 70], [8, 30], [12, 0]],
        "How many people weigh in on the CDMO's side per round.",
    ),
    (
        "negotiation",
        "decision_speed",
        "Decision speed",
        2,
        "median_decision_days",
        [[2, 100], [7, 70], [14, 30], [30, 0]],
        "Median days to decide a question the team escalated.",
    ),
    (
        "negotiation",
        "months_to_signature",
        "Months to signature",
        1,
        "months_to_signature",
        [[6, 100], [9, 60], [12, 20], [15, 0]],
        "Time from first engagement to MSA signature against the usual 6–9 months.",
    ),
]

SMALL_MOLECULE_CATEGORY_WEIGHTS = {
    "quality": 20,
    "technical": 15,
    "capacity": 15,
    "tech_transfer": 10,
    "communication": 10,
    "culture": 15,
    "negotiation": 5,
    "commercial": 5,
    "supply": 5,
}
SMALL_MOLECULE_CRITERION_WEIGHTS = {"modality_experience": 2, "process_development": 3}


def install(apps) -> None:
    """Create the default categories, criteria, anchors, bands and templates."""
    Category = apps.get_model("scorecards", "Category")
    Criterion = apps.get_model("scorecards", "Criterion")
    ScaleAnchor = apps.get_model("scorecards", "ScaleAnchor")
    StandingScale = apps.get_model("scorecards", "StandingScale")
    StandingBand = apps.get_model("scorecards", "StandingBand")
    Template = apps.get_model("scorecards", "Template")
    TemplateCategory = apps.get_model("scorecards", "TemplateCategory")
    TemplateCriterion = apps.get_model("scorecards", "TemplateCriterion")

    categories = {
        key: Category.objects.create(key=key, name=name, weight=weight, order=i)
        for i, (key, name, weight) in enumerate(CATEGORIES, start=1)
    }
    fields = {f.name for f in Criterion._meta.get_fields()}

    def rated_from(sources) -> dict:
        # Migration 0002 runs this against the models of its day, which named each
        # source by a boolean; since 0006 a criterion lists its sources.
        if "sources" in fields:
            return {"sources": [s for s in (SC, IV, SV) if s in sources]}
        return {
            "by_scorecard": SC in sources,
            "by_interview": IV in sources,
            "by_site_visit": SV in sources,
        }

    criteria = []
    for i, (cat, key, name, weight, sources, gate, description, anchors) in enumerate(
        RATED, start=1
    ):
        criterion = Criterion.objects.create(
            key=key,
            category=categories[cat],
            name=name,
            weight=weight,
            order=i,
            kind="rated",
            description=description,
            gate_threshold=gate,
            **rated_from(sources),
        )
        ScaleAnchor.objects.bulk_create(
            ScaleAnchor(criterion=criterion, value=v, text=text)
            for v, text in enumerate(anchors, start=1)
        )
        criteria.append(criterion)
    for i, (cat, key, name, weight, signal, curve, description) in enumerate(
        DERIVED, start=100
    ):
        criteria.append(
            Criterion.objects.create(
                key=key,
                category=categories[cat],
                name=name,
                weight=weight,
                order=i,
                kind="derived",
                signal=signal,
                curve=curve,
                description=description,
                **rated_from(()),
            )
        )

    scale = StandingScale.objects.create(
        name="Preferred / acceptable / not recommended"
    )
    StandingBand.objects.bulk_create(
        [
            StandingBand(scale=scale, label="Preferred", low=80, high=100),
            StandingBand(scale=scale, label="Acceptable", low=60, high=80),
            StandingBand(scale=scale, label="Not recommended", low=0, high=60),
        ]
    )

    def template(key, name, description, category_weights, criterion_weights):
        t = Template.objects.create(
            key=key, name=name, description=description, standing_scale=scale
        )
        TemplateCategory.objects.bulk_create(
            TemplateCategory(
                template=t, category=c, weight=category_weights.get(c.key, c.weight)
            )
            for c in categories.values()
        )
        TemplateCriterion.objects.bulk_create(
            TemplateCriterion(
                template=t,
                criterion=c,
                weight=criterion_weights.get(c.key, c.weight),
            )
            for c in criteria
        )

    template(
        "biologics",
        "Biologics drug substance",
        "Default criteria and weights for biologics (mAbs, proteins) programmes.",
        {},
        {},
    )
    template(
        "small-molecule",
        "Small-molecule API",
        "Default criteria for small-molecule API programmes: capacity weighs more, "
        "negotiation agility a little less.",
        SMALL_MOLECULE_CATEGORY_WEIGHTS,
        SMALL_MOLECULE_CRITERION_WEIGHTS,
    )
