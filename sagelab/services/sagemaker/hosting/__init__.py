"""SageMaker hosting: models, endpoint configs, endpoints, and the reconciler step that runs
each endpoint's instances as model-server child processes (`sagelab.container.serve`).

Modules: `records` (rows of `sm_resources` shared by the three kinds), `models`, `configs`,
`endpoints` (documents and what the API asks), `instances` (the `hosting_instances` rows),
`launch` (process specs), `reconcile` (the step), `logs` (model server output → CloudWatch).
"""

from __future__ import annotations

from sagelab.services.sagemaker import resources

MODEL, CONFIG, ENDPOINT = "model", "endpoint-config", "endpoint"


def scope(kind: str, account: str, region: str) -> resources.Scope:
    return resources.Scope(kind, account, region)
