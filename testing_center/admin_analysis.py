"""The item analysis in the admin: per-question statistics of each analysed sitting, with
the weak items and the items biased between the test's two languages flagged.

Registered from ``testing_center.admin``. Statistics only: no paper, no code, no person.
"""

from __future__ import annotations

from django.contrib import admin
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from eqyzmet.admin import ReadOnlyAdmin, StateBodyScopedAdmin
from testing_center.models import DifCategory, DifFavours, ItemStatistic, SittingStatistic

FLAG_LABELS = {
    "too_hard": _("too hard (low facility)"),
    "too_easy": _("too easy (high facility)"),
    "low_discrimination": _("low discrimination"),
    "low_efficiency": _("low discriminative efficiency"),
    "language_dif_b": _("moderate language bias (DIF class B)"),
    "language_dif_c": _("large language bias (DIF class C)"),
}

DIF_FLAGS = {
    "B": _("Moderate language bias (B): favours %(group)s"),
    "C": _("Large language bias (C): favours %(group)s"),
}


def _number(value) -> str:
    return "—" if value is None else number_format(value, 2)


@admin.register(ItemStatistic)
class ItemStatisticAdmin(ReadOnlyAdmin, StateBodyScopedAdmin):
    state_body_lookup = "sitting__stage__competition__state_body"
    list_display = [
        "question",
        "sitting",
        "attempts",
        "facility",
        "sd",
        "discrimination_index",
        "discriminative_efficiency",
        "language_dif",
        "flagged",
        "reasons",
    ]
    list_filter = ["flagged", "dif_category"]
    list_select_related = ["question", "sitting__blueprint"]
    readonly_fields = [
        *(f.name for f in ItemStatistic._meta.fields if not f.name.startswith("dif_")),
        "language_dif",
        "dif_reference_n",
        "dif_focal_n",
        "dif_alpha",
        "dif_d",
        "dif_d_se",
    ]
    fields = readonly_fields

    @admin.display(description=_("reasons"))
    def reasons(self, obj):
        return "; ".join(str(FLAG_LABELS.get(r, r)) for r in obj.flag_reasons) or "—"

    @admin.display(description=_("language DIF (Kazakh / Russian)"), ordering="dif_category")
    def language_dif(self, obj):
        """The ETS class with MH D-DIF ± its standard error; B and C flagged."""
        if not obj.dif_category:
            return _("not computed: too few papers in one of the languages")
        figures = format_html("MH D-DIF {} ± {}", _number(obj.dif_d), _number(obj.dif_d_se))
        if obj.dif_category == DifCategory.A:
            return format_html("{} · {}", _("A: negligible"), figures)
        flag = DIF_FLAGS[str(obj.dif_category)] % {"group": DifFavours(obj.dif_favours).label}
        return format_html(
            '<strong class="dif-flag dif-{}" style="color:{}">⚑ {}</strong> · {}',
            obj.dif_category.lower(),
            "#ba2121" if obj.dif_category == DifCategory.C else "#a15c00",
            flag,
            figures,
        )


@admin.register(SittingStatistic)
class SittingStatisticAdmin(ReadOnlyAdmin, StateBodyScopedAdmin):
    state_body_lookup = "sitting__stage__competition__state_body"
    list_display = [
        "sitting",
        "attempts",
        "mean",
        "median",
        "sd",
        "cic",
        "error_ratio",
        "standard_error",
        "computed_at",
    ]
    list_select_related = ["sitting__blueprint"]
    readonly_fields = [f.name for f in SittingStatistic._meta.fields]
