"""Amazon CloudWatch metrics: PutMetricData, statistics over periods, ListMetrics."""
