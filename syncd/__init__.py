"""syncd keeps postmortem action items honest."""

__version__ = "0.1.0"
