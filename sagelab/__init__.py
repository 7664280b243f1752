"""sagelab: Amazon SageMaker's workflow, self-hosted.

Kept import-free: the SDK-local hook (`sagelab.sdk_local`) is imported at interpreter start.
"""

__version__ = "0.1.0"
