"""The result in plain words: an estimate with its figures, what would change it, what to bring,
where and how to apply. Never a decision: the employment center (or the akimat) decides.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Final

from common.text import Day, ExactMoney, Message, Money, Months, Renderable, Verbatim, msg, plural
from dialogs.documents import checklist, from_databases
from dialogs.regions import REGION_LABELS
from dialogs.reply import Lines, Reply, paragraphs
from dialogs.session import Session
from eligibility import Screening
from eligibility.calendar import quarter_bounds
from eligibility.parameters import procedure_terms
from eligibility.rules import UNCONDITIONAL_BASES, AssistanceBasis

_SITE: Final = re.compile(r"\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:kz|ru|com|org|gov)\b")
"""Web sites named in a (English) source note: shown as they are, in any language."""

BASIS: Final = {
    AssistanceBasis.SINGLE_RETIREMENT_AGE: msg("you live alone and have reached retirement age"),
    AssistanceBasis.SINGLE_DISABILITY: msg("you live alone and have disability group 1 or 2"),
    AssistanceBasis.SINGLE_LONG_ILLNESS: msg(
        "you live alone and cannot work because of a long illness"
    ),
    AssistanceBasis.NO_ABLE_BODIED_MEMBER: msg(
        "no one in the family counts as able to work (by age, disability, study or service)"
    ),
    AssistanceBasis.ALL_ABLE_BODIED_CARING: msg(
        "those who could work are caring for a small child or a person who needs care"
    ),
}


def _line_source(screening: Screening) -> Message:
    if _is_range(screening):
        return msg(
            "The official poverty line of your region for this quarter is not published yet. "
            "The lower end is 70% of the subsistence minimum set by the budget law; the upper "
            "end is estimated from the statistics bureau's subsistence minimum for your region. "
            "The center uses the official figure."
        )
    rule = screening.poverty_line_rule
    if screening.poverty_line_approximate:
        return msg(
            "This line is approximate: 70% of the subsistence minimum set by the budget law. "
            "The center uses the official figure for your region and quarter."
        )
    if rule == "override":
        return msg("This line was given as a what-if figure, not an official one.")
    if rule == "published_regional":
        sites = _SITE.findall(screening.poverty_line_source)
        if not sites:
            return msg("This is the published figure for your region.")
        return msg(
            "This is the published figure for your region (source: {source}).",
            source=Verbatim(", ".join(dict.fromkeys(sites))),
        )
    return msg(
        "The poverty line is set for each region every quarter (MLSP Order No. 160 as amended "
        "by Order No. 473): the larger of 35% of the median income and 70% of the subsistence "
        "minimum."
    )


def _is_range(screening: Screening) -> bool:
    """True when the official line is unknown and the result is computed on a range."""
    return screening.poverty_line_low != screening.poverty_line_high


def _at_the_line(screening: Screening) -> bool:
    """Eligible by a margin that pays nothing (the payment rounds to 0 ₸): said as "close to
    the line", never as "likely eligible, about 0 ₸"."""
    return (
        screening.verdict == "eligible"
        and screening.monthly_amount == 0
        and screening.total_monthly == 0
    )


def _kind_of_help(screening: Screening) -> Renderable:
    if screening.assistance_basis in UNCONDITIONAL_BASES:
        basis = BASIS.get(screening.assistance_basis, BASIS[AssistanceBasis.NO_ABLE_BODIED_MEMBER])
        return msg(
            "The help would most likely be unconditional, with no social contract, because "
            "{basis}.",
            basis=basis,
        )
    return msg(
        "The help would be conditional. The family members who can work sign a social "
        "contract with the employment center and take part in employment measures: a "
        "job offer, training, public works, a youth practice, a grant or a "
        "microcredit for a small business. The contract usually lasts 3 months; if "
        "its terms are broken through your fault, TSA is not assigned again for 6 months."
    )


def _amounts(screening: Screening) -> Renderable:
    amount = msg(
        "About {amount} a month for the family.",
        amount=Money(Decimal(screening.monthly_amount)),
    )
    package = screening.child_package
    if not (package.children and package.monthly_amount):
        return amount
    return Lines(
        (
            amount,
            plural(
                "Plus the child payment: {amount} a month for {n} child aged 1–6.",
                "Plus the child payment: {amount} a month for {n} children aged 1–6.",
                package.children,
                amount=Money(Decimal(package.monthly_amount)),
            ),
            msg(
                "In total about {total} a month.",
                total=Money(Decimal(screening.total_monthly)),
            ),
        )
    )


