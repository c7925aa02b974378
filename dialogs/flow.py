"""The conversation as one pure step: (session, event) → (new session, replies).

No I/O, no clock, no globals: `today` comes in as an argument. Every input is answered; input
that cannot be understood gets a short hint and the same question again, and never changes an
earlier answer. The order of the questions and when each is asked is `path`.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Final

from dialogs.events import ButtonPress, Command, ContactShared, Event, LocationShared, TextInput
from dialogs.household import to_household
from dialogs.parse import (
    match_choice,
    parse_choice_numbers,
    parse_int,
    parse_int_list,
    parse_money,
    parse_yes_no,
    words,
)
from dialogs.questions import (
    BACK,
    DONE,
    MODE_MONTH,
    MODE_QUARTER,
    QUESTIONS,
    Question,
    Section,
    counted_kinds,
    person,
    preselected_incomes,
    spellings,
)
from dialogs.regions import CITIES
from dialogs.reply import Option, Reply, paragraphs
from dialogs.result import (
    after_result_options,
    after_result_reply,
    declined_consent_text,
    explain,
)
from dialogs.session import CONSENT_TEXT_VERSION, Session
from dialogs.summary import EDIT_SECTIONS, summary_options, summary_reply
from dialogs.text import Message, Renderable, msg
from eligibility import screen

Position = tuple[str, int]
NUMBERED_SECTIONS: Final = frozenset({"place", "family", "income", "loans", "sanctions"})
NOT_ABLE_STATUSES: Final = frozenset({"pensioner", "student", "military", "ill"})
"""Statuses that rule out employment measures (so the 6-month question is not asked)."""

_BACK_WORDS: Final = frozenset({"назад", "артка", "кейин", "back", "шаг назад", "вернуться"})
_RESTART_WORDS: Final = frozenset(
    {"заново", "сначала", "начать заново", "басынан", "кайта бастау", "restart", "start over"}
)
_HELP_WORDS: Final = frozenset(
    {"помощь", "help", "комек керек", "аныктама", "справка", "что делать"}
)
_SUMMARY_WORDS: Final = frozenset({"итог", "сводка", "summary", "корытынды"})
_LANGUAGE_WORDS: Final = {
    "казакша": "kk",
    "на казахском": "kk",
    "казахский": "kk",
    "kazakh": "kk",
    "русский": "ru",
    "на русском": "ru",
    "орысша": "ru",
    "по русски": "ru",
    "russian": "ru",
}


# --- the path: which questions, in which order --------------------------------------------------


def adults_count(s: Session) -> int:
    """Adults of the household (children are asked as ages); two when not known yet."""
    people = s.people if s.people is not None else 3
    if s.child_ages is None:
        return min(people, 2)
    return max(1, people - len(s.child_ages))


def may_be_able_bodied(s: Session) -> bool:
    """Whether anyone could be offered employment measures (else the 6-month question is moot)."""
    for i in range(adults_count(s)):
        p = person(s, i)
        if p.age is not None and p.age < 18:
            continue
        if p.status is None or p.status not in NOT_ABLE_STATUSES:
            if p.status == "disability" and p.disability in {"group_1", "group_2"}:
                continue
            return True
    return False


def path(s: Session) -> list[Position]:
    """Every question this conversation will ask, in order, given the answers so far.

    Unknown answers are assumed (three people, one of them a child, one income) only to estimate
    the progress; the path is recomputed after every answer.
    """
    seq: list[Position] = [("language", 0), ("consent", 0), ("region", 0)]
    if s.region not in CITIES:
        seq.append(("settlement", 0))
    seq.append(("people", 0))
    if (s.people if s.people is not None else 3) > 1:
        seq.append(("child_ages", 0))
    for i in range(adults_count(s)):
        p = person(s, i)
        seq += [("sex", 0), ("age", 0)] if i == 0 else [("relation", i), ("age", i)]
        if p.age is None or p.age >= 18:
            seq.append(("status", i))
            if p.status == "disability":
                seq.append(("disability", i))
            elif p.status == "caring":
                seq.append(("caring_for", i))
    seq.append(("incomes", 0))
    seq += [("amount", k) for k in range(len(counted_kinds(s)))]
    seq.append(("loans", 0))
    if s.loans == "new":
        seq.append(("loan_amount", 0))
    if may_be_able_bodied(s):
        seq.append(("sanctions", 0))
    seq.append(("summary", 0))
    return seq


def answered(s: Session, pos: Position) -> bool:
    q, i = pos
    p = person(s, i)
    known: dict[str, Any] = {
        "language": s.language,
        "consent": s.consent or None,
        "region": s.region,
        "settlement": s.settlement,
        "people": s.people,
        "child_ages": s.child_ages,
        "sex": p.sex,
        "age": p.age,
        "relation": p.relation,
        "status": p.status,
        "disability": p.disability,
        "caring_for": p.caring_for,
        "incomes": s.income_kinds,
        "loans": s.loans,
        "loan_amount": s.loan_amount,
        "sanctions": s.sanctions,
    }
    if q == "amount":
        kinds = counted_kinds(s)
        return i < len(kinds) and kinds[i] in s.amounts
    return known.get(q) is not None


def first_unanswered(s: Session) -> Position:
    for pos in path(s):
        if pos[0] == "summary" or not answered(s, pos):
            return pos
    return ("summary", 0)


def _encode(pos: Position) -> str:
    return f"{pos[0]}:{pos[1]}"


def _decode(text: str) -> Position:
    name, _, idx = text.partition(":")
    return (name, int(idx)) if name in QUESTIONS and idx.isdigit() else ("region", 0)


def _go(s: Session, pos: Position, *, remember: bool = True) -> None:
    if remember:
        s.history.append(_encode((s.at, s.idx)))
        del s.history[:-60]
    s.at, s.idx = pos


PERSON_QUESTIONS: Final = frozenset(
    {"sex", "relation", "age", "status", "disability", "caring_for"}
)
FILL: Final = "fill"
"""Editing mode after a change from the summary: ask only what is missing, then the summary."""


def in_scope(pos: Position, editing: str) -> bool:
    """Whether a question belongs to what is being changed from the summary."""
    if editing.startswith("adult:"):
        return pos[0] in PERSON_QUESTIONS and str(pos[1]) == editing.partition(":")[2]
    return editing != FILL and QUESTIONS[pos[0]].section == editing


def _advance(s: Session) -> None:
    """Move to the question after the one just answered (or back towards the summary)."""
    seq = path(s)
    here = (s.at, s.idx)
    nxt = seq[seq.index(here) + 1] if here in seq and here != seq[-1] else first_unanswered(s)
    if s.editing is not None and not in_scope(nxt, s.editing):
        s.editing = FILL
    if s.editing == FILL:
        nxt = first_unanswered(s)
        if nxt[0] == "summary":
            s.editing = None
    _go(s, nxt)


# --- asking -------------------------------------------------------------------------------------


def progress(s: Session) -> Message | None:
    question = QUESTIONS.get(s.at)
    if question is None or question.section not in NUMBERED_SECTIONS:
        return None
    numbered = [p for p in path(s) if QUESTIONS[p[0]].section in NUMBERED_SECTIONS]
    here = (s.at, s.idx)
    if here not in numbered:
        return None
    return msg("Question {n} of about {total}", n=numbered.index(here) + 1, total=len(numbered))


def ask(s: Session, today: date, *before: Renderable | None, replace: bool = False) -> Reply:
    """The current question: optional lines before it, progress, its text and options."""
    q = QUESTIONS.get(s.at) or QUESTIONS["region"]
    if q.kind == "summary":
        return summary_reply(s, today, *before)
    if q.kind == "done":
        return after_result_reply(s, *before)
    options: list[Option] = []
    if q.kind == "many":
        chosen = set(_draft(s))
        options += [Option(c.value, c.label, chosen=c.value in chosen) for c in q.choices]
        options.append(Option(DONE, msg("Done ▶")))
    elif q.kind == "money" and q.id == "amount":
        options.append(
            Option(MODE_MONTH, msg("I'll give it per month"))
            if s.money_mode == "quarter"
            else Option(MODE_QUARTER, msg("I'll give the total for 3 months"))
        )
    else:
        options += [Option(c.value, c.label) for c in q.choices]
    if s.history and q.kind != "language":
        options.append(Option(BACK, msg("« Back")))
    text = paragraphs(*before, progress(s), q.prompt(s, s.idx, today))
    return Reply(
        text=text,
        question=q.id,
        options=tuple(options),
        multi=q.kind == "many",
        columns=q.columns,
        replace_previous=replace,
        numbered=q.kind in {"language", "one", "yes_no", "many"},
    )


def _draft(s: Session) -> list[str]:
    if s.income_draft is not None:
        return s.income_draft
    if s.income_kinds is not None:
        return s.income_kinds
    return preselected_incomes(s)


# --- the step -----------------------------------------------------------------------------------


def step(session: Session, event: Event, *, today: date) -> tuple[Session, list[Reply]]:
    """Answer one user event. Pure; never raises (an internal error re-asks the question)."""
    try:
        return _step(session, event, today)
    except Exception:  # the promise is "never crash": the user gets the question again
        try:
            return session, [ask(session, today, msg("Sorry, something went wrong. Once more:"))]
        except Exception:
            return session, [Reply((msg("Sorry, something went wrong. Please type /restart."),))]


def _step(s: Session, event: Event, today: date) -> tuple[Session, list[Reply]]:
    if isinstance(event, Command):
        return _command(s, event.name, today)
    if isinstance(event, ContactShared | LocationShared):
        note = msg(
            "Thank you. A phone number or location is needed only to book a visit, "
            "after the result. Let us continue:"
        )
        return s, [ask(s, today, note)]
    if isinstance(event, ButtonPress):
        return _button(s, event, today)
    if isinstance(event, TextInput):
        return _text(s, event.text, today)
    return s, [ask(s, today)]  # pragma: no cover - every event kind is handled above


def _command(s: Session, name: str, today: date) -> tuple[Session, list[Reply]]:
    if name == "back":
        return _back(s, today)
    if name == "restart":
        return _restart(s, today)
    if name == "language":
        return _choose_language(s, today)
    if name == "help":
        return s, _help(s, today)
    if name == "summary":
        return _to_summary(s, today)
    # start
    if s.finished:
        return _restart(s, today)
    if s.version == 0:
        return s, [ask(s, today)]
    return s, [ask(s, today, msg("Welcome back! Let us continue where we stopped."))]


def _bump(s: Session) -> Session:
    new = s.model_copy(deep=True)
    new.version = s.version + 1
    return new


def _back(s: Session, today: date) -> tuple[Session, list[Reply]]:
    if not s.history:
        return s, [ask(s, today, msg("This is the first question."))]
    new = _bump(s)
    pos = _decode(new.history.pop())
    new.at, new.idx = pos
    if new.editing is not None and (new.at == "summary" or not in_scope(pos, new.editing)):
        new.editing = None
    new.finished = new.at == "after_result" and new.screening is not None
    new.income_draft = None
    new.resume = None
    if new.at in {"language", "consent"} and new.language and new.consent:
        new.history.clear()
    return new, [ask(new, today)]


def _restart(s: Session, today: date) -> tuple[Session, list[Reply]]:
    new = Session(
        version=s.version + 1,
        language=s.language,
        consent=s.consent,
        consent_text_version=s.consent_text_version,
    )
    new.at = "language" if s.language is None else "consent" if not s.consent else "region"
    return new, [ask(new, today, msg("Let us start over. Your previous answers are erased."))]


def _choose_language(s: Session, today: date) -> tuple[Session, list[Reply]]:
    if s.at == "language":
        return s, [ask(s, today)]
    new = _bump(s)
    new.resume = _encode((s.at, s.idx))
    new.at, new.idx = "language", 0
    return new, [ask(new, today)]


def _help(s: Session, today: date) -> list[Reply]:
    general = msg(
        "I estimate whether your family can get targeted social assistance (TSA). "
        "Answer with the buttons or type the answer in Kazakh or Russian, as you like.\n"
        "/back — one step back\n/restart — start over\n/language — change the language\n"
        "/book — book a visit to the center\n"
        "/my_appointment — your appointment: see, move or cancel\n"
        "/help — this help"
    )
    q = QUESTIONS.get(s.at)
    specific = q.help if q is not None else None
    return [ask(s, today, general, specific)]


def _to_summary(s: Session, today: date) -> tuple[Session, list[Reply]]:
    if s.at == "summary":
        return s, [ask(s, today)]
    target = first_unanswered(s)
    if target[0] != "summary" or s.consent is not True:
        note = msg("The summary comes after the last question. Let us continue:")
        return s, [ask(s, today, note)]
    new = _bump(s)
    new.finished = False
    new.editing = None
    _go(new, target)
    return new, [ask(new, today)]


def _stale(s: Session, today: date) -> tuple[Session, list[Reply]]:
    note = msg("That button belongs to an earlier question. Here is where we are now:")
    return s, [ask(s, today, note)]


def _button(s: Session, event: ButtonPress, today: date) -> tuple[Session, list[Reply]]:
    q = QUESTIONS.get(s.at)
    if q is None or event.question != s.at:
        return _stale(s, today)
    if event.version != s.version and (q.per_person or q.kind in {"summary", "done"}):
        return _stale(s, today)
    if event.value == BACK:
        return _back(s, today)
    return _answer_value(s, q, event.value, today, pressed=True)


def _text(s: Session, text: str, today: date) -> tuple[Session, list[Reply]]:
    q = QUESTIONS.get(s.at) or QUESTIONS["region"]
    w = words(text)
    if not w:
        return s, [ask(s, today, q.hint)]
    if w in _BACK_WORDS:
        return _back(s, today)
    if w in _RESTART_WORDS:
        return _restart(s, today)
    if w in _HELP_WORDS or text.strip() == "?":
        return s, _help(s, today)
    if w in _SUMMARY_WORDS:
        return _to_summary(s, today)
    if q.kind != "language" and w in _LANGUAGE_WORDS:
        lang = _LANGUAGE_WORDS[w]
        new = _bump(s)
        new.language = "kk" if lang == "kk" else "ru"
        return new, [ask(new, today)]
    value = _understand(s, q, text)
    if value is None:
        return s, [ask(s, today, q.hint)]
    return _answer_value(s, q, value, today, pressed=False)


def _understand(s: Session, q: Question, text: str) -> Any:
    """The typed answer as the value a button would give (or a parsed number), or None."""
    table = spellings(q.id)
    if q.kind == "yes_no":
        agreed = parse_yes_no(text)
        if agreed is not None:
            return "yes" if agreed else "no"
    if q.kind in {"language", "one", "yes_no", "summary", "done"}:
        values = _typed_options(s, q)
        numbers = parse_choice_numbers(text, len(values))
        if numbers is not None and len(numbers) == 1:
            return values[numbers[0]]
        return match_choice(text, _option_spellings(s, q, table))
    if q.kind == "many":
        numbers = parse_choice_numbers(text, len(q.choices) + 1)
        if numbers is not None:
            values = [*[c.value for c in q.choices], DONE]
            if len(numbers) == 1:
                return values[numbers[0]]
            return [values[n] for n in numbers if values[n] != DONE]
        w = words(text)
        if w in {"готово", "дайын", "done", "все", "всё", "болды", "ok", "ок", "далее"}:
            return DONE
        if w in {"нет", "жок", "ничего", "никаких", "none", "no", "нет доходов", "табыс жок"}:
            return []
        found = [v for v, forms in table.items() if any(_contains(w, f) for f in forms)]
        return found or None
    if q.kind == "whole":
        return parse_int(text)
    if q.kind == "whole_list":
        choice = match_choice(text, table)
        if choice is not None:
            return choice
        w = words(text)
        if w in {"нет", "жок", "no", "none", "нету", "нет детей", "жок балалар жок"}:
            return "none"
        return parse_int_list(text)
    if q.kind == "money":
        answer = parse_money(text)
        if answer is not None:
            return answer
        w = words(text)
        if q.id == "amount" and w in {"в месяц", "айына", "per month", "помесячно"}:
            return MODE_MONTH
        if q.id == "amount" and w in {"за квартал", "за 3 месяца", "всего", "барлыгы"}:
            return MODE_QUARTER
        return None
    return None


def q_values(q: Question) -> set[str]:
    return {c.value for c in q.choices}


def _contains(text: str, form: str) -> bool:
    return f" {form} " in f" {text} " or (len(form) >= 4 and f" {form}" in f" {text} ")


def _typed_options(s: Session, q: Question) -> list[str]:
    """Option values in the order shown, for typed option numbers."""
    if q.kind == "summary":
        return [o.value for o in summary_options(s)]
    if q.kind == "done":
        return [o.value for o in after_result_options(s)]
    return [c.value for c in q.choices]


def _option_spellings(
    s: Session, q: Question, table: dict[str, tuple[str, ...]]
) -> dict[str, tuple[str, ...]]:
    if q.kind == "summary":
        return {"confirm": ("да", "иа", "верно", "дурыс", "все верно", "подтверждаю", "yes", "ok")}
    if q.kind == "done":
        return {
            "book": ("записаться", "запись", "жазылу", "book"),
            "restart": ("заново", "басынан", "restart"),
            "change": ("изменить", "озгерту", "change"),
        }
    return table


def _answer_value(
    s: Session, q: Question, value: Any, today: date, *, pressed: bool
) -> tuple[Session, list[Reply]]:
    if q.kind == "language":
        return _answer_language(s, value, today)
    if q.id == "consent":
        return _answer_consent(s, value, today)
    if q.kind == "many":
        return _answer_many(s, q, value, today)
    if q.kind == "summary":
        return _answer_summary(s, value, today)
    if q.kind == "done":
        return _answer_after_result(s, value, today)
    if q.id == "amount" and value in {MODE_MONTH, MODE_QUARTER}:
        new = _bump(s)
        new.money_mode = "month" if value == MODE_MONTH else "quarter"
        return new, [ask(new, today, replace=True)]
    if isinstance(value, str) and q.kind == "whole":
        value = int(value) if value.isdigit() and len(value) < 4 else None
    elif isinstance(value, str) and q.kind == "money":
        value = None  # amounts are typed, never pressed
    elif isinstance(value, str) and q.kind == "whole_list" and value != "none":
        value = None
    if isinstance(value, str) and q.kind in {"one", "yes_no"} and value not in q_values(q):
        value = None
    if value is None:
        return s, [ask(s, today, q.hint)]
    if q.check is not None:
        problem = q.check(s, s.idx, value)
        if problem is not None:
            return s, [ask(s, today, problem)]
    new = _bump(s)
    q.store(new, new.idx, value)
    _advance(new)
    return new, [ask(new, today)]


def _answer_language(s: Session, value: Any, today: date) -> tuple[Session, list[Reply]]:
    if value not in {"kk", "ru"}:
        return s, [ask(s, today, QUESTIONS["language"].hint)]
    new = _bump(s)
    new.language = "kk" if value == "kk" else "ru"
    if new.resume is not None:
        new.at, new.idx = _decode(new.resume)
        new.resume = None
        if new.at == "after_result" and new.finished and new.application_date is not None:
            return new, _with_next_question(new, _result(new, new.application_date), today)
    elif new.consent:
        _go(new, first_unanswered(new), remember=False)
    else:
        _go(new, ("consent", 0))
    return new, [ask(new, today)]


def _answer_consent(s: Session, value: Any, today: date) -> tuple[Session, list[Reply]]:
    if value not in {"yes", "no"}:
        return s, [ask(s, today, QUESTIONS["consent"].hint)]
    new = _bump(s)
    if value == "no":  # declining (again) erases whatever was answered before
        new = Session(version=new.version, language=new.language, consent=False, at="consent")
        agree = Reply(
            text=(msg("If you change your mind, press “I agree”."),),
            question="consent",
            options=(Option("yes", msg("I agree")),),
            numbered=True,
        )
        return new, [Reply(text=declined_consent_text()), agree]
    new.consent = True
    new.consent_text_version = CONSENT_TEXT_VERSION
    _go(new, first_unanswered(new))
    return new, [ask(new, today)]


def _answer_many(s: Session, q: Question, value: Any, today: date) -> tuple[Session, list[Reply]]:
    valid = {c.value for c in q.choices}
    if value == DONE:
        new = _bump(s)
        q.store(new, 0, list(_draft(s)))
        _advance(new)
        return new, [ask(new, today)]
    if isinstance(value, list):
        chosen = [v for v in value if v in valid]
        new = _bump(s)
        q.store(new, 0, chosen)
        _advance(new)
        return new, [ask(new, today)]
    if value not in valid:
        return s, [ask(s, today, q.hint)]
    new = _bump(s)
    draft = list(_draft(s))
    new.income_draft = [v for v in draft if v != value] if value in draft else [*draft, value]
    return new, [ask(new, today, replace=True)]


def _answer_summary(s: Session, value: Any, today: date) -> tuple[Session, list[Reply]]:
    if value == "confirm":
        target = first_unanswered(s)
        if target[0] != "summary":
            new = _bump(s)
            _go(new, target)
            return new, [ask(new, today)]
        new = _bump(s)
        new.application_date = today
        new.finished = True
        replies = _result(new, today)
        _go(new, ("after_result", 0))
        return new, _with_next_question(new, replies, today)
    choice = str(value)
    if choice.startswith("e_m") and choice[3:].isdigit() and int(choice[3:]) < adults_count(s):
        i = int(choice[3:])
        new = _bump(s)
        new.editing = f"adult:{i}"
        _go(new, ("sex", 0) if i == 0 else ("relation", i))
        return new, [ask(new, today)]
    section = EDIT_SECTIONS.get(choice)
    if section is None:
        return s, [ask(s, today, QUESTIONS["summary"].hint)]
    new = _bump(s)
    new.editing = section
    _go(new, _first_of(new, section))
    return new, [ask(new, today)]


def _result(s: Session, day: date) -> list[Reply]:
    """Screen the household as answered (stored in the session) and explain the result."""
    screening = screen(to_household(s, day))
    contract = screening.to_contract_json()
    contract.pop("steps", None)  # the trace is long; it is rebuilt from the answers when needed
    s.screening = contract
    return explain(s, screening, day)


def _with_next_question(s: Session, replies: list[Reply], today: date) -> list[Reply]:
    """The current question under the last of `replies` (one message less to wait for)."""
    *first, last = replies
    return [*first, ask(s, today, *last.text)]


def _first_of(s: Session, section: Section) -> Position:
    for pos in path(s):
        if QUESTIONS[pos[0]].section == section:
            return pos
    return ("summary", 0)


def _answer_after_result(s: Session, value: Any, today: date) -> tuple[Session, list[Reply]]:
    if value == "restart":
        return _restart(s, today)
    if value == "change":
        new = _bump(s)
        new.finished = False
        _go(new, ("summary", 0))
        return new, [ask(new, today)]
    if value == "book":
        note = msg(
            "Booking a visit works in the Telegram bot. You can also simply come to the center "
            "(in a village, to the akimat) with your identity card."
        )
        return s, [ask(s, today, note)]
    return s, [ask(s, today, QUESTIONS["after_result"].hint)]


__all__ = ["answered", "ask", "first_unanswered", "path", "step"]
