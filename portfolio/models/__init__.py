"""The landscape: organisations, vendors, capabilities, services, PM3 objects, people, costs, contracts."""

from .base import *  # noqa: F401,F403
from .capabilities import *  # noqa: F401,F403
from .catalogue import *  # noqa: F401,F403
from .contracts import *  # noqa: F401,F403
from .costs import *  # noqa: F401,F403
from .dataflows import *  # noqa: F401,F403
from .management import *  # noqa: F401,F403
from .organisations import *  # noqa: F401,F403
from .people import *  # noqa: F401,F403
from .services import *  # noqa: F401,F403
from .vendors import *  # noqa: F401,F403
