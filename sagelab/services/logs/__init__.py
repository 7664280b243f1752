"""Amazon CloudWatch Logs: log groups (streams and events come with training)."""
