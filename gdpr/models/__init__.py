"""The GDPR record: processing activities, transfers and impact assessments."""

from .acknowledgements import *  # noqa: F401,F403
from .breaches import *  # noqa: F401,F403
from .dpias import *  # noqa: F401,F403
from .erasures import *  # noqa: F401,F403
from .processing import *  # noqa: F401,F403
from .processor_reviews import *  # noqa: F401,F403
from .transfers import *  # noqa: F401,F403
