"""Casework services: module functions `verb(session, *, actor, ...)` that never commit.

intake (cases, respondents, screening reports), tips (anonymous tips and the reporter
thread), workflow (the state machine of `casework.models.TRANSITIONS`), deadlines
(deadlines of states, counted on `archive.kernel.calendar`; extensions, reminders), panel
(panel and recusal), evidence (files, notes, interviews, report draft, fixity), decisions
(findings, sanctions, decision records), letters (PDF), appeals (the appeal records the
workflow keeps), respondents (the respondent's own view and acts: comments, waivers,
appeals), hearing (whether each respondent was heard), statements (paper comments and
waivers), experts (outside experts for panels), board (cards by deadline), todo (each
person's to-do list), handoff (credit and archive), reports (counts, annual summary).
"""
