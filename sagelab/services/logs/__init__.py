"""Amazon CloudWatch Logs: groups, streams, events (every job's stdout and stderr)."""
