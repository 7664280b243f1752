"""Container image URIs → what sagelab runs for them.

The SageMaker SDK builds image URIs from JSON it bundles (`image_uris.retrieve`):
`<account>.dkr.ecr.<region>.<domain>/<repository>:<tag>`, with the account varying per region
and image family. SageMaker keys on the repository, so we do too: any account, region, tag or
digest (algorithms.md §4.2). The repositories below are every one the SDK's JSON names
(sagemaker 2.257); a test checks that `image_uris.retrieve` output for each built-in resolves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sagelab.gateway.errors import NotImplementedByUs
from sagelab.services.sagemaker.errors import SageMakerValidation

_ECR_URI = re.compile(
    r"(?P<account>\d{12})\.dkr\.ecr\.(?P<region>[a-z0-9-]+)\.[a-z0-9.-]+/"
    r"(?P<repository>[a-z0-9][a-z0-9._/-]*?)"
    r"(?::(?P<tag>[\w][\w.-]{0,127}))?(?:@sha256:[0-9a-f]{64})?"
)

# Built-in algorithm repositories → the algorithm name (the SDK's `framework` argument).
# `sagemaker-xgboost` is the XGBoost algorithm when no `sagemaker_program` is given.
ALGORITHM_REPOSITORIES: dict[str, str] = {
    name: name
    for name in (
        "linear-learner",
        "kmeans",
        "pca",
        "knn",
        "factorization-machines",
        "randomcutforest",
        "forecasting-deepar",
        "object2vec",
        "ntm",
        "lda",
        "ipinsights",
        "blazingtext",
        "seq2seq",
        "image-classification",
        "object-detection",
        "semantic-segmentation",
    )
} | {"xgboost": "xgboost", "sagemaker-xgboost": "xgboost"}

# Other repositories the SDK knows: framework, serving and processing images.
_OTHER_REPOSITORIES = frozenset(
    [
        "autogluon-inference",
        "autogluon-training",
        "detailed-profiler-processing",
        "djl-inference",
        "huggingface-pytorch-inference",
        "huggingface-pytorch-inference-neuron",
        "huggingface-pytorch-inference-neuronx",
        "huggingface-pytorch-tgi-inference",
        "huggingface-pytorch-training",
        "huggingface-pytorch-training-neuronx",
        "huggingface-pytorch-trcomp-training",
        "huggingface-tensorflow-inference",
        "huggingface-tensorflow-training",
        "huggingface-tensorflow-trcomp-training",
        "huggingface-vllm-inference-neuronx",
        "image-classification-neo",
        "mxnet-inference",
        "mxnet-inference-eia",
        "mxnet-training",
        "pytorch-inference",
        "pytorch-inference-eia",
        "pytorch-inference-graviton",
        "pytorch-training",
        "pytorch-training-neuron",
        "pytorch-training-neuronx",
        "pytorch-trcomp-training",
        "sagemaker-base-python",
        "sagemaker-chainer",
        "sagemaker-clarify-processing",
        "sagemaker-data-wrangler-container",
        "sagemaker-debugger-rules",
        "sagemaker-distribution-prod",
        "sagemaker-geospatial-v1-0",
        "sagemaker-inference-mxnet",
        "sagemaker-inference-pytorch",
        "sagemaker-inference-tensorflow",
        "sagemaker-model-monitor-analyzer",
        "sagemaker-mxnet",
        "sagemaker-mxnet-eia",
        "sagemaker-mxnet-serving",
        "sagemaker-mxnet-serving-eia",
        "sagemaker-neo-mxnet",
        "sagemaker-neo-pytorch",
        "sagemaker-neo-tensorflow",
        "sagemaker-pytorch",
        "sagemaker-rl-coach-container",
        "sagemaker-rl-mxnet",
        "sagemaker-rl-ray-container",
        "sagemaker-rl-tensorflow",
        "sagemaker-rl-vw-container",
        "sagemaker-scikit-learn",
        "sagemaker-spark-processing",
        "sagemaker-sparkml-serving",
        "sagemaker-tensorflow",
        "sagemaker-tensorflow-eia",
        "sagemaker-tensorflow-scriptmode",
        "sagemaker-tensorflow-serving",
        "sagemaker-tensorflow-serving-eia",
        "sagemaker-tritonserver",
        "smdistributed-modelparallel",
        "stabilityai-pytorch-inference",
        "tei",
        "tei-cpu",
        "tensorflow-inference",
        "tensorflow-inference-eia",
        "tensorflow-inference-graviton",
        "tensorflow-training",
        "xgboost-neo",
    ]
)


@dataclass(frozen=True)
class Image:
    uri: str
    account: str
    region: str
    repository: str
    tag: str  # "latest" when the URI names none (a digest-only URI also says "latest")

    @property
    def algorithm(self) -> str | None:
        """The built-in algorithm this image stands for; None for framework images."""
        return ALGORITHM_REPOSITORIES.get(self.repository)


def parse(uri: str) -> Image | None:
    """The image a URI names, when it is one of the images the SageMaker SDK knows."""
    match = _ECR_URI.fullmatch(uri)
    if match is None:
        return None
    repository = match["repository"]
    if repository not in ALGORITHM_REPOSITORIES and repository not in _OTHER_REPOSITORIES:
        return None
    return Image(uri, match["account"], match["region"], repository, match["tag"] or "latest")


def training_algorithm(uri: str, runnable: frozenset[str]) -> str:
    """The built-in algorithm to train for `uri`, one of `runnable`; errors name the image."""
    image = parse(uri)
    if image is None:
        raise SageMakerValidation(
            message=f"The image '{uri}' does not exist or is not a SageMaker image sagelab "
            "knows. Use an image URI from sagemaker.image_uris.retrieve(...)."
        )
    if image.algorithm is None or image.algorithm not in runnable:
        raise NotImplementedByUs(
            message=f"Training with image '{uri}' (repository {image.repository}) is not "
            "implemented by sagelab yet."
        )
    return image.algorithm
