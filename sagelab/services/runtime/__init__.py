"""Amazon SageMaker Runtime: invoking endpoints."""
