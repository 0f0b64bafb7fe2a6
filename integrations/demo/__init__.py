"""The demo municipality, Mittköpings kommun: ``build_demo`` and the ``DemoManifest`` it returns."""

from .builder import CHANGE_REASON, build_demo
from .manifest import DemoManifest
from .reviewer import demo_reviewer
from .signals import demo_built

__all__ = ["CHANGE_REASON", "DemoManifest", "build_demo", "demo_built", "demo_reviewer"]
