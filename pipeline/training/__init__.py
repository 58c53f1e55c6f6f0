"""Training code for the shipped models (NLI verifier, check-worthiness classifier)."""
