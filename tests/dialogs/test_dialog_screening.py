"""The result shown equals `eligibility.screen` of the same household, entered independently."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from dialog_helpers import APPLICATION_DAY, Conversation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eligibility import Household, screen

RELATIONS = {
    "wife": ("spouse", "female"),
    "husband": ("spouse", "male"),
    "son": ("child", "male"),
    "daughter": ("child", "female"),
    "mother": ("parent", "female"),
    "father": ("parent", "male"),
    "sister": ("sibling", "female"),
    "brother": ("sibling", "male"),
    "grandmother": ("grandparent", "female"),
    "grandfather": ("grandparent", "male"),
    "other_woman": ("other", "female"),
    "other_man": ("other", "male"),
}
CONTRACT_INCOME = {
    "wages": "wages",
    "pension": "pension",
    "benefits": "social_benefit",
    "alimony": "alimony",
    "business": "business",
    "other": "other",
}
REGIONS = [
    "KZ-10",
    "KZ-11",
    "KZ-15",
    "KZ-19",
    "KZ-23",
    "KZ-27",
    "KZ-31",
    "KZ-33",
    "KZ-35",
    "KZ-39",
    "KZ-43",
    "KZ-47",
    "KZ-55",
    "KZ-59",
    "KZ-61",
    "KZ-62",
    "KZ-63",
    "KZ-71",
    "KZ-75",
    "KZ-79",
]


@dataclass
class Adult:
    who: str  # "me:male" / "me:female" for the applicant, else a relation button value
    age: int
    status: str
    detail: str | None  # disability group or whom cared for


statuses = st.sampled_from(
    ["works", "unemployed", "student", "pensioner", "disability", "caring", "military", "ill"]
)


@st.composite
def adults(draw: Any, applicant: bool) -> Adult:
    who = (
        ("me:" + draw(st.sampled_from(["male", "female"])))
        if applicant
        else draw(st.sampled_from(sorted(RELATIONS)))
    )
    status = draw(statuses)
    detail = None
    if status == "disability":
        detail = draw(st.sampled_from(["group_1", "group_2", "group_3"]))
    elif status == "caring":
        detail = draw(
            st.sampled_from(["child_under_3", "disabled_child", "disabled_adult", "elderly"])
        )
    # "Pensioner by age" is refused below the retirement age (63 for men, 61 for women in 2026).
    youngest = 63 if status == "pensioner" else 18
    return Adult(who, draw(st.integers(min_value=youngest, max_value=95)), status, detail)


@st.composite
def families(draw: Any) -> dict[str, Any]:
    kinds = draw(st.lists(st.sampled_from(sorted(CONTRACT_INCOME)), unique=True, max_size=3))
    return {
        "region": draw(st.sampled_from(REGIONS)),
        "rural": draw(st.booleans()),
        "adults": [draw(adults(True)), *draw(st.lists(adults(False), max_size=2))],
        "children": draw(st.lists(st.integers(min_value=0, max_value=17), max_size=4)),
        "monthly": {k: draw(st.integers(min_value=0, max_value=400)) * 1000 for k in kinds},
        "loans": draw(st.sampled_from(["no", "open", "new"])),
        "loan": draw(st.integers(min_value=0, max_value=3000)) * 1000,
        "sanctions": draw(st.sampled_from(["no", "refused", "broke", "both"])),
        "language": draw(st.sampled_from(["kk", "ru"])),
    }


def expected_household(f: dict[str, Any]) -> Household:
    members: list[dict[str, Any]] = []
    for i, a in enumerate(f["adults"]):
        relation, sex = ("applicant", a.who[3:]) if i == 0 else RELATIONS[a.who]
        members.append(
            {
                "relation": relation,
                "age": a.age,
                "sex": sex,
                "disability": a.detail if a.status == "disability" else "none",
                "full_time_student": a.status == "student",
                "military_service": a.status == "military",
                "long_illness": a.status == "ill",
                "caring_for": a.detail if a.status == "caring" else "none",
                "incomes": [],
            }
        )
    incomes = [
        {"type": CONTRACT_INCOME[k], "amount": Decimal(v * 3)} for k, v in f["monthly"].items()
    ]
    if f["loans"] == "new":
        incomes.append({"type": "consumer_loan", "amount": Decimal(f["loan"])})
    members[0]["incomes"] = incomes
    cared = any(a.status == "caring" and a.detail == "disabled_child" for a in f["adults"])
    youngest = f["children"].index(min(f["children"])) if f["children"] else -1
    members += [
        {
            "relation": "child",
            "age": age,
            "sex": "female",
            "disabled_child": cared and k == youngest,
        }
        for k, age in enumerate(f["children"])
    ]
    alone = len(f["adults"]) == 1 and not f["children"]
    asked_sanctions = any(
        a.status not in {"pensioner", "student", "military"}
        and not (a.status == "ill" and alone)  # an ill adult of a family counts as able
        and not (a.status == "disability" and a.detail in {"group_1", "group_2"})
        and a.age < (61 if RELATIONS.get(a.who, ("", a.who[3:]))[1] == "female" else 63)
        for a in f["adults"]
    )
    sanctions = f["sanctions"] if asked_sanctions else "no"
    city = f["region"] in {"KZ-71", "KZ-75", "KZ-79"}
    return Household.model_validate(
        {
            "application_date": APPLICATION_DAY.isoformat(),
            "region": f["region"],
            "settlement": "rural" if f["rural"] and not city else "urban",
            "refused_employment_measures_last_6_months": sanctions in {"refused", "both"},
            "broke_social_contract_last_6_months": sanctions in {"broke", "both"},
            "members": members,
        }
    )


def play_family(f: dict[str, Any]) -> Conversation:
    """Answer whatever is asked, from the family's description (buttons where there are any)."""
    talk = Conversation().start()
    talk.press(f["language"])
    talk.press("yes")
    people = len(f["adults"]) + len(f["children"])
    amounts = [k for k in ("wages", "pension", "benefits", "alimony", "business", "other")]
    for _ in range(80):
        q, i = talk.session.at, talk.session.idx
        adult = (
            f["adults"][i]
            if q in {"age", "status", "relation", "disability", "also", "caring_for"}
            else None
        )
        if q == "region":
            talk.press(f["region"])
        elif q == "settlement":
            talk.press("rural" if f["rural"] else "urban")
        elif q == "people":
            talk.say(str(people))
        elif q == "child_ages":
            children = f["children"]
            talk.press("none") if not children else talk.say(" и ".join(map(str, children)))
        elif q == "sex":
            talk.press(f["adults"][0].who[3:])
        elif q == "relation":
            assert adult is not None
            talk.press(adult.who)
        elif q == "age":
            assert adult is not None
            talk.say(f"{adult.age} лет")
        elif q == "status":
            assert adult is not None
            talk.press(adult.status)
        elif q == "also":
            talk.press("none")
        elif q == "child_disab":  # the youngest child (first in the session's sorted ages)
            talk.press("c0")
            talk.press("done")
        elif q in {"disability", "caring_for"}:
            assert adult is not None and adult.detail is not None
            talk.press(adult.detail)
        elif q == "incomes":
            ticked = {o.value for r in talk.replies for o in r.options if o.chosen}
            for kind in amounts:
                if (kind in f["monthly"]) != (kind in ticked):
                    talk.press(kind)
            talk.press("done")
        elif q == "amount":
            kind = [k for k in amounts if k in f["monthly"]][i]
            talk.say(f"{f['monthly'][kind]:,} в месяц".replace(",", " "))
        elif q == "loans":
            talk.press(f["loans"])
        elif q == "loan_amount":
            talk.say(str(f["loan"]))
        elif q == "sanctions":
            talk.press(f["sanctions"])
        elif q == "summary":
            talk.press("confirm")
        else:
            break
    return talk


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(family=families())
def test_result_equals_screen_of_the_same_household(family: dict[str, Any]) -> None:
    talk = play_family(family)
    assert talk.session.finished, talk.session.at
    expected = screen(expected_household(family)).to_contract_json()
    expected.pop("steps")
    assert talk.session.screening == expected


def test_the_result_text_shows_the_screening_figures() -> None:
    family = {
        "region": "KZ-15",
        "rural": False,
        "adults": [Adult("me:female", 33, "caring", "child_under_3")],
        "children": [1, 4],
        "monthly": {"alimony": 20000},
        "loans": "no",
        "loan": 0,
        "sanctions": "no",
        "language": "ru",
    }
    talk = play_family(family)
    result = screen(expected_household(family))
    assert result.eligible and result.assistance is not None
    text = talk.text()
    # 60 000 ₸ / 3 / 3 = 6 666.67 a person; 37 060 × 3 − 60 000 / 3 = 91 180 ₸
    assert result.monthly_amount == 91180
    assert "Примерно 91 180 ₸ в месяц на семью." in text
    assert "на 2 детей 1–6 лет" in text
    assert "без условий (безусловная)" in text
    assert "те, кто мог бы работать, ухаживают" in text
