"""GoBeyondFit Desktop: the coach's workstation tool."""

__version__ = "0.1.0"
