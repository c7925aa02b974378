"""The intake, declared: each question is one `Question` carrying all there is to know about it,
and a generic machinery walks the declarations.

    declare.py      Question, Section, Repeat, Field, Line/ShownWith (summary), Screen, Intake
    kinds.py        one class per kind of answer (OneOf, YesNo, ManyOf, Whole, WholeList,
                    Money): its buttons, how typed text and presses are read, its hint
    vocabulary.py   every typed word list (commands as words, "done", "no children"…)
    questions/      the questions, one module per section, in asking order
    screens/        what is not a question: the summary, the result and what follows it,
                    declined consent
    path.py         which positions a conversation goes through, which are answered
    asking.py       the reply for where the conversation stands (progress, options, « Back)
    navigation.py   answering, back, restart, /language, /summary, changing from the summary
    step.py         the pure step: commands first, then the open question's kind or screen
    shipped.py      INTAKE, the questions and screens Komek ships, and the bound functions
                    (`dialogs.step`, `dialogs.household_answers`)

Adding a question: a field on `Session` (dialogs/session.py), one `Question(...)` in its
section's module, placed in asking order in `QUESTIONS`, then `scripts/update_catalogs.py` and
the kk/ru translations. The path, the progress count, the summary (line and "change" option),
going back, editing from the summary and the answers stored with a result follow from the
declaration (tests/dialogs/test_declare_a_question.py shows it end to end).

This package's `__init__` imports nothing: `dialogs.household` and `dialogs.documents` use
helpers of `questions/` without pulling in the whole machinery.
"""
