"""Credit: files, commitments, evaluation, the sanction list, repair, provincial export."""
