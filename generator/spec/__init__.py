"""Spec stage: schema.yaml → input models with source positions."""

from .load import LoadedSpec, load_spec, validate_located

__all__ = ["LoadedSpec", "load_spec", "validate_located"]
