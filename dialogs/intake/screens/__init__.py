"""Screens: positions of the conversation that are not questions (the summary, the result)."""
