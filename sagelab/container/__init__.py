"""The child side of SageMaker's training container contract, run as `python -m
sagelab.container.train`: the platform agent inside an emulated `/opt/ml` tree.

Nothing here imports the server; the server imports only `layout` (where the files are).
"""
