"""AWS Cost Explorer (`ce`): GetCostAndUsage over billing's usage report."""
