"""The intake's questions, one module per section, each with a tuple `QUESTIONS` in asking order.

`dialogs.intake.shipped` puts the sections together. The section modules import only the
declaration vocabulary (`start` also the navigation its two questions decide), so
`dialogs.household` and `dialogs.documents` can use their helpers (`counted_kinds`, `person`).
"""
