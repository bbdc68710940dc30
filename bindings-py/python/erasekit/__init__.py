"""erasekit: GDPR erasure for Vonage users. ``redact()`` one transaction; record a subject's
Vonage ids in a ``Ledger`` (``capture``); plan and run an ``ErasureJob`` to a signed receipt.
Times are ``int`` milliseconds since the epoch or aware ``datetime``s; errors are under
``ErasekitError``, each with a stable ``.code``. The pip README shows the whole API.
"""

from ._native import DEFAULT_CAPTURE_MAX_BYTES as DEFAULT_CAPTURE_MAX_BYTES
from ._native import MAX_RESPONSE_BODY as MAX_RESPONSE_BODY
from ._native import USER_AGENT as USER_AGENT
from ._native import Credentials as Credentials
from ._native import Deadline as Deadline
from ._native import ErasurePlan as ErasurePlan
from ._native import RedactRequest as RedactRequest
from ._native import __version__ as __version__
from ._native import error_codes as error_codes
from ._native import receipt_public_key as receipt_public_key
from ._native import verify_receipt as verify_receipt
from ._native import phone as phone
from . import capture as capture
from ._redact import redact as redact
from ._redact import redact_async as redact_async
from .exceptions import CredentialsError as CredentialsError
from .exceptions import ErasekitError as ErasekitError
from .exceptions import InputError as InputError
from .exceptions import JobError as JobError
from .exceptions import PayloadError as PayloadError
from .exceptions import ReceiptError as ReceiptError
from .exceptions import StorageError as StorageError
from .exceptions import TransportError as TransportError
from .job import ErasureJob as ErasureJob
from .job import plan_erasure as plan_erasure
from .job import resume_job as resume_job
from .ledger import Ledger as Ledger
from .types import Action as Action
from .types import Call as Call
from .types import Counts as Counts
from .types import DeadlineData as DeadlineData
from .types import Direction as Direction
from .types import ErasurePlanData as ErasurePlanData
from .types import ErrorCode as ErrorCode
from .types import ErrorCodeInfo as ErrorCodeInfo
from .types import ErrorFamily as ErrorFamily
from .types import JobConfig as JobConfig
from .types import PlanOptions as PlanOptions
from .types import Product as Product
from .types import Terminal as Terminal
from .types import RedactRequestData as RedactRequestData
from .types import TransportFailure as TransportFailure
from .types import HttpRequest as HttpRequest
from .types import HttpResponse as HttpResponse
from .types import Identifier as Identifier
from .types import LedgerEntry as LedgerEntry
from .types import LedgerEntryInput as LedgerEntryInput
from .types import JobEvent as JobEvent
from .types import PlannedCall as PlannedCall
from .types import PlanSummary as PlanSummary
from .types import Operation as Operation
from .types import Problem as Problem
from .types import Receipt as Receipt
from .types import ReceiptBody as ReceiptBody
from .types import RedactOutcome as RedactOutcome
from .types import StoredJob as StoredJob
from .types import Tombstone as Tombstone

__all__ = [
    "DEFAULT_CAPTURE_MAX_BYTES",
    "MAX_RESPONSE_BODY",
    "USER_AGENT",
    "Action",
    "Call",
    "Direction",
    "ErrorFamily",
    "Product",
    "Terminal",
    "Counts",
    "DeadlineData",
    "ErasurePlanData",
    "ErrorCode",
    "ErrorCodeInfo",
    "JobConfig",
    "PlanOptions",
    "RedactRequestData",
    "TransportFailure",
    "Deadline",
    "ErasureJob",
    "ErasurePlan",
    "JobEvent",
    "Operation",
    "PlannedCall",
    "PlanSummary",
    "Receipt",
    "ReceiptBody",
    "plan_erasure",
    "receipt_public_key",
    "resume_job",
    "verify_receipt",
    "Credentials",
    "CredentialsError",
    "ErasekitError",
    "HttpRequest",
    "HttpResponse",
    "Identifier",
    "InputError",
    "JobError",
    "Ledger",
    "LedgerEntry",
    "LedgerEntryInput",
    "PayloadError",
    "Problem",
    "ReceiptError",
    "RedactOutcome",
    "RedactRequest",
    "StorageError",
    "StoredJob",
    "Tombstone",
    "TransportError",
    "__version__",
    "capture",
    "error_codes",
    "phone",
    "redact",
    "redact_async",
]
