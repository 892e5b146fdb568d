"""Forms for the reporter's and the commissioner's pages. Rules stay in the services."""

from __future__ import annotations

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from eqyzmet.models import StateBody
from ethics.models import REPORT_CATEGORIES, Category, Status
from ethics.services import TRANSITIONS
from ethics.storage import MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS_PER_MESSAGE


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf"})
        )
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


def _attachment_help() -> str:
    return gettext(
        "Up to %(count)s files: PDF, JPEG or PNG, at most %(mb)s MB each. Files can carry "
        "hidden details about their author (name, camera, place): remove them if you wish "
        "to stay anonymous."
    ) % {"count": MAX_ATTACHMENTS_PER_MESSAGE, "mb": MAX_ATTACHMENT_BYTES // (1024 * 1024)}


# Interpolated when shown, in the visitor's language.
ATTACHMENT_HELP = lazy(_attachment_help, str)()


class ReportForm(forms.Form):
    category = forms.ChoiceField(
        label=_("What is it about?"),
        choices=[("", "—")] + [(c.value, c.label) for c in REPORT_CATEGORIES],
    )
    state_body = forms.ModelChoiceField(
        label=_("State body concerned"), queryset=StateBody.objects.order_by("path")
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    description = forms.CharField(
        label=_("What happened?"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20_000,
        help_text=_("When and where it happened, who was involved, how you know."),
    )
    attachments = MultipleFileField(label=_("Files"), help_text=ATTACHMENT_HELP)
    give_identity = forms.BooleanField(
        label=_("I want to give my name and contacts to the ethics commissioner"),
        required=False,
    )
    reporter_name = forms.CharField(label=_("Your name"), max_length=200, required=False)
    reporter_contact = forms.CharField(
        label=_("How to contact you (phone or e-mail)"), max_length=200, required=False
    )

    def __init__(self, *args, account_email: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.account_email = account_email
        if account_email:
            self.fields["share_account_email"] = forms.BooleanField(
                label=_("Give my account's e-mail address as my contact"), required=False
            )

    def identity(self) -> tuple[str, str]:
        """Name and contacts only if the reporter opted in; anonymous otherwise."""
        data = self.cleaned_data
        if not data.get("give_identity"):
            return "", ""
        contact = data.get("reporter_contact", "").strip()
        if not contact and data.get("share_account_email") and self.account_email:
            contact = self.account_email
        return data.get("reporter_name", "").strip(), contact

    def clean(self):
        data = super().clean()
        if data.get("give_identity"):
            has_contact = data.get("reporter_contact") or data.get("share_account_email")
            if not data.get("reporter_name") and not has_contact:
                raise forms.ValidationError(
                    _("Give your name or contacts, or untick the box to stay anonymous.")
                )
        return data


class FollowForm(forms.Form):
    code = forms.CharField(
        label=_("Receipt code"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message"), widget=forms.Textarea(attrs={"rows": 4}), max_length=10_000
    )
    attachments = MultipleFileField(label=_("Files"), help_text=ATTACHMENT_HELP)


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("Internal note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=10_000
    )


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        label=_("Assigned commissioner"), queryset=None, required=False, empty_label="—"
    )

    def __init__(self, *args, assignees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignees
        self.fields["assignee"].label_from_instance = lambda user: user.email


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(label=_("Next step"), choices=Status.choices)
    reasoning = forms.CharField(
        label=_("Reasoning"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=10_000,
    )
    referred_to = forms.CharField(label=_("Referred to"), max_length=255, required=False)

    def __init__(self, *args, current: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if current is not None:
            allowed = TRANSITIONS.get(current, frozenset())
            self.fields["to_status"].choices = [(s.value, s.label) for s in Status if s in allowed]


class FilterForm(forms.Form):
    QUEUES = [
        ("", _("All cases")),
        ("open", _("Open cases")),
        ("overdue", _("Overdue")),
        ("due_soon", _("Due within 7 days")),
        ("unassigned", _("Unassigned")),
        ("mine", _("Assigned to me")),
    ]
    queue = forms.ChoiceField(label=_("Queue"), choices=QUEUES, required=False)
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", "—"), *Status.choices], required=False
    )
    category = forms.ChoiceField(
        label=_("Category"), choices=[("", "—"), *Category.choices], required=False
    )
    state_body = forms.ModelChoiceField(
        label=_("State body"), queryset=StateBody.objects.none(), required=False
    )
    q = forms.CharField(label=_("Search"), max_length=100, required=False)

    def __init__(self, *args, bodies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state_body"].queryset = bodies
