"""Every setting Pirep reads, from environment variables prefixed ``PIREP_``."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[2]


# Values a secret is created with before an operator fills it in (docs/runbook.md).
PLACEHOLDER = re.compile(r"(?i)replace[-_ ]?me|change[-_ ]?me|placeholder|todo|x{3,}|<[^>]*>")
# The settings that hold credentials; production refuses to start with a placeholder in them.
SECRET_SETTINGS = (
    "turnstile_secret_key",
    "turnstile_site_key",
    "smtp_password",
    "sentry_dsn",
    "frontend_sentry_dsn",
    "maxmind_license_key",
    "google_api_key",
    "map_style_url",  # the style's address often carries the map provider's key
)


class Settings(BaseSettings):
    """Configuration of the API, worker and importer.

    Nothing is required for the embedded default: with no ``PIREP_DATABASE_URL`` the
    ``pirep dev`` command starts a private PostgreSQL cluster under ``data_dir``.
    """

    model_config = SettingsConfigDict(env_prefix="PIREP_", extra="ignore")

    environment: Literal["development", "test", "production"] = Field(
        default="development",
        description="development, test or production (production: secure cookies, CAPTCHA "
        "keys required, placeholder credentials refused).",
    )
    database_url: str | None = Field(
        default=None, description="postgresql:// URL; unset means the embedded cluster."
    )
    embedded_postgres_port: int | None = Field(
        default=None, ge=1, le=65535, description="Port of the embedded cluster; free if unset."
    )
    database_pool_size: int = Field(
        default=10, ge=1, le=100, description="Database connections per process."
    )
    database_statement_timeout_ms: int = Field(
        default=15_000, ge=0, description="Longest a query of a web request may run (ms)."
    )

    data_dir: Path = Field(
        default=PROJECT_ROOT / ".pirep",
        description="Local working directory: embedded cluster, caches, logs, local storage.",
    )
    download_cache_dir: Path | None = Field(
        default=None,
        description="Where downloaded source archives are kept between runs "
        "(default: data_dir/cache).",
    )

    host: str = Field(default="127.0.0.1", description="Interface `pirep serve` listens on.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port `pirep serve` listens on.")

    nasr_base_url: str = Field(
        default="https://nfdc.faa.gov/webContent/28DaySub/extra",
        description="The FAA's 28-day NASR subscription files.",
    )
    ourairports_base_url: str = Field(
        default="https://davidmegginson.github.io/ourairports-data",
        description="OurAirports CSV files (Canada and other countries).",
    )
    aopa_events_url: str = Field(
        default="https://webapp.aopa.org/AirportsAPI/events",
        description="AOPA events feed (daily job).",
    )
    eaa_events_url: str = Field(
        default="https://www.eaa.org/SpecialUseComponents/Event/GetEvents",
        description="EAA events feed (daily job).",
    )
    jobs_use_internet: bool = Field(
        default=True,
        description="Whether the worker fetches weather, events, bounding boxes, elevations "
        "and GeoIP data from the internet (`pirep dev` turns it off unless set).",
    )
    overpass_url: str = Field(
        default="https://overpass-api.de/api/interpreter",
        description="OpenStreetMap Overpass API, for airport bounding boxes.",
    )
    elevation_url: str = Field(
        default="https://api.opentopodata.org/v1/mapzen?locations={latitude},{longitude}",
        description="Terrain elevation service (OpenTopoData's answer), for the airports pilots "
        "add without an elevation.",
    )
    google_api_key: str | None = Field(
        default=None,
        description="Google Places API (New) key: photos from Google for the airports pilots "
        "have no photo of yet, shown with their authors' names; unset: off.",
    )
    google_places_url: str = Field(
        default="https://places.googleapis.com",
        description="Google Places API (New), for those photos.",
    )
    http_timeout_seconds: float = Field(
        default=60.0, gt=0, description="Timeout of each download by the importer and jobs."
    )
    http_retries: int = Field(
        default=4, ge=0, le=20, description="Retries of a failed download before giving up."
    )
    weather_base_url: str = Field(
        default="https://aviationweather.gov/data/cache",
        description="Where metars.cache.xml.gz and tafs.cache.xml.gz are downloaded from.",
    )
    weather_timeout_seconds: float = Field(
        default=30.0, gt=0, description="Timeout of each weather feed download."
    )
    weather_attempts: int = Field(
        default=3, ge=1, le=10, description="Attempts at each weather feed download."
    )
    weather_backoff_seconds: float = Field(
        default=2.0, ge=0, description="Wait before the second attempt; doubled after."
    )

    import_countries: str = Field(
        default="CA",
        description="Countries imported from OurAirports besides the FAA's (comma-separated "
        "ISO codes, ALL for every one).",
    )
    import_max_closed_fraction: float = Field(
        default=0.02,
        ge=0,
        le=1,
        description="An import refuses to close more than this fraction of airports "
        "(a broken source).",
    )

    charts_base_url: str = Field(
        default="https://aeronav.faa.gov/visual",
        description="The FAA's sectional and terminal chart GeoTIFFs.",
    )
    dtpp_base_url: str = Field(
        default="https://aeronav.faa.gov/d-tpp", description="The FAA's d-TPP airport diagrams."
    )
    chart_catalogue: Literal["faa", "sample"] = Field(
        default="faa", description="The FAA's charts, or the bundled sample chart."
    )
    sectional_zooms: str = Field(
        default="0-12",
        pattern=r"^\d{1,2}-\d{1,2}$",
        description="Zoom range sectional charts are tiled at.",
    )
    terminal_zooms: str = Field(
        default="10-13",
        pattern=r"^\d{1,2}-\d{1,2}$",
        description="Zoom range terminal area charts are tiled at.",
    )
    tile_quality: int = Field(default=80, ge=1, le=100, description="WebP quality of map tiles.")
    tile_processes: int | None = Field(
        default=None, ge=1, le=64, description="Tiling processes; unset: one per CPU."
    )
    storage_dir: Path | None = Field(
        default=None, description="Where tiles and diagrams go locally (default: data_dir/storage)."
    )
    storage_bucket: str | None = Field(
        default=None, description="S3 bucket for tiles and diagrams; unset: storage_dir."
    )
    storage_prefix: str = Field(default="content/", description="Key prefix in the bucket.")
    assets_url: str | None = Field(
        default=None,
        description="Public URL of the stored files (the CDN host, with the prefix); "
        "unset: the API serves storage_dir under /assets.",
    )

    cache_revalidate_seconds: float = Field(
        default=2.0, ge=0, description="How often a web process checks its caches are current."
    )
    map_rebuild_delay_seconds: float = Field(
        default=10.0,
        ge=0,
        le=60,
        description="Changes to the map gathered into one rebuild of its GeoJSON (seconds); "
        "their writers see them at once, browsers keep the map a minute anyway.",
    )
    detail_cache_size: int = Field(
        default=4096, ge=0, description="Airport detail documents kept in memory per process."
    )
    tile_cache_bytes: int = Field(
        default=64 * 1024 * 1024,
        ge=0,
        description="Bytes of the map's vector tiles kept in memory per process (0: none).",
    )
    search_cache_size: int = Field(
        default=4096,
        ge=0,
        description="Answers of the search box kept in memory per process (0: none); dropped "
        "when an airport they list, or what search finds airports by, changes.",
    )

    public_url: str = Field(
        default="http://localhost:8000", description="Where users reach the site (mail links)."
    )
    smtp_host: str | None = Field(default=None, description="Unset: mails go to the log.")
    smtp_port: int = Field(default=587, ge=1, le=65535, description="SMTP port.")
    smtp_username: str | None = Field(default=None, description="SMTP user name.")
    smtp_password: str | None = Field(default=None, description="SMTP password.")
    smtp_starttls: bool = Field(default=True, description="Use STARTTLS with the SMTP server.")
    mail_from: str = Field(
        default="Pirep <no-reply@pirep.io>", description="Sender of the mails Pirep sends."
    )
    trusted_proxies: list[str] = Field(
        default_factory=list,
        description="Addresses/networks of proxies (the ALB) whose X-Forwarded-For is believed.",
    )
    client_ip_header: str | None = Field(
        default=None,
        description="Header a CDN puts the viewer's address:port in (CloudFront-Viewer-"
        "Address), believed from trusted proxies only; unset: X-Forwarded-For.",
    )
    blocked_ips: list[str] = Field(
        default_factory=list, description="Addresses/networks refused outright (403)."
    )
    write_limit_per_minute: int = Field(
        default=10, ge=1, description="Writes (POST/PUT/PATCH/DELETE) per minute and address."
    )
    read_limit_per_minute: int = Field(
        default=240, ge=1, description="Airport page reads per minute and address."
    )
    turnstile_site_key: str | None = Field(default=None, description="CAPTCHA site key (public).")
    map_style_url: str | None = Field(
        default=None,
        description="MapLibre style of the map's base layer (satellite or streets); unset: the "
        "embedded Natural Earth base map under the charts, which needs no key and no internet.",
    )
    map_initial_view: tuple[float, float, float] | None = Field(
        default=None,
        description="Latitude, longitude and zoom where the map opens (JSON list); unset: the "
        "centre of the contiguous United States.",
    )
    geoip_database: Path | None = Field(
        default=None,
        description="MaxMind GeoLite2 City database (default: data_dir/geoip/GeoLite2-City.mmdb "
        "when present), for the map's first view and pageview geography.",
    )
    maxmind_license_key: str | None = Field(
        default=None, description="Lets the worker download and refresh the GeoLite2 database."
    )
    maxmind_download_url: str = Field(
        default="https://download.maxmind.com/app/geoip_download?edition_id=GeoLite2-City"
        "&license_key={key}&suffix=tar.gz",
        description="Where the GeoLite2 database is downloaded from ({key}: the licence key).",
    )
    log_format: Literal["text", "json"] = Field(
        default="text",
        description="Log lines as text, or as one JSON object per line (the images: json).",
    )
    sentry_dsn: str | None = Field(
        default=None, description="Sentry DSN the API, worker and importer report errors to."
    )
    sentry_traces_sample_rate: float = Field(
        default=0.05, ge=0, le=1, description="Share of requests and jobs traced."
    )
    frontend_sentry_dsn: str | None = Field(
        default=None, description="Sentry DSN the browser reports errors to; unset: off."
    )
    spa_dir: Path | None = Field(
        default=None,
        description="The built SPA served on the API's port (default: frontend/dist when built).",
    )
    turnstile_secret_key: str | None = Field(default=None, description="CAPTCHA secret key.")
    turnstile_verify_url: str = Field(
        default="https://challenges.cloudflare.com/turnstile/v0/siteverify",
        description="Cloudflare Turnstile's verification endpoint.",
    )
    max_body_bytes: int = Field(
        default=1 << 20, ge=1024, description="Largest request body accepted (bytes)."
    )
    max_photo_bytes: int = Field(
        default=5 * 1024 * 1024, ge=1024, description="Largest photo accepted (bytes)."
    )
    session_days: int = Field(default=30, ge=1, le=365, description="Life of a login.")
    max_failed_logins: int = Field(default=10, ge=1, description="Failed logins that lock.")

    task_runner: Literal["local", "ecs"] = Field(
        default="local",
        description="How the importer is started from the admin API: a local process, or a "
        "one-off ECS Fargate task.",
    )
    aws_profile: str | None = Field(
        default=None,
        description="AWS profile the operator commands (deploy, ssh, db backup…) use; unset: "
        "the default credential chain (environment, ~/.aws, the task's role).",
    )
    aws_region: str = Field(default="us-west-2", description="AWS region of the deployment.")
    aws_endpoint_url: str | None = Field(
        default=None, description="Another AWS endpoint (a local test server); unset for AWS."
    )
    aws_timeout_seconds: float = Field(default=10.0, gt=0, description="Timeout of each AWS call.")
    ecs_cluster: str = Field(
        default="pirep-production", description="ECS cluster the importer task and `pirep ssh` use."
    )
    ecs_jobs_service: str = Field(
        default="pirep-production-jobs",
        description="ECS service whose network configuration one-off tasks copy.",
    )
    ecs_importer_task_family: str = Field(
        default="pirep-production-importer", description="Task definition family of the importer."
    )
    ecs_web_service: str = Field(
        default="pirep-production-web",
        description="ECS service of the API (`pirep ssh --service web`).",
    )
    deploy_pipeline: str = Field(
        default="pirep-production", description="CodePipeline that `pirep deploy` starts."
    )
    rds_instance: str = Field(
        default="pirep-production", description="RDS instance `pirep db snapshot` snapshots."
    )
    backups_bucket: str = Field(
        default="pirep-production-backups",
        description="S3 bucket `pirep db backup` writes to and `pirep db download` reads.",
    )

    @property
    def verification_enabled(self) -> bool:
        """Whether anonymous writers must pass the CAPTCHA (off when no keys are configured)."""
        return bool(self.turnstile_secret_key)

    @model_validator(mode="after")
    def _production_needs_captcha_keys(self) -> Settings:
        if self.environment == "production" and not (
            self.turnstile_secret_key and self.turnstile_site_key
        ):
            raise ValueError(
                "production needs PIREP_TURNSTILE_SITE_KEY and PIREP_TURNSTILE_SECRET_KEY: "
                "without them anonymous edits could not be verified"
            )
        return self

    @field_validator(*SECRET_SETTINGS, mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        # A secret's key left empty (the production secret's optional credentials) is "off".
        return None if isinstance(value, str) and not value.strip() else value

    @model_validator(mode="after")
    def _production_refuses_placeholders(self) -> Settings:
        if self.environment != "production":
            return self
        for name in SECRET_SETTINGS:
            value = getattr(self, name)
            if value is not None and PLACEHOLDER.fullmatch(value.strip()):
                raise ValueError(
                    f"PIREP_{name.upper()} still holds the placeholder {value!r}: put the real "
                    "value in the production secret (docs/runbook.md, rotating secrets), or "
                    "leave it unset where that is allowed"
                )
        password = urlsplit(self.database_url or "").password
        if password is not None and PLACEHOLDER.fullmatch(password):
            raise ValueError(
                "PIREP_DATABASE_URL has a placeholder password: use the one the static secret holds"
            )
        return self

    @property
    def secure_cookies(self) -> bool:
        """Cookies carry ``Secure`` except in local development and tests (plain HTTP)."""
        return self.environment == "production"

    @field_validator("sectional_zooms", "terminal_zooms")
    @classmethod
    def _zoom_range(cls, value: str) -> str:
        low, high = (int(part) for part in value.split("-"))
        if not 0 <= low <= high <= 20:
            raise ValueError(f"{value!r} is not a zoom range like 0-12 (zooms 0 to 20)")
        return value

    @field_validator("database_url")
    @classmethod
    def _normalise_database_url(cls, value: str | None) -> str | None:
        return normalise_database_url(value) if value else None

    @property
    def assets_base(self) -> str:
        """Where clients reach stored files (tiles, diagrams): the CDN, or this API."""
        return (self.assets_url or "/assets").rstrip("/")

    @property
    def geoip_path(self) -> Path:
        return self.geoip_database or self.data_dir / "geoip" / "GeoLite2-City.mmdb"

    @property
    def storage_root(self) -> Path:
        return self.storage_dir or self.data_dir / "storage"

    def zoom_range(self, layer: str) -> tuple[int, int]:
        """The zooms a chart layer is tiled at."""
        low, high = (int(part) for part in getattr(self, f"{layer}_zooms").split("-"))
        return low, high

    @property
    def cache_dir(self) -> Path:
        """Directory where downloaded source archives are kept between runs."""
        return self.download_cache_dir or self.data_dir / "cache"


def normalise_database_url(url: str) -> str:
    """Return ``url`` with the asyncpg driver, accepting plain ``postgres(ql)://`` URLs."""
    for prefix in ("postgres://", "postgresql://", "postgresql+psycopg://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    return url


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
