"""What every kind of SageMaker job (training, transform) shares."""
