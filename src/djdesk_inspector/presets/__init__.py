"""Vetted management-command runs: presets, their typed arguments, and their runs."""
