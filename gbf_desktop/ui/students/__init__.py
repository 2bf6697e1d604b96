"""Students: the list, a student's progress and charts, logging a session, the review queue."""
