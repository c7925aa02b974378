"""The TSA rules as named quantities, one small module each, in the style of OpenFisca's
variables (openfisca country-template, `variables/`): a pure function per quantity, whose
docstring names its rule and primary source, returning the value and the trace Step(s) that
explain it. `eligibility.screening.screen()` composes them in this order:

    income_period → members_counted → counted_income → per_capita_income
    → poverty_line_range (low end, high end) → verdict (income test, disqualifiers)
    → monthly_amount → able_bodied → assistance → child_package → where_to_apply

Figures come from `eligibility.parameters` (dated, sourced); formulas that change by date are
code here (poverty_line.FORMULAS), never a rule name stored in the data.
"""