def _close_to_the_line(screening: Screening) -> list[Renderable]:
    """Borderline (the official line unknown, the income inside the range), or eligible by less
    than a tenge: apply, the center computes it."""
    parts: list[Renderable] = []
    if screening.verdict == "borderline":
        parts.append(
            msg(
                "Estimate: your income is close to the poverty line. The official line for your "
                "region is not published yet: it is expected between {low} and {high} per person "
                "a month, and your income per person, {per_person}, is inside this range. Apply: "
                "the center computes it with the official figure.",
                low=ExactMoney(screening.poverty_line_low),
                high=ExactMoney(screening.poverty_line_high),
                per_person=ExactMoney(screening.per_capita_income),
            )
        )
        if screening.total_monthly_max > 0:
            parts.append(
                msg(
                    "If the official line is at the upper end, the family could get up to "
                    "{amount} a month (the assistance and the child payment together).",
                    amount=Money(Decimal(screening.total_monthly_max)),
                )
            )
    else:
        parts.append(
            msg(
                "Estimate: your income per person, {per_person}, is just below the poverty line "
                "of {line}: by these figures the payment would be less than 1 ₸ a month. Apply "
                "if your income may be lower than counted here: the center computes it.",
                per_person=ExactMoney(screening.per_capita_income),
                line=ExactMoney(screening.poverty_line_low),
            )
        )
    return parts


def _headline(s: Session, screening: Screening) -> tuple[Renderable, ...]:
    reasons = {r.value for r in screening.reasons}
    parts: list[Renderable | None] = []
    verdict = screening.verdict
    if verdict == "borderline" or _at_the_line(screening):
        parts.extend(_close_to_the_line(screening))
        parts.append(_kind_of_help(screening))
    elif verdict == "eligible":
        parts.append(
            msg("Estimate: your family is likely eligible for targeted social assistance (TSA).")
        )
        parts.append(_amounts(screening))
        parts.append(_kind_of_help(screening))
    else:
        if "income_not_below_poverty_line" in reasons:
            parts.append(
                msg(
                    "Estimate: by these figures your family is unlikely to get TSA: the income "
                    "per person is not below the poverty line."
                )
            )
        else:
            parts.append(
                msg(
                    "Estimate: the income is below the poverty line, but TSA is unlikely to be "
                    "assigned now:"
                )
            )
        if "refused_employment_measures" in reasons:
            parts.append(
                msg(
                    "• after a refusal of employment measures offered by the center, TSA is not "
                    "assigned for 6 months;"
                )
            )
        if "broke_social_contract" in reasons:
            parts.append(
                msg(
                    "• after a social contract was broken through the family's fault, TSA is not "
                    "assigned for 6 months."
                )
            )
    if verdict != "not_eligible" and any(6 <= age < 18 for age in s.child_ages or []):
        parts.append(
            msg(
                "Pupils of families that receive TSA may also get school uniforms and supplies "
                "from the school's universal-education fund: ask at the school."
            )
        )
    return paragraphs(*parts)


def _loan_counted(screening: Screening) -> Decimal:
    """The consumer loan in the counted income (the trace names it), to say so in the sum."""
    return sum(
        (
            Decimal(str(step.value))
            for step in screening.steps
            if step.rule == "income_counted"
            and len(step.args) > 2
            and str(step.args[2]) == "consumer_loan"
        ),
        Decimal(0),
    )


def _line_figure(s: Session, screening: Screening) -> Renderable:
    if _is_range(screening):
        return msg(
            "• poverty line: not published yet, expected between {low} and {high} per person "
            "a month",
            low=ExactMoney(screening.poverty_line_low),
            high=ExactMoney(screening.poverty_line_high),
        )
    if screening.poverty_line_approximate:
        return msg(
            "• poverty line (approximate): {line} per person a month",
            line=ExactMoney(screening.poverty_line),
        )
    if screening.poverty_line_rule == "override":
        return msg(
            "• poverty line (a what-if figure): {line} per person a month",
            line=ExactMoney(screening.poverty_line),
        )
    return msg(
        "• poverty line ({region}): {line} per person a month",
        region=REGION_LABELS.get(s.region or "", msg("your region")),
        line=ExactMoney(screening.poverty_line),
    )


def _payment_figure(screening: Screening) -> Renderable:
    """The formula with the figures as printed, so it adds up by hand: the exact product, then
    the payment rounded to whole tenge."""
    members = screening.members_counted
    exact = (screening.poverty_line - screening.per_capita_income) * members
    amount = Decimal(screening.monthly_amount)
    if exact == amount:
        return msg(
            "• payment: ({line} − {per_person}) × {members} = {amount} a month",
            line=ExactMoney(screening.poverty_line),
            per_person=ExactMoney(screening.per_capita_income),
            members=members,
            amount=Money(amount),
        )
    return msg(
        "• payment: ({line} − {per_person}) × {members} = {exact}, rounded to {amount} a month",
        line=ExactMoney(screening.poverty_line),
        per_person=ExactMoney(screening.per_capita_income),
        members=members,
        exact=ExactMoney(exact),
        amount=Money(amount),
    )


