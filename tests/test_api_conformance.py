"""Every api method is an operation of its service's model, and its keywords are input members."""

from __future__ import annotations

import inspect

import pytest
from botocore import xform_name

from sagelab.gateway.models import service_model
from sagelab.services.registry import API_CLASSES
from scripts.gen_coverage import api_methods

METHODS = [
    pytest.param(cls, name, id=f"{cls.service_name}.{name}")
    for cls in API_CLASSES
    for name in api_methods(cls)
]


def _operations(service: str) -> dict[str, str]:
    """xform_name(Operation) → Operation for the service's model."""
    return {xform_name(op): op for op in service_model(service).operation_names}


@pytest.mark.parametrize(("cls", "name"), METHODS)
def test_method_names_an_operation(cls: type, name: str) -> None:
    assert name in _operations(cls.service_name), (
        f"{cls.__name__}.{name} is no operation of {cls.service_name}"
    )


@pytest.mark.parametrize(("cls", "name"), METHODS)
def test_parameters_are_ctx_then_input_members(cls: type, name: str) -> None:
    params = list(inspect.signature(getattr(cls, name)).parameters.values())[1:]  # after self
    assert params and params[0].name == "ctx", f"{cls.__name__}.{name} must take ctx first"
    operation = service_model(cls.service_name).operation_model(_operations(cls.service_name)[name])
    shape = operation.input_shape
    members = {xform_name(m) for m in shape.members} if shape is not None else set()
    for param in params[1:]:
        assert param.kind in {param.KEYWORD_ONLY, param.POSITIONAL_OR_KEYWORD}, (
            f"{cls.__name__}.{name}: no catch-all *args/**kwargs ({param})"
        )
        assert param.name in members, (
            f"{cls.__name__}.{name}: {param.name!r} is no input member of {operation.name}"
        )


def test_registry_lists_api_classes() -> None:
    assert METHODS, "no api method found in sagelab.services.registry.API_CLASSES"
