"""The conversation engine: flows as data, one `transitions` machine per flow, a plain session per user."""
