"""The embedded default target: the local plan and (from the local-runtime work) the dev host."""
