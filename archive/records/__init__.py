"""Research records and case files: models, access rules, services, retention, fixity, imports."""
