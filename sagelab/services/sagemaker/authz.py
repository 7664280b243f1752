"""SageMaker operations as `sagemaker:<Operation>` on the resource the parameters name, its
ARN's name lower-cased (IAM sees lower-cased SageMaker ARNs); List/Search calls act on `*`.
Condition keys from the request: instance types, KMS keys, network isolation, request tags."""

from __future__ import annotations

from typing import Any

from sagelab.gateway.context import RequestContext
from sagelab.services.iam.access import JSON_DENIAL, Check, request_tag_keys
from sagelab.services.iam.patterns import ContextValue

DENIAL = JSON_DENIAL

# The parameter naming the resource acted on, most specific first (CreateTransformJob names
# a model too, CreateEndpoint an endpoint config), and the ARN kind it names.
_NAMED = (
    ("TrainingJobName", "training-job"),
    ("TransformJobName", "transform-job"),
    ("HyperParameterTuningJobName", "hyper-parameter-tuning-job"),
    ("ProcessingJobName", "processing-job"),
    ("CompilationJobName", "compilation-job"),
    ("AutoMLJobName", "automl-job"),
    ("LabelingJobName", "labeling-job"),
    ("NotebookInstanceName", "notebook-instance"),
    ("NotebookInstanceLifecycleConfigName", "notebook-instance-lifecycle-config"),
    ("EndpointName", "endpoint"),
    ("EndpointConfigName", "endpoint-config"),
    ("ModelName", "model"),
    ("ModelPackageGroupName", "model-package-group"),
    ("ImageName", "image"),
    ("CodeRepositoryName", "code-repository"),
    ("AlgorithmName", "algorithm"),
    ("ExperimentName", "experiment"),
    ("TrialName", "experiment-trial"),
    ("TrialComponentName", "experiment-trial-component"),
    ("PipelineName", "pipeline"),
    ("MonitoringScheduleName", "monitoring-schedule"),
    ("FeatureGroupName", "feature-group"),
    ("ModelCardName", "model-card"),
    ("ProjectName", "project"),
    ("WorkteamName", "workteam"),
)
_ARNS = ("ResourceArn", "PipelineExecutionArn")


def resource_of(ctx: RequestContext, params: dict[str, Any]) -> str:
    for member, kind in _NAMED:
        if member in params:
            name = str(params[member]).lower()
            return f"arn:aws:sagemaker:{ctx.region}:{ctx.account_id}:{kind}/{name}"
    for member in _ARNS:
        if member in params:
            return str(params[member])
    return "*"


def _instance_types(params: dict[str, Any]) -> list[str]:
    found = [params.get("InstanceType")]
    found += [
        params.get(c, {}).get("InstanceType") for c in ("ResourceConfig", "TransformResources")
    ]
    found += [v.get("InstanceType") for v in params.get("ProductionVariants", [])]
    return [t for t in found if isinstance(t, str)]


def _request_keys(params: dict[str, Any]) -> dict[str, ContextValue]:
    keys: dict[str, ContextValue] = request_tag_keys(params.get("Tags"))
    types = _instance_types(params)
    if types:
        keys["sagemaker:InstanceTypes"] = types
    volume_key = params.get("ResourceConfig", {}).get("VolumeKmsKeyId") or params.get("KmsKeyId")
    if volume_key:
        keys["sagemaker:VolumeKmsKey"] = volume_key
    output_key = params.get("OutputDataConfig", {}).get("KmsKeyId")
    if output_key:
        keys["sagemaker:OutputKmsKey"] = output_key
    if "EnableNetworkIsolation" in params:
        keys["sagemaker:NetworkIsolation"] = str(bool(params["EnableNetworkIsolation"])).lower()
    for member, key in (
        ("RootAccess", "sagemaker:RootAccess"),
        ("DirectInternetAccess", "sagemaker:DirectInternetAccess"),
    ):
        if member in params:
            keys[key] = params[member]
    return keys


def checks(ctx: RequestContext, operation: str, params: dict[str, Any]) -> list[Check]:
    return [Check(f"sagemaker:{operation}", resource_of(ctx, params), _request_keys(params))]
