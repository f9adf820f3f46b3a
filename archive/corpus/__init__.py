"""The comparison corpus: its documents, the stored index and the corpus service."""
