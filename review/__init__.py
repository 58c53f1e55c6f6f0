"""Editors' review app: stored check reports, editors' decisions on flags, and exports.

``record_run`` (in :mod:`review.store`) stores a report produced by ``factcheck check``;
``review.app.create_app`` serves the web app; :mod:`review.exports` writes the
retraining JSON Lines and schema.org ClaimReview files.
"""
