"""AWS clients for the operator commands, made from the settings (profile, region, endpoint)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from api.core.aws import aws_client
from api.core.settings import Settings

if TYPE_CHECKING:
    from mypy_boto3_codedeploy import CodeDeployClient
    from mypy_boto3_codepipeline import CodePipelineClient
    from mypy_boto3_ecs import ECSClient
    from mypy_boto3_rds import RDSClient
    from mypy_boto3_s3 import S3Client

CREDENTIALS_HINT = (
    "set PIREP_AWS_PROFILE to a profile of your AWS configuration, or give AWS credentials "
    "(AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or `aws sso login`)"
)


class OpsProblem(Exception):
    """What stops an operator command, told in one sentence the operator can act on."""


class Aws:
    """One boto3 session for a command, and its clients with Pirep's timeouts and retries."""

    def __init__(self, settings: Settings) -> None:
        import boto3
        from botocore.exceptions import ProfileNotFound

        try:  # An unknown profile is told before anything is asked of AWS.
            boto3.session.Session(profile_name=settings.aws_profile)
        except ProfileNotFound:
            raise OpsProblem(
                f"There is no AWS profile named {settings.aws_profile!r}: {CREDENTIALS_HINT}."
            ) from None
        self.profile = settings.aws_profile
        self.region = settings.aws_region
        self.endpoint_url = settings.aws_endpoint_url
        self.timeout_seconds = settings.aws_timeout_seconds

    def _client(self, service: str) -> Any:
        return aws_client(
            service,
            region=self.region,
            profile=self.profile,
            endpoint_url=self.endpoint_url,
            timeout_seconds=self.timeout_seconds,
        )

    def codedeploy(self) -> CodeDeployClient:
        client: CodeDeployClient = self._client("codedeploy")
        return client

    def codepipeline(self) -> CodePipelineClient:
        client: CodePipelineClient = self._client("codepipeline")
        return client

    def ecs(self) -> ECSClient:
        client: ECSClient = self._client("ecs")
        return client

    def rds(self) -> RDSClient:
        client: RDSClient = self._client("rds")
        return client

    def s3(self) -> S3Client:
        client: S3Client = self._client("s3")
        return client


def client_error_code(error: Exception) -> str:
    """The AWS error code of a ``ClientError`` ("" for anything else)."""
    response = getattr(error, "response", None) or {}
    return str(response.get("Error", {}).get("Code", ""))


@contextmanager
def explained() -> Iterator[None]:
    """Turn boto3's exceptions into an ``OpsProblem`` with a sentence the operator can act on."""
    from boto3.exceptions import S3UploadFailedError
    from botocore.exceptions import (
        BotoCoreError,
        ClientError,
        EndpointConnectionError,
        NoCredentialsError,
        NoRegionError,
        PartialCredentialsError,
        ProfileNotFound,
        TokenRetrievalError,
        UnauthorizedSSOTokenError,
    )

    try:
        yield
    except (NoCredentialsError, PartialCredentialsError):
        raise OpsProblem(f"No AWS credentials were found: {CREDENTIALS_HINT}.") from None
    except ProfileNotFound as error:
        raise OpsProblem(f"{error}: {CREDENTIALS_HINT}.") from None
    except (TokenRetrievalError, UnauthorizedSSOTokenError):
        raise OpsProblem(
            "The AWS single sign-on session has expired: run `aws sso login` "
            "(with --profile when PIREP_AWS_PROFILE is set)."
        ) from None
    except NoRegionError:
        raise OpsProblem("No AWS region is set: set PIREP_AWS_REGION.") from None
    except EndpointConnectionError as error:
        raise OpsProblem(f"Could not reach AWS at {error.kwargs.get('endpoint_url')}.") from None
    except ClientError as error:
        code = client_error_code(error)
        message = error.response.get("Error", {}).get("Message", "") or str(error)
        if code in ("ExpiredToken", "ExpiredTokenException", "InvalidClientTokenId"):
            raise OpsProblem(f"AWS refused the credentials ({code}): {CREDENTIALS_HINT}.") from None
        raise OpsProblem(f"AWS refused {error.operation_name}: {message} ({code}).") from None
    except S3UploadFailedError as error:
        raise OpsProblem(f"The upload to S3 failed: {error}.") from None
    except BotoCoreError as error:
        raise OpsProblem(f"AWS could not be asked: {error}.") from None


def check_bucket(s3: S3Client, bucket: str, setting: str) -> None:
    """A clear error when the bucket is missing or out of reach, before any work is done."""
    from botocore.exceptions import ClientError

    try:
        s3.head_bucket(Bucket=bucket)
    except ClientError as error:
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        if status == 404:
            raise OpsProblem(
                f"The bucket {bucket!r} does not exist: set {setting} to the right one."
            ) from None
        if status == 403:
            raise OpsProblem(
                f"The AWS credentials in use may not read the bucket {bucket!r}."
            ) from None
        raise


def download(
    s3: S3Client, bucket: str, key: str, target: Path, progress: Callable[[int], None]
) -> None:
    """Download an object to ``target`` through a partial file renamed once complete, so
    that an interrupted download leaves no file that looks whole."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.part")
    try:
        with partial.open("wb") as stream:
            s3.download_fileobj(bucket, key, stream, Callback=progress)
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
