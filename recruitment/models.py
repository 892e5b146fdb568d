"""Recruitment tables.

The anonymity model, structurally:

* ``CandidateProfile`` (and its education, experience, languages and documents) is the
  candidate's side. Personal fields are encrypted in the vault.
* ``Application`` is the staff side: a random per-competition ``code``, a frozen snapshot
  of *structured* qualifications (levels, fields, years — no names of institutions or
  employers), eligibility, stage results and rank. It has **no relation** to the user or
  the profile.
* ``IdentityEscrow`` joins the two worlds with plain ids and an encrypted owner id, found
  by a keyed blind index. It is read only by candidate-side selectors (a person finds their
  own applications) and by ``application_reveal`` after the ranking is locked. Nothing on the
  staff side has a foreign key that leads to it.
"""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eqyzmet.languages import in_reader_language
from eqyzmet.models import StateBody
from eqyzmet.vault import EncryptedDateField, EncryptedTextField

# --- Candidate side ----------------------------------------------------------------------


class EducationLevel(models.IntegerChoices):
    SECONDARY = 1, _("General secondary")
    VOCATIONAL = 2, _("Technical and vocational")
    BACHELOR = 3, _("Higher (bachelor's degree)")
    MASTER = 4, _("Postgraduate (master's degree)")
    DOCTORATE = 5, _("Doctorate (PhD)")


class Field(models.TextChoices):
    """Fields of education and work, coarse enough to say nothing about the person."""

    LAW = "law", _("Law")
    ECONOMICS = "economics", _("Economics and finance")
    PUBLIC_ADMIN = "public_admin", _("Public administration")
    IT = "it", _("Information technology")
    ENGINEERING = "engineering", _("Engineering")
    EDUCATION = "education", _("Education")
    HEALTH = "health", _("Healthcare")
    SOCIAL = "social", _("Social sciences and humanities")
    NATURAL = "natural", _("Natural sciences")
    AGRICULTURE = "agriculture", _("Agriculture")
    OTHER = "other", _("Other")


class Sector(models.TextChoices):
    PUBLIC = "public", _("Public service")
    QUASI_PUBLIC = "quasi_public", _("Quasi-public sector")
    PRIVATE = "private", _("Private sector")
    NON_PROFIT = "non_profit", _("Non-profit sector")


class LanguageLevel(models.IntegerChoices):
    BASIC = 1, _("Basic")
    INTERMEDIATE = 2, _("Intermediate")
    FLUENT = 3, _("Fluent")
    NATIVE = 4, _("Native")


