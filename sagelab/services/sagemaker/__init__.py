"""Amazon SageMaker's control plane: every resource is a row of `sm_resources`."""
