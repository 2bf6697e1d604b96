"""The coach's dashboard: today's sessions and what needs attention."""
