"""Research records and case files: models, access rules, services, case files, duplicates,
retention, fixity, imports, their jobs and the `chengxin archive` commands."""
