"""Provides snaptui's AWS layer: the only code in snaptui that talks to AWS.

Async (aiobotocore), free of any UI import. Responses become frozen models at the boundary,
failures become AwsError subclasses. Use AwsClient from the UI (it runs the layer on its own
thread and loop); use AwsContext + Ec2Service directly where stalling the loop is fine.
"""

from snaptui.aws.client import AwsClient
from snaptui.aws.context import AwsContext, CallListener, CallRecord
from snaptui.aws.errors import (
    AccessDeniedError,
    AwsError,
    CredentialsError,
    EndpointError,
    InvalidRequestError,
    NotFoundError,
    NotSupportedError,
    ReadOnlyError,
    ThrottledError,
    is_read_only_operation,
    translate,
)
from snaptui.aws.generations import (
    Generation,
    GenerationIndex,
    find_sets,
    generations_for_volume,
    group_generations,
)
from snaptui.aws.models import (
    Attachment,
    BlockDevice,
    FrozenMap,
    Identity,
    Image,
    ImageBlockDevice,
    Instance,
    Snapshot,
    Volume,
)
from snaptui.aws.service import Ec2Service, PageSizes
from snaptui.aws.settings import AwsSettings

__all__ = [
    "AccessDeniedError",
    "Attachment",
    "AwsClient",
    "AwsContext",
    "AwsError",
    "AwsSettings",
    "BlockDevice",
    "CallListener",
    "CallRecord",
    "CredentialsError",
    "Ec2Service",
    "EndpointError",
    "FrozenMap",
    "Generation",
    "GenerationIndex",
    "Identity",
    "Image",
    "ImageBlockDevice",
    "Instance",
    "InvalidRequestError",
    "NotFoundError",
    "NotSupportedError",
    "PageSizes",
    "ReadOnlyError",
    "Snapshot",
    "ThrottledError",
    "Volume",
    "find_sets",
    "generations_for_volume",
    "group_generations",
    "is_read_only_operation",
    "translate",
]
