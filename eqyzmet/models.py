"""The shared kernel's tables: people, state bodies, staff scope and the audit ledger."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eqyzmet.roles import Role


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in, by e-mail.

    Deliberately holds no name, IIN or other personal data: a candidate's identity lives in
    the encrypted vault of their profile, and nothing a staff member can reach joins an
    application to this table.
    """

    email = models.EmailField(_("e-mail address"), unique=True)
    is_staff = models.BooleanField(
        _("admin access"),
        default=False,
        help_text=_("Whether the person may sign in to the administration site."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=[("kk", "Қазақша"), ("ru", "Русский"), ("en", "English")],
        default="kk",
    )

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.email


class StateBody(models.Model):
    """A ministry, agency, department, akimat or regional office."""

    class Kind(models.TextChoices):
        MINISTRY = "ministry", _("Ministry")
        AGENCY = "agency", _("Agency")
        COMMITTEE = "committee", _("Committee")
        DEPARTMENT = "department", _("Department")
        AKIMAT = "akimat", _("Akimat")
        TERRITORIAL = "territorial", _("Territorial office")

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=255)
    name_ru = models.CharField(_("name (Russian)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    region = models.CharField(_("region"), max_length=64, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent body"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Materialised path of ancestor ids, "/1/5/12/", so "this body and everything under it"
    # is one indexed prefix query however deep the tree is. Written only by services.
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")

    class Meta:
        verbose_name = _("state body")
        verbose_name_plural = _("state bodies")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        from eqyzmet.languages import in_reader_language

        return in_reader_language(self, "name")


class StaffAssignment(models.Model):
    """A staff role held in one state body (and so in every body beneath it)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="assignments")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    state_body = models.ForeignKey(StateBody, on_delete=models.PROTECT, related_name="assignments")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("staff assignment")
        verbose_name_plural = _("staff assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "state_body"], name="unique_staff_assignment"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} @ {self.state_body.code}"


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionDenied("The audit ledger is append-only.")

    def delete(self):
        raise PermissionDenied("The audit ledger is append-only.")

    _raw_delete = delete


class AuditEvent(models.Model):
    """One row of the append-only, hash-chained audit ledger.

    ``hash = sha256(prev_hash + canonical JSON of the row)``; see ``eqyzmet.audit``.
    The actor and state body are plain ids, not foreign keys, so no deletion elsewhere can
    ever need to touch a ledger row.
    """

    seq = models.BigIntegerField(_("sequence"), unique=True, editable=False)
    created_at = models.DateTimeField(_("time"), editable=False)
    actor_id = models.BigIntegerField(_("actor"), null=True, editable=False)
    action = models.CharField(_("action"), max_length=100, editable=False, db_index=True)
    target_type = models.CharField(_("target type"), max_length=100, editable=False)
    target_id = models.CharField(_("target"), max_length=64, editable=False, blank=True)
    state_body_id = models.BigIntegerField(_("state body"), null=True, editable=False)
    details = models.JSONField(_("details"), default=dict, editable=False)
    prev_hash = models.CharField(max_length=64, editable=False)
    hash = models.CharField(max_length=64, editable=False, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["seq"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionDenied("The audit ledger is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("The audit ledger is append-only.")


class AuditChainHead(models.Model):
    """The ledger's last sequence number and hash: the lock appenders queue on, and the
    anchor that makes deleting the newest rows detectable."""

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self) -> str:
        return f"#{self.seq} {self.hash[:12]}"


class ApiToken(models.Model):
    """A revocable API token for an integrating system, scoped to one state body.

    Only a SHA-256 of the secret is stored; the token is shown once at creation as
    ``<prefix>.<secret>``. The token acts for ``user`` (an integration account whose roles
    decide what it may do) and never beyond ``state_body`` and the bodies beneath it.
    """

    name = models.CharField(_("name"), max_length=100)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    state_body = models.ForeignKey(StateBody, on_delete=models.PROTECT, related_name="+")
    prefix = models.CharField(max_length=12, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class Job(models.Model):
    """Long work a person asked for, done by a Celery worker, with its progress on record.

    The request that asks only checks the rules and queues the job; the page shows the
    state and the percentage; the worker claims it once (``queued`` → ``running`` by a
    conditional UPDATE), so a redelivered message never runs it twice. At most one job of a
    kind is active per target.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    kind = models.CharField(_("kind"), max_length=64)
    ref = models.BigIntegerField(_("target"))
    task = models.CharField(_("task"), max_length=100)
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default="queued")
    progress = models.PositiveSmallIntegerField(_("progress, %"), default=0)
    message = models.TextField(_("message"), blank=True)
    requested_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("queued at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        indexes = [models.Index(fields=["kind", "ref", "-created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "ref"],
                condition=models.Q(state__in=["queued", "running"]),
                name="one_active_job_per_target",
            ),
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="progress_le_100"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.ref}: {self.state} {self.progress}%"

    @property
    def active(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.RUNNING)


class Consent(models.Model):
    """A person's consent to the processing of their personal data under one version of the
    privacy notice (Law of the Republic of Kazakhstan "On Personal Data and Their
    Protection", art. 8). Rows are only added: a new version asks for a new consent, and the
    old rows are the proof of what was agreed to and when."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="consents")
    version = models.CharField(_("privacy notice version"), max_length=32)
    given_at = models.DateTimeField(_("given at"), default=timezone.now, editable=False)
    # A keyed hash of the client's address (``eqyzmet.vault.blind_index``), never the
    # address itself.
    ip_hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_at", "-pk"]
        indexes = [models.Index(fields=["user", "-given_at"])]

    def __str__(self) -> str:
        return f"consent v{self.version} #{self.user_id}"
