"""Evaluation code: NLI sets, check-worthiness sets, whole-pipeline case sets."""
