"""The counselors' web console (DESIGN §5–6)."""
