"""IR stage: the immutable model built from the spec."""

from .build import build
from .ids import ObjectId
from .model import EMPTY, Model

__all__ = ["EMPTY", "Model", "ObjectId", "build"]
