"""The in-cloud side of the GCP provider: how a Cloud Function serves a translated workflow
(activities, the callback registry). Standard library only."""