def _what_changes(screening: Screening) -> Renderable:
    members = screening.members_counted
    low = screening.poverty_line_low * 3 * members
    high = screening.poverty_line_high * 3 * members
    verdict = screening.verdict
    if verdict == "not_eligible" and screening.per_capita_income < screening.poverty_line_low:
        return msg(
            "What changes the answer: when the 6 months after the refusal or the broken contract "
            "have passed, the same income would give a positive estimate."
        )
    if verdict == "borderline" or _at_the_line(screening):
        return msg(
            "What changes the answer: the official line. Income below {low} a quarter ({low_month} "
            "a month) gives a positive estimate at any line in the range; from {high} a quarter "
            "({high_month} a month) the estimate is negative.",
            low=ExactMoney(low),
            low_month=ExactMoney(low / 3),
            high=ExactMoney(high),
            high_month=ExactMoney(high / 3),
        )
    if verdict == "eligible":
        return msg(
            "What changes the answer: if the family's counted income for a quarter reaches "
            "{threshold} ({monthly} a month) or more, or if the family composition changes.",
            threshold=ExactMoney(low),
            monthly=ExactMoney(low / 3),
        )
    return msg(
        "What changes the answer: the family's counted income for a quarter would have to be "
        "below {threshold} ({monthly} a month), or the family larger.",
        threshold=ExactMoney(high),
        monthly=ExactMoney(high / 3),
    )


def _figures(s: Session, screening: Screening, today: date) -> tuple[Renderable, ...]:
    members = screening.members_counted
    income = ExactMoney(screening.quarter_income_counted)
    period = Months(screening.income_period.start, screening.income_period.end)
    lines: list[Renderable] = [msg("How it was calculated:")]
    loan = _loan_counted(screening)
    if loan:
        lines.append(
            msg(
                "• income that counts, {months}: {income}, including the consumer loan received "
                "({loan})",
                months=period,
                income=income,
                loan=ExactMoney(loan),
            )
        )
    else:
        lines.append(msg("• income that counts, {months}: {income}", months=period, income=income))
    lines.append(
        plural(
            "• per person a month: {income} ÷ 3 months ÷ {n} person = {per_person}",
            "• per person a month: {income} ÷ 3 months ÷ {n} people = {per_person}",
            members,
            income=income,
            per_person=ExactMoney(screening.per_capita_income),
        )
    )
    lines.append(_line_figure(s, screening))
    if screening.verdict == "eligible" and not _at_the_line(screening):
        lines.append(_payment_figure(screening))
    _start, end = quarter_bounds(today)
    next_start = date.fromordinal(end.toordinal() + 1)
    later = msg(
        "Each quarter is assessed anew: if you apply from {day}, the income of {months} counts.",
        day=Day(next_start),
        months=Months(*quarter_bounds(today)),
    )
    return paragraphs(Lines(tuple(lines)), _line_source(screening), _what_changes(screening), later)


def _warnings(s: Session, screening: Screening) -> tuple[Renderable, ...]:
    loans: Message
    if s.loans in {"open", "new"}:
        loans = msg(
            "Important: you mentioned a consumer loan or microcredit. Since September 2025 TSA is "
            "generally not assigned to families with loans other than a mortgage; the center "
            "checks loans and may refuse even when this estimate is positive."
        )
    else:
        loans = msg(
            "The center also checks loans: an open consumer loan or microcredit (not a mortgage) "
            "may lead to a refusal."
        )
    uncertain = msg(
        "The center checks for itself who counts as a member of your family and who counts as "
        "able to work; its view may differ from your answers."
    )
    return (loans, uncertain)


def _how_to_apply(s: Session, screening: Screening, today: date) -> tuple[Renderable, ...]:
    rural = screening.where_to_apply.value == "rural_akimat"
    where = (
        msg(
            "Where to apply: the akimat of your village or rural district (the akim's office), "
            "or online at egov.kz with a digital signature or a one-time SMS code."
        )
        if rural
        else msg(
            "Where to apply: the employment (career) center of your district, or online at "
            "egov.kz with a digital signature or a one-time SMS code."
        )
    )
    terms = procedure_terms(today)
    process = plural(
        "After the application: an interview decides the kind of help, and a commission may "
        "visit your home within {inspection_days} working days. The decision takes {n} working "
        "day (up to {extra_days} more calendar days if data has to be requested). TSA is "
        "assigned for one quarter: apply again each quarter.",
        "After the application: an interview decides the kind of help, and a commission may "
        "visit your home within {inspection_days} working days. The decision takes {n} working "
        "days (up to {extra_days} more calendar days if data has to be requested). TSA is "
        "assigned for one quarter: apply again each quarter.",
        terms.decision_working_days_akimat if rural else terms.decision_working_days_center,
        inspection_days=terms.home_inspection_working_days,
        extra_days=terms.extra_calendar_days_when_data_requested,
    )
    family_card = msg(
        "The “Digital Family Card” may also send you an SMS offering TSA: agreeing to it by reply "
        "starts the same procedure."
    )
    return (checklist(s, today), from_databases(), where, family_card, process)


def explain(s: Session, screening: Screening, today: date) -> list[Reply]:
    """The result as two messages (each well under Telegram's 4096 characters): the estimate
    with its figures, then how to apply. The dialog puts the next-step question under the
    second, so the whole result arrives as two messages to wait for, not four."""
    estimate = msg(
        "This is only an estimate, not a decision: the employment center (or the akimat) "
        "decides after checking the data."
    )
    return [
        Reply(
            text=(
                *_headline(s, screening),
                *_figures(s, screening, today),
                *_warnings(s, screening),
            )
        ),
        Reply(text=(*_how_to_apply(s, screening, today), estimate)),
    ]


__all__ = ["explain"]
