"""The statistics charts as inline SVG, drawn on the server by pygal (no script, nothing
fetched at run time: pygal's tooltip script is switched off)."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pygal
from pygal.style import Style

from common.i18n import Language, format_date
from common.text import Message, msg
from staff.stats import Stats

STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#1f2933",
    foreground_strong="#1f2933",
    foreground_subtle="#9aa5b1",
    colors=("#1d6fa5", "#d9822b", "#2f9e44", "#c92a2a", "#7048e8"),
    font_family="DejaVu Sans, Arial, sans-serif",
    title_font_size=16,
    label_font_size=11,
    major_label_font_size=11,
    legend_font_size=12,
)
VERDICT_NAMES = {
    "eligible": msg("likely eligible"),
    "borderline": msg("borderline: depends on the official poverty line"),
    "not_eligible": msg("likely not eligible"),
}
OUTCOME_NAMES = {
    "attended": msg("attended"),
    "no_show": msg("did not come"),
    "unmarked": msg("not marked"),
}


def _config(title: Message, lang: Language) -> dict[str, object]:
    return {
        "title": title.render(lang),
        "style": STYLE,
        "js": [],
        "disable_xml_declaration": True,
        "width": 760,
        "height": 320,
        "show_legend": True,
        "legend_at_bottom": True,
        "no_data_text": msg("No data for this period").render(lang),
        "x_label_rotation": 0,
        "show_minor_x_labels": False,
        "truncate_legend": -1,
    }


def _labels(days: list[date], lang: Language) -> list[str]:
    return [format_date(day, lang, fmt="d MMM") for day in days]


def per_day(
    title: Message, series: list[tuple[Message, Counter[date]]], days: list[date], lang: Language
) -> str:
    chart = pygal.Bar(**_config(title, lang))
    chart.x_labels = _labels(days, lang)
    chart.x_labels_major_every = max(1, len(days) // 10)
    for name, counts in series:
        chart.add(name.render(lang), [counts.get(day, 0) for day in days])
    return str(chart.render(is_unicode=True))


def shares(title: Message, counts: Counter[str], names: dict[str, Message], lang: Language) -> str:
    chart = pygal.Pie(inner_radius=0.45, **_config(title, lang))
    for code, name in names.items():
        if counts.get(code):
            chart.add(name.render(lang), counts[code])
    return str(chart.render(is_unicode=True))


def all_charts(stats: Stats, lang: Language) -> list[str]:
    days = stats.period.days
    return [
        per_day(msg("Screenings per day"), [(msg("screenings"), stats.screenings)], days, lang),
        shares(msg("Share by verdict"), stats.verdicts, VERDICT_NAMES, lang),
        per_day(
            msg("Bookings and reminders per day"),
            [(msg("bookings"), stats.bookings), (msg("reminders sent"), stats.reminders_sent)],
            days,
            lang,
        ),
        shares(msg("Attendance"), stats.outcomes, OUTCOME_NAMES, lang),
    ]
