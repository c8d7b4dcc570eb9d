"""Counseling windows and, later, handoff to counselors."""
