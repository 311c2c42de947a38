"""snaptui: a terminal UI for EBS snapshots."""

__version__ = "0.1.0"