class CandidateProfile(models.Model):
    """One profile per candidate: the identity escrow's personal half.

    Every personal field is encrypted at rest; ``iin_index`` is a keyed blind index that
    lets the service enforce one profile per IIN without storing the IIN in clear.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="candidate_profile"
    )
    full_name = EncryptedTextField(_("full name"))
    iin = EncryptedTextField(_("IIN"))
    iin_index = models.CharField(max_length=64, db_index=True, editable=False)
    # A second account that enters an IIN another profile already holds is saved as if
    # nothing happened (so the page is no oracle of who has a profile) but held here: it
    # cannot apply until the people involved sort it out by e-mail.
    iin_conflict = models.BooleanField(default=False, editable=False)
    birth_date = EncryptedDateField(_("date of birth"), null=True, blank=True)
    phone = EncryptedTextField(_("phone"), blank=True, default="")
    is_civil_servant = models.BooleanField(_("I am a civil servant now"), default=False)
    current_body = models.ForeignKey(
        StateBody,
        verbose_name=_("state body where I serve"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("candidate profile")
        verbose_name_plural = _("candidate profiles")
        constraints = [
            models.UniqueConstraint(
                fields=["iin_index"],
                condition=models.Q(iin_conflict=False),
                name="one_profile_per_iin",
            )
        ]

    def __str__(self) -> str:
        # Never the name: a profile may be printed in a log.
        return f"CandidateProfile #{self.pk}"


class Education(models.Model):
    profile = models.ForeignKey(
        CandidateProfile, on_delete=models.CASCADE, related_name="education"
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=EducationLevel.choices)
    field = models.CharField(_("field"), max_length=32, choices=Field.choices)
    # Free text stays on the candidate's side; it never enters an application snapshot.
    institution = EncryptedTextField(_("institution"), blank=True, default="")
    graduation_year = models.PositiveSmallIntegerField(_("year of graduation"))

    class Meta:
        verbose_name = _("education")
        verbose_name_plural = _("education")
        ordering = ["-graduation_year"]

    def __str__(self) -> str:
        return f"{self.get_level_display()} · {self.get_field_display()}"


class Experience(models.Model):
    profile = models.ForeignKey(
        CandidateProfile, on_delete=models.CASCADE, related_name="experience"
    )
    sector = models.CharField(_("sector"), max_length=16, choices=Sector.choices)
    field = models.CharField(_("field"), max_length=32, choices=Field.choices)
    employer = EncryptedTextField(_("employer"), blank=True, default="")
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("to"), null=True, blank=True, help_text=_("Empty if current."))

    class Meta:
        verbose_name = _("work experience")
        verbose_name_plural = _("work experience")
        ordering = ["-started_on"]

    def __str__(self) -> str:
        return f"{self.get_sector_display()} · {self.get_field_display()}"


class LanguageSkill(models.Model):
    profile = models.ForeignKey(
        CandidateProfile, on_delete=models.CASCADE, related_name="languages"
    )
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=[("kk", _("Kazakh")), ("ru", _("Russian")), ("en", _("English"))],
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=LanguageLevel.choices)

    class Meta:
        verbose_name = _("language")
        verbose_name_plural = _("languages")
        constraints = [
            models.UniqueConstraint(fields=["profile", "language"], name="unique_profile_language")
        ]

    def __str__(self) -> str:
        return f"{self.language}:{self.level}"


class Document(models.Model):
    """A document the candidate uploaded. Linked to the profile, never to an application:
    staff see documents only after a reveal, for document checks."""

    class Kind(models.TextChoices):
        DIPLOMA = "diploma", _("Diploma")
        EMPLOYMENT_RECORD = "employment_record", _("Employment record")
        ID_CARD = "id_card", _("Identity card")
        LANGUAGE_CERTIFICATE = "language_certificate", _("Language certificate")
        OTHER = "other", _("Other")

    profile = models.ForeignKey(
        CandidateProfile, on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to="documents/%Y/%m/")
    content_type = models.CharField(max_length=64, editable=False)
    size = models.PositiveIntegerField(editable=False)
    sha256 = models.CharField(max_length=64, editable=False)
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


# --- Vacancies and competitions ----------------------------------------------------------


class Vacancy(models.Model):
    class Category(models.TextChoices):
        A = "A", _("Corps A (managerial)")
        B = "B", _("Corps B, state bodies")
        C = "C", _("Corps B, regional and district bodies")
        D = "D", _("Corps B, district and city bodies")

    class Employment(models.TextChoices):
        PERMANENT = "permanent", _("Permanent")
        CONTRACT = "contract", _("Fixed-term contract")

    class RequiredDocument(models.TextChoices):
        """The documents a competition may ask for (Agency order No. 40): presented at the
        document check after the reveal, never uploaded with the anonymous application."""

        APPLICATION_FORM = "application_form", _("Application in the prescribed form")
        PERSONNEL_RECORD = "personnel_record", _("Personnel record sheet with a photo")
        ID_CARD = "id_card", _("Identity card")
        EDUCATION = "education", _("Diplomas and their supplements")
        EMPLOYMENT_RECORD = "employment_record", _("Employment record")
        MEDICAL = "medical", _("Medical certificate")
        LANGUAGE = "language", _("Language certificate (KAZTEST or IELTS)")
        TEST_CERTIFICATE = "test_certificate", _("Certificate of passing the legislation test")
        NO_CRIMINAL_RECORD = "no_criminal_record", _("Certificate of no criminal record")

    state_body = models.ForeignKey(
        StateBody, verbose_name=_("state body"), on_delete=models.PROTECT, related_name="vacancies"
    )
    title_kk = models.CharField(_("position (Kazakh)"), max_length=255)
    title_ru = models.CharField(_("position (Russian)"), max_length=255)
    title_en = models.CharField(_("position (English)"), max_length=255)
    category = models.CharField(_("category"), max_length=1, choices=Category.choices)
    grade = models.CharField(_("grade"), max_length=16, help_text=_("For example B-4 or C-O-5."))
    is_managerial = models.BooleanField(_("managerial post"), default=False)
    duties_kk = models.TextField(_("duties (Kazakh)"))
    duties_ru = models.TextField(_("duties (Russian)"))
    duties_en = models.TextField(_("duties (English)"))
    region = models.CharField(_("region"), max_length=64)
    employment = models.CharField(
        _("employment"), max_length=16, choices=Employment.choices, default=Employment.PERMANENT
    )
    salary_min = models.PositiveIntegerField(_("salary from, tenge"))
    salary_max = models.PositiveIntegerField(_("salary to, tenge"))
    # Structured qualification requirements, checked automatically at application.
    min_education_level = models.PositiveSmallIntegerField(
        _("minimum education"), choices=EducationLevel.choices, default=EducationLevel.BACHELOR
    )
    education_fields = models.JSONField(
        _("accepted fields of education"),
        default=list,
        blank=True,
        help_text=_("Empty means any field."),
    )
    min_experience_years = models.DecimalField(
        _("minimum work experience, years"), max_digits=4, decimal_places=1, default=Decimal("0")
    )
    experience_fields = models.JSONField(
        _("fields in which experience counts"),
        default=list,
        blank=True,
        help_text=_("Empty means experience in any field counts."),
    )
    private_sector_counts = models.BooleanField(
        _("private-sector experience counts"),
        default=True,
        help_text=_("The Concept opens qualification requirements to private-sector candidates."),
    )
    required_languages = models.JSONField(
        _("required languages"),
        default=dict,
        blank=True,
        help_text=_('Minimum level per language, e.g. {"kk": 2, "ru": 3}.'),
    )
    # What a candidate reads before applying: how many posts, whom to ask, what to bring.
    posts = models.PositiveSmallIntegerField(
        _("number of posts"), default=1, validators=[MinValueValidator(1)]
    )
    contact_name = models.CharField(
        _("contact person in the HR unit"), max_length=200, blank=True, default=""
    )
    contact_email = models.EmailField(_("contact e-mail"), blank=True, default="")
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True, default="")
    required_documents = models.JSONField(
        _("documents to present"),
        default=list,
        blank=True,
        help_text=_("Checked only for the winner and the reserve, after the identity reveal."),
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("vacancy")
        verbose_name_plural = _("vacancies")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return in_reader_language(self, "title")

    @property
    def duties(self) -> str:
        return in_reader_language(self, "duties")

    @property
    def required_document_labels(self) -> list[str]:
        return [
            str(self.RequiredDocument(code).label)
            for code in self.required_documents or []
            if code in self.RequiredDocument.values
        ]


class Competition(models.Model):
    class Kind(models.TextChoices):
        INTERNAL_BODY = "internal_body", _("Internal, within the state body")
        INTERNAL_ALL = "internal_all", _("Internal, among all civil servants")
        GENERAL = "general", _("General (open to everyone)")
        # Open and anonymised like a general competition; it ends in the recommendation of
        # the project's responsible official and a contract (recruitment/contracts/selection).
        CONTRACT = "contract", _("Contract post selection (open to everyone)")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Accepting applications")
        APPLICATIONS_CLOSED = "applications_closed", _("Applications closed")
        TESTING = "testing", _("Testing")
        ESSAY = "essay", _("Essay")
        WRITTEN_LOCKED = "written_locked", _("Written stages locked")
        INTERVIEW = "interview", _("Interview")
        RANKING_LOCKED = "ranking_locked", _("Ranking locked")
        RESULTS_PUBLISHED = "results_published", _("Results published")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")

    state_body = models.ForeignKey(
        StateBody,
        verbose_name=_("state body"),
        on_delete=models.PROTECT,
        related_name="competitions",
    )
    vacancies = models.ManyToManyField(
        Vacancy, verbose_name=_("vacancies"), related_name="competitions"
    )
    number = models.CharField(_("announcement number"), max_length=32, unique=True)
    kind = models.CharField(_("type"), max_length=16, choices=Kind.choices, default=Kind.GENERAL)
    status = models.CharField(
        _("stage"), max_length=24, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    applications_open_at = models.DateTimeField(_("applications open"))
    applications_close_at = models.DateTimeField(_("applications close"))
    # The blueprint's numbers: data, seeded with Kazakhstan's values, never code.
    quorum_numerator = models.PositiveSmallIntegerField(_("quorum numerator"), default=2)
    quorum_denominator = models.PositiveSmallIntegerField(_("quorum denominator"), default=3)
    appeal_window_days = models.PositiveSmallIntegerField(_("appeal window, days"), default=3)
    reserve_size = models.PositiveSmallIntegerField(_("places offered in the reserve"), default=2)
    reserve_validity_months = models.PositiveSmallIntegerField(
        _("reserve validity, months"), default=12
    )
    # A contract post selection only: the project, the term and the planned indicators,
    # shown on the public vacancy page (checked by ``contracts.selection.selection_problems``).
    contract_project = models.ForeignKey(
        "recruitment.Project",
        verbose_name=_("contract project"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="selections",
        help_text=_("Only for a contract post selection: the project the contract serves."),
    )
    contract_term_months = models.PositiveSmallIntegerField(
        _("contract term, months"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("At most 12 months, and not past the project's end."),
    )
    contract_indicators_kk = models.TextField(
        _("planned indicators (Kazakh)"), blank=True, default="", help_text=_("One a line.")
    )
    contract_indicators_ru = models.TextField(
        _("planned indicators (Russian)"), blank=True, default="", help_text=_("One a line.")
    )
    contract_indicators_en = models.TextField(
        _("planned indicators (English)"), blank=True, default="", help_text=_("One a line.")
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    status_changed_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("competition")
        verbose_name_plural = _("competitions")
        ordering = ["-applications_open_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(applications_close_at__gt=models.F("applications_open_at")),
                name="competition_window_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(quorum_numerator__lte=models.F("quorum_denominator"))
                & models.Q(quorum_denominator__gt=0),
                name="competition_quorum_is_a_fraction",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def clean(self) -> None:
        from recruitment.models_contracts import selection_problems

        problems = selection_problems(self)
        if problems:
            raise ValidationError(problems)

    @property
    def is_contract_selection(self) -> bool:
        return self.kind == self.Kind.CONTRACT

    @property
    def contract_indicator_lines(self) -> list[str]:
        text = in_reader_language(self, "contract_indicators")
        return [line.strip() for line in text.splitlines() if line.strip()]


class Stage(models.Model):
    """One step of a competition's plan, in order."""

    class Kind(models.TextChoices):
        LEGISLATION_TEST = "legislation_test", _("Legislation test")
        PERSONAL_QUALITIES = "personal_qualities", _("Personal-qualities test")
        ESSAY = "essay", _("Essay")
        INTERVIEW = "interview", _("Interview")

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="stages")
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    position = models.PositiveSmallIntegerField(_("order"))
    opens_at = models.DateTimeField(_("opens"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes"), null=True, blank=True)
    pass_score = models.DecimalField(
        _("pass mark"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Empty: the stage's own rule decides (a test's blueprint) or nobody fails."),
    )
    max_score = models.DecimalField(_("maximum score"), max_digits=6, decimal_places=2)
    shortlist_size = models.PositiveSmallIntegerField(
        _("admit only the best"),
        null=True,
        blank=True,
        help_text=_(
            "Only the best N of those still in the running, by the previous stage's score, "
            "sit this stage; ties widen the group and a sole candidate is admitted. "
            "Empty: everyone who passed the previous stage."
        ),
    )
    weight = models.DecimalField(
        _("weight in the final ranking"), max_digits=4, decimal_places=2, default=Decimal("1")
    )
    results_published_at = models.DateTimeField(null=True, blank=True, editable=False)
    locked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        ordering = ["competition", "position"]
        constraints = [
            models.UniqueConstraint(fields=["competition", "kind"], name="unique_stage_kind"),
            models.UniqueConstraint(fields=["competition", "position"], name="unique_stage_order"),
        ]

    def __str__(self) -> str:
        return f"{self.competition.number} · {self.get_kind_display()}"

    @property
    def is_commission_scored(self) -> bool:
        return self.kind in (self.Kind.ESSAY, self.Kind.INTERVIEW)


# --- The anonymous application -----------------------------------------------------------


def random_application_id() -> int:
    """A random id (below 2**53, so JavaScript reads it exactly): ids appear in staff URLs,
    and sequential ones would tell the order of submission, linking a withdrawn code to the
    same person's next one."""
    return 10**12 + secrets.randbelow(2**53 - 10**12)


class Application(models.Model):
    """What staff see of a candidate: a code, structured qualifications and results.

    ``qualifications`` holds no dates: experience as months per sector and field, education
    as level and field (``services.qualification_snapshot``). ``submitted_at`` is for the
    candidate's own page and is shown to no staff role.
    """

    class Status(models.TextChoices):
        INELIGIBLE = "ineligible", _("Does not meet the requirements")
        ADMITTED = "admitted", _("Admitted")
        ELIMINATED = "eliminated", _("Did not pass a stage")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        WINNER = "winner", _("Winner")
        RESERVE = "reserve", _("Offered a place in the reserve")
        NOT_SELECTED = "not_selected", _("Not selected")
        DISQUALIFIED = "disqualified", _("Disqualified")
        APPOINTED = "appointed", _("Appointed")

    id = models.BigIntegerField(primary_key=True, default=random_application_id, editable=False)
    competition = models.ForeignKey(
        Competition, on_delete=models.PROTECT, related_name="applications"
    )
    vacancy = models.ForeignKey(Vacancy, on_delete=models.PROTECT, related_name="applications")
    code = models.CharField(_("anonymous code"), max_length=16, unique=True, editable=False)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, editable=False)
    qualifications = models.JSONField(_("declared qualifications"), editable=False)
    eligibility_reasons = models.JSONField(_("eligibility"), default=list, editable=False)
    submitted_at = models.DateTimeField(_("submitted"), editable=False)
    current_stage = models.ForeignKey(
        Stage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    final_score = models.DecimalField(
        _("final score"), max_digits=8, decimal_places=3, null=True, editable=False
    )
    rank = models.PositiveIntegerField(_("rank"), null=True, editable=False)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["competition", "rank", "code"]
        indexes = [
            models.Index(fields=["competition", "status"]),
            # The HR changelist's order (ApplicationAdmin.ordering).
            models.Index(fields=["-competition", "rank", "code"], name="application_by_rank"),
        ]

    def __str__(self) -> str:
        return self.code


class ApplicationDraft(models.Model):
    """An application the candidate started and has not submitted: the vacancy, their
    motivation letter and the documents they chose. Candidate side only, like the profile:
    it is not an ``Application`` (no code, no status, no snapshot), so no staff list, count,
    ranking, API or ledger can meet it, and the competition and vacancy have no reverse
    accessor to it. Submitting consumes it (``candidate_application_submit``)."""

    profile = models.ForeignKey(
        CandidateProfile, on_delete=models.CASCADE, related_name="application_drafts"
    )
    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="+")
    vacancy = models.ForeignKey(Vacancy, on_delete=models.CASCADE, related_name="+")
    motivation = EncryptedTextField(_("motivation letter"), blank=True, default="")
    documents = models.ManyToManyField(Document, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("application draft")
        verbose_name_plural = _("application drafts")
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "competition"], name="one_draft_per_competition"
            )
        ]

    def __str__(self) -> str:
        return f"ApplicationDraft #{self.pk}"


