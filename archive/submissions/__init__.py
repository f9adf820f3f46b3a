"""Screening batches and submissions: models, the screening pipeline, its jobs, recovery and the worker."""
