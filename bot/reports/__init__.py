"""What an organization reports each month: counts made the moment things happen, read back per month,
small numbers hidden, written as a table, CSV, JSON or the console's page."""
