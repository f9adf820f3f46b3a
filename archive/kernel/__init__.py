"""The kernel every area stands on: settings, database, errors, clock, jobs, accounts, audit, people, files, calendar."""