class IdentityEscrow(models.Model):
    """The only link from an application to its candidate. Plain ids, no foreign keys:
    nothing in the ORM can traverse from ``Application`` to here."""

    application_id = models.BigIntegerField(unique=True)
    competition_id = models.BigIntegerField(db_index=True)
    owner_index = models.CharField(max_length=64, db_index=True)
    owner = EncryptedTextField()
    active = models.BooleanField(default=True)
    # What the candidate sent with the application (from their draft): their own words and
    # the ids of their own documents. Candidate-side like the owner: read by the owner's
    # pages and, after a reveal, with the identity; never by a staff selector.
    motivation = EncryptedTextField(blank=True, default="")
    document_ids = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["competition_id", "owner_index"],
                condition=models.Q(active=True),
                name="one_active_application_per_competition",
            )
        ]

    def __str__(self) -> str:
        return f"escrow for application #{self.application_id}"


class StageResult(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="results")
    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="results")
    score = models.DecimalField(_("score"), max_digits=8, decimal_places=3)
    passed = models.BooleanField(_("passed"))
    details = models.JSONField(_("details"), default=dict, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("stage result")
        verbose_name_plural = _("stage results")
        constraints = [
            models.UniqueConstraint(fields=["application", "stage"], name="one_result_per_stage")
        ]

    def __str__(self) -> str:
        return f"{self.application.code} · {self.stage.kind}: {self.score}"


class CommissionMember(models.Model):
    class Role(models.TextChoices):
        CHAIR = "chair", _("Chair")
        MEMBER = "member", _("Member")
        SECRETARY = "secretary", _("Secretary (does not vote)")

    competition = models.ForeignKey(
        Competition, on_delete=models.CASCADE, related_name="commission"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="commission_seats"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    declared_at = models.DateTimeField(_("declaration made"), null=True, blank=True, editable=False)
    has_conflict = models.BooleanField(
        _("declared a conflict of interest"), default=False, editable=False
    )
    declaration = models.TextField(_("declaration"), blank=True, editable=False)

    class Meta:
        verbose_name = _("commission member")
        verbose_name_plural = _("commission")
        constraints = [
            models.UniqueConstraint(fields=["competition", "user"], name="unique_commission_seat")
        ]

    def __str__(self) -> str:
        return f"{self.competition.number} · {self.get_role_display()} #{self.user_id}"

    @property
    def may_score(self) -> bool:
        return (
            self.declared_at is not None
            and not self.has_conflict
            and self.role != self.Role.SECRETARY
        )


class CommissionMark(models.Model):
    """One member's mark of one application at an essay or interview stage, by rubric."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="marks")
    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="marks")
    member = models.ForeignKey(CommissionMember, on_delete=models.PROTECT, related_name="marks")
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    rubric = models.JSONField(_("rubric scores"), default=dict, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    marked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("commission mark")
        verbose_name_plural = _("commission marks")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "stage", "member"], name="one_mark_per_member"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application.code} · {self.score}"


class IdentityReveal(models.Model):
    class Purpose(models.TextChoices):
        WINNER = "winner", _("Winner: document check and appointment")
        RESERVE = "reserve", _("Reserve")
        INTERVIEW = "interview", _("Interview shortlist")
        DOCUMENT_CHECK = "document_check", _("Document check after a disqualification")
        CONTRACT = "contract", _("Contract: recommended by the project's responsible official")

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="reveals")
    purpose = models.CharField(_("purpose"), max_length=16, choices=Purpose.choices)
    reason = models.TextField(_("reason"))
    revealed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    revealed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("identity reveal")
        verbose_name_plural = _("identity reveals")
        ordering = ["-revealed_at"]

    def __str__(self) -> str:
        return f"{self.application.code} · {self.purpose}"


class Appeal(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        UPHELD = "upheld", _("Upheld")
        REJECTED = "rejected", _("Rejected")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="appeals")
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="appeals")
    # The candidate's own words stay in the vault; staff read only the redacted copy.
    text = EncryptedTextField(_("grounds"))
    text_redacted = models.TextField(_("grounds (redacted)"), editable=False)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.SUBMITTED, editable=False
    )
    answer = models.TextField(_("answer"), blank=True, editable=False)
    corrected_score = models.DecimalField(
        _("corrected score"), max_digits=8, decimal_places=3, null=True, blank=True, editable=False
    )
    submitted_at = models.DateTimeField(default=timezone.now, editable=False)
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return f"{self.application.code} · {self.stage.kind}"


class ReserveEntry(models.Model):
    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="reserve_entry"
    )
    valid_until = models.DateField(_("valid until"))
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    withdrawn_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("reserve entry")
        verbose_name_plural = _("personnel reserve")
        ordering = ["valid_until"]

    def __str__(self) -> str:
        return f"{self.application.code} until {self.valid_until}"


# --- Notifications -----------------------------------------------------------------------


class Notification(models.Model):
    """An e-mail owed to a candidate: a durable outbox row (``recruitment.notifications``).

    Like the escrow it holds plain ids only: the application and the event, never an
    address, a name or a user id. The recipient is found through the escrow when the e-mail
    is sent. A row without an application is a broadcast (a stage's results, the final
    results): it is fanned out into one row per code after the commit, so the action that
    raised it writes exactly one row whatever the number of candidates.
    """

    class Event(models.TextChoices):
        APPLICATION_RECEIVED = "application_received"
        STAGE_OPENED = "stage_opened"
        STAGE_RESULT = "stage_result"
        APPEAL_DECIDED = "appeal_decided"
        FINAL_RESULT = "final_result"
        PLACE_CHANGED = "place_changed"
        RESERVE_EXPIRED = "reserve_expired"
        WITHDRAWN = "withdrawn"

    application_id = models.BigIntegerField(null=True, editable=False)
    event = models.CharField(max_length=32, choices=Event.choices, editable=False)
    # What the event is about: the stage, the appeal, the competition or the reserve entry.
    ref = models.BigIntegerField(default=0, editable=False)
    # Only for a broadcast: which codes it concerns when that is not derivable later.
    params = models.JSONField(default=dict, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # Sent (or, for a broadcast, fanned out). Claimed by a conditional UPDATE from NULL.
    sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    failures = models.PositiveSmallIntegerField(default=0, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["application_id", "event", "ref"],
                condition=models.Q(application_id__isnull=False),
                name="one_notification_per_event",
            ),
            models.UniqueConstraint(
                fields=["event", "ref"],
                condition=models.Q(application_id__isnull=True),
                name="one_broadcast_per_event",
            ),
        ]
        indexes = [models.Index(fields=["sent_at", "created_at"], name="notification_pending")]

    def __str__(self) -> str:
        return f"{self.event} #{self.pk}"


class StaffDigest(models.Model):
    """One daily digest per staff member and day: the row is the claim, so a digest is
    never sent twice however often the task runs."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="one_digest_per_day")]

    def __str__(self) -> str:
        return f"digest {self.day} #{self.user_id}"


# --- Saved searches and their e-mail alerts ----------------------------------------------


class SavedSearch(models.Model):
    """A candidate's vacancy search, kept by name; a daily digest tells them of vacancies
    published since ``alerts_since`` that match it (``services.saved_searches``).

    ``criteria`` holds the cleaned filters of the public search (words, state body id,
    region, category, competition kind, employment, minimum salary, sort), not a URL."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches"
    )
    name = models.CharField(_("name"), max_length=100)
    criteria = models.JSONField(_("search"), default=dict, blank=True)
    alerts_enabled = models.BooleanField(_("e-mail alerts"), default=True)
    # Vacancies published after this moment are new to the search; moved on when alerts are
    # turned back on, so switching them off and on does not flood the candidate.
    alerts_since = models.DateTimeField(default=timezone.now, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["alerts_enabled", "user"], name="saved_search_alerts")]

    def __str__(self) -> str:
        return f"saved search #{self.pk}"


class SavedSearchDigest(models.Model):
    """One alert e-mail per candidate and day: the row is the claim (as ``StaffDigest``),
    and ``vacancies`` what it announced, so a vacancy is never announced twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)
    vacancies = models.ManyToManyField(Vacancy, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="one_search_alert_per_day")
        ]

    def __str__(self) -> str:
        return f"search alert {self.day} #{self.user_id}"


# Reasonable adjustments live in their own module; imported here so Django finds the model.
from recruitment.models_adjustments import Adjustment  # noqa: E402, F401

# Contract employees (projects, contracts, quarterly results): recruitment/contracts/.
from recruitment.models_contracts import (  # noqa: E402, F401
    Contract,
    ContractDocument,
    ContractRecommendation,
    ExpiryReminder,
    Extension,
    Indicator,
    IndicatorResult,
    PayRules,
    Project,
    QuarterReport,
)
from recruitment.models_equality import EqualityRecord  # noqa: E402, F401
