"""Casework services: module functions `verb(session, *, actor, ...)` that never commit.

intake (cases, respondents, screening reports), tips (anonymous tips and the reporter
thread), workflow (the state machine of `casework.models.TRANSITIONS`), deadlines
(deadlines of states, counted on `archive.kernel.calendar`; extensions, reminders), panel
(panel and recusal), evidence (files, notes, interviews, report draft, fixity), decisions
(findings, sanctions, decision records), letters (PDF), appeals (the appeal records the
workflow keeps), respondents (the respondent's own view and acts: comments, appeals),
board (cards by deadline), handoff (credit and archive), reports (counts, annual summary).
"""
