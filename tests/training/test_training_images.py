"""Image URIs → algorithms: every URI the SDK builds for a built-in, in every region it lists."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sagelab.services.sagemaker import images

_BUILT_INS = ("linear-learner", "kmeans", "pca", "knn", "factorization-machines", "xgboost")


def _registries(framework: str) -> dict[str, str]:
    """region → registry account, as the SDK's bundled JSON lists them."""
    import sagemaker

    config = Path(sagemaker.__file__).parent / "image_uri_config" / f"{framework}.json"
    data = json.loads(config.read_text())
    versions = data.get("versions") or data["training"]["versions"]
    return {r: a for v in versions.values() for r, a in v.get("registries", {}).items()}


@pytest.mark.parametrize("framework", _BUILT_INS)
def test_sdk_uris_resolve(framework: str) -> None:
    from sagemaker import image_uris

    version = "1.7-1" if framework == "xgboost" else None
    for region in ("us-east-1", "eu-west-1", "cn-north-1"):
        uri = image_uris.retrieve(framework, region, version=version)
        image = images.parse(uri)
        assert image is not None and image.algorithm == framework, uri
    # Every region and account the SDK knows, in the form `retrieve` builds.
    repository = images.parse(uri).repository  # type: ignore[union-attr]
    for region, account in _registries(framework).items():
        domain = "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"
        built = f"{account}.dkr.ecr.{region}.{domain}/{repository}:1"
        assert images.training_algorithm(built, frozenset({framework})) == framework


def test_tags_digests_and_strangers() -> None:
    digest = "@sha256:" + "0f" * 32
    base = "382416733822.dkr.ecr.us-east-1.amazonaws.com/linear-learner"
    for uri in (f"{base}:1", f"{base}:latest", base + digest, base):
        parsed = images.parse(uri)
        assert parsed is not None and parsed.algorithm == "linear-learner", uri
    assert images.parse(f"{base}:1").tag == "1"
    assert images.parse("382416733822.dkr.ecr.us-east-1.amazonaws.com/my-own-image:1") is None
    assert images.parse("linear-learner:1") is None
    sklearn = images.parse(
        "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3"
    )
    assert sklearn is not None and sklearn.algorithm is None
