"""Casework services: module functions `verb(session, *, actor, ...)` that never commit.

intake (cases, respondents, screening reports), tips (anonymous tips), workflow (the state
machine), deadlines (working-day calendar, deadlines, reminders), panel (panel, recusal),
evidence (files, notes, interviews), decisions (findings, sanctions), letters (PDF),
appeals, handoff (credit, archive), reports (counts, annual summary).
"""
