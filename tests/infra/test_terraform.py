"""Facts of the Terraform code under infra/, checked offline by parsing every .tf file.

No provider can be downloaded here, so `terraform validate` cannot run: these tests parse the
HCL with python-hcl2 and assert what the design promises (HTTPS only, least-privilege roles,
private buckets, a protected database, blue/green deploys…) and that the modules fit together.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import hcl2
import pytest

from api.core.geoip import SHARED_KEY

INFRA = Path(__file__).resolve().parents[2] / "infra"
MODULES = INFRA / "modules"
ENVIRONMENT = INFRA / "environments" / "production"
TF_FILES = sorted(INFRA.rglob("*.tf"))
OPTIONS = hcl2.SerializationOptions(
    with_comments=False, explicit_blocks=False, strip_string_quotes=True
)
DATABASE_PORT = 5432
OPEN_TO_ALL = ("0.0.0.0/0", "::/0")


def parse(path: Path) -> dict[str, Any]:
    with path.open() as file:
        return hcl2.load(file, serialization_options=OPTIONS)


@dataclass
class Module:
    """Everything declared in one directory of .tf files."""

    path: Path
    resources: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    data: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    variables: dict[str, dict[str, Any]] = field(default_factory=dict)
    outputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    locals: dict[str, Any] = field(default_factory=dict)
    calls: dict[str, dict[str, Any]] = field(default_factory=dict)
    text: str = ""

    def resource(self, kind: str, name: str) -> dict[str, Any]:
        assert (kind, name) in self.resources, f"{self.path}: no {kind}.{name}"
        return self.resources[(kind, name)]

    def of_kind(self, kind: str) -> dict[str, dict[str, Any]]:
        return {name: body for (k, name), body in self.resources.items() if k == kind}

    def default(self, name: str) -> Any:
        assert name in self.variables, f"{self.path}: variable {name} is not declared"
        assert "default" in self.variables[name], f"{self.path}: variable {name} has no default"
        return self.variables[name]["default"]


def _merge_labelled(target: dict[tuple[str, str], Any], entries: list[dict[str, Any]]) -> None:
    for entry in entries:
        for kind, named in entry.items():
            for name, body in named.items():
                target[(kind, name)] = body


@cache
def module(path: Path) -> Module:
    found = Module(path=path)
    for tf in sorted(path.glob("*.tf")):
        doc = parse(tf)
        found.text += json.dumps(doc)
        _merge_labelled(found.resources, doc.get("resource", []))
        _merge_labelled(found.data, doc.get("data", []))
        for entry in doc.get("variable", []):
            found.variables.update(entry)
        for entry in doc.get("output", []):
            found.outputs.update(entry)
        for entry in doc.get("locals", []):
            found.locals.update(entry)
        for entry in doc.get("module", []):
            found.calls.update(entry)
    return found


def module_dirs() -> list[Path]:
    return sorted(p for p in MODULES.iterdir() if p.is_dir())


def all_modules() -> list[Module]:
    return [module(ENVIRONMENT), *(module(p) for p in module_dirs())]


def one(blocks: Any) -> dict[str, Any]:
    """The single nested block (hcl2 gives a list of them)."""
    assert isinstance(blocks, list), blocks
    assert len(blocks) == 1, blocks
    return blocks[0]


def nested(body: dict[str, Any], name: str) -> list[dict[str, Any]]:
    """Nested blocks called ``name``, literal or ``dynamic`` (with its for_each values)."""
    found = list(body.get(name, []))
    for dynamic in body.get("dynamic", []):
        if name in dynamic:
            spec = dynamic[name]
            content = one(spec["content"])
            values = spec["for_each"]
            if not isinstance(values, list):
                values = [None]
            for value in values:
                found.append(_substitute(content, f"${{{name}.value}}", value))
    return found


def _substitute(node: Any, placeholder: str, value: Any) -> Any:
    if isinstance(node, dict):
        return {k: _substitute(v, placeholder, value) for k, v in node.items()}
    if isinstance(node, list):
        return [_substitute(v, placeholder, value) for v in node]
    if node == placeholder and value is not None:
        return value
    return node


def ref(expression: str) -> str:
    """``${aws_iam_role.web.arn}`` → ``aws_iam_role.web.arn``."""
    match = re.fullmatch(r"\$\{(.+)\}", expression)
    assert match, f"not a plain reference: {expression!r}"
    return match.group(1)


def resolve_local(mod: Module, value: Any) -> Any:
    """Follow ``${local.name}`` to the local's value (once)."""
    if isinstance(value, str) and (match := re.fullmatch(r"\$\{local\.(\w+)\}", value)):
        assert match.group(1) in mod.locals, f"{mod.path}: local {match.group(1)} missing"
        return mod.locals[match.group(1)]
    return value


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def policy_statements(mod: Module, document: str) -> Iterator[dict[str, Any]]:
    """Statements of an aws_iam_policy_document, with those of its source documents."""
    body = mod.data[("aws_iam_policy_document", document)]
    yield from body.get("statement", [])
    for source in as_list(body.get("source_policy_documents", [])):
        for expression in as_list(source):
            name = ref(expression).split(".")[2]  # data.<type>.<name>.json
            yield from policy_statements(mod, name)


# --- Every file parses ---------------------------------------------------------------------


def test_there_is_terraform_code() -> None:
    assert len(TF_FILES) > 40
    assert (ENVIRONMENT / "main.tf").is_file()


@pytest.mark.parametrize("path", TF_FILES, ids=lambda p: str(p.relative_to(INFRA)))
def test_every_file_parses(path: Path) -> None:
    assert isinstance(parse(path), dict)


# --- Load balancer -------------------------------------------------------------------------


def test_http_listener_redirects_to_https_with_301() -> None:
    lb = module(MODULES / "load_balancer")
    http = lb.resource("aws_lb_listener", "http")
    assert http["port"] == 80
    assert http["protocol"] == "HTTP"
    action = one(http["default_action"])
    assert action["type"] == "redirect"
    redirect = one(action["redirect"])
    assert redirect["protocol"] == "HTTPS"
    assert str(redirect["port"]) == "443"
    assert redirect["status_code"] == "HTTP_301"


def test_https_listener_uses_a_tls13_policy() -> None:
    https = module(MODULES / "load_balancer").resource("aws_lb_listener", "https")
    assert https["port"] == 443
    assert https["protocol"] == "HTTPS"
    assert re.fullmatch(r"ELBSecurityPolicy-TLS13-1-[23]-.+", https["ssl_policy"])
    listeners = module(MODULES / "load_balancer").of_kind("aws_lb_listener")
    assert set(listeners) == {"http", "https"}, "another listener: check its protocol"


def test_target_groups_check_health_on_slash_health() -> None:
    groups = module(MODULES / "load_balancer").of_kind("aws_lb_target_group")
    assert groups
    for name, group in groups.items():
        assert one(group["health_check"])["path"] == "/health", name
        assert group["target_type"] == "ip", name
    assert "blue" in groups["web"]["for_each"]
    assert "green" in groups["web"]["for_each"]


# --- IAM -----------------------------------------------------------------------------------


def test_web_task_role_may_run_only_the_importer_task_definition() -> None:
    iam = module(MODULES / "iam")
    statements = list(policy_statements(iam, "web"))
    run_task = [s for s in statements if "ecs:RunTask" in s["actions"] or "ecs:*" in s["actions"]]
    assert len(run_task) == 1, run_task
    resources = as_list(resolve_local(iam, run_task[0]["resources"]))
    assert resources
    for resource in resources:
        assert resource != "*"
        assert re.fullmatch(r".*:task-definition/\$\{var\.importer_family\}(:\*)?", resource), (
            resource
        )
    project = module(MODULES / "project")
    assert project.calls["iam"]["importer_family"] == "${local.importer_family}"
    assert project.locals["importer_family"] == "${local.name}-importer"


def test_web_task_role_may_pass_only_the_importer_roles() -> None:
    iam = module(MODULES / "iam")
    statements = list(policy_statements(iam, "web"))
    passing = [s for s in statements if any(a.startswith("iam:") for a in s["actions"])]
    assert len(passing) == 1, passing
    assert passing[0]["actions"] == ["iam:PassRole"]
    assert sorted(passing[0]["resources"]) == [
        "${aws_iam_role.execution.arn}",
        "${aws_iam_role.importer.arn}",
    ]
    # Those are the importer's roles.
    project = module(MODULES / "project")
    assert project.calls["ecs"]["importer_task_role_arn"] == "${module.iam.importer_task_role_arn}"
    assert module(MODULES / "iam").outputs["importer_task_role_arn"]["value"] == (
        "${aws_iam_role.importer.arn}"
    )
    importer = module(MODULES / "ecs").resource("aws_ecs_task_definition", "importer")
    assert importer["task_role_arn"] == "${var.importer_task_role_arn}"
    assert importer["execution_role_arn"] == "${var.execution_role_arn}"


def test_the_worker_shares_the_geoip_database_and_the_web_tasks_read_it() -> None:
    iam = module(MODULES / "iam")
    key = iam.locals["geoip_key"]
    assert key == SHARED_KEY
    cloudfront_prefix = module(MODULES / "project").locals["storage_prefix"]
    assert not key.startswith(cloudfront_prefix)  # not served: MaxMind's licence forbids it
    arn = "${var.assets_bucket_arn}/${local.geoip_key}"

    def granted(document: str) -> set[str]:
        return {
            action
            for statement in policy_statements(iam, document)
            if arn in as_list(statement["resources"])
            for action in statement["actions"]
        }

    assert granted("jobs") == {"s3:GetObject", "s3:PutObject"}
    assert granted("web") == {"s3:GetObject"}
    assert granted("task_common") == set()  # the importer has only the common grants


def test_every_task_writes_archives_under_the_storage_prefix_in_parts() -> None:
    """The importer uploads each chart layer's archive, the worker each offline pack, in one
    multipart upload; an upload that failed is aborted (its parts would cost storage)."""
    iam = module(MODULES / "iam")
    arn = "${var.assets_bucket_arn}/${var.storage_prefix}*"
    granted = {
        action
        for statement in policy_statements(iam, "task_common")
        if arn in as_list(statement["resources"])
        for action in statement["actions"]
    }
    assert granted >= {"s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"}


def test_no_task_role_has_wildcard_actions() -> None:
    iam = module(MODULES / "iam")
    for (_, name), body in iam.data.items():
        for statement in body.get("statement", []):
            for action in statement.get("actions", []):
                assert not action.endswith(":*"), (name, action)
                assert action != "*", name


# --- S3 and CloudFront ---------------------------------------------------------------------


def test_every_bucket_blocks_public_access() -> None:
    buckets = 0
    for mod in all_modules():
        blocks = {
            body["bucket"]: body
            for body in mod.of_kind("aws_s3_bucket_public_access_block").values()
        }
        for name in mod.of_kind("aws_s3_bucket"):
            buckets += 1
            block = blocks.get(f"${{aws_s3_bucket.{name}.id}}")
            assert block is not None, f"{mod.path}: bucket {name} has no public access block"
            for flag in (
                "block_public_acls",
                "block_public_policy",
                "ignore_public_acls",
                "restrict_public_buckets",
            ):
                assert block[flag] is True, (name, flag)
    assert buckets >= 3


def test_every_bucket_is_encrypted_and_owned_by_the_account() -> None:
    s3 = module(MODULES / "s3")
    for kind in (
        "aws_s3_bucket_server_side_encryption_configuration",
        "aws_s3_bucket_ownership_controls",
    ):
        covered = {body["bucket"] for body in s3.of_kind(kind).values()}
        for name in s3.of_kind("aws_s3_bucket"):
            assert f"${{aws_s3_bucket.{name}.id}}" in covered, (kind, name)


def test_old_cycles_under_content_expire_from_the_assets_bucket() -> None:
    s3 = module(MODULES / "s3")
    assert s3.resource("aws_s3_bucket", "assets")["bucket"].startswith("${var.name}-assets")
    lifecycle = [
        body
        for body in s3.of_kind("aws_s3_bucket_lifecycle_configuration").values()
        if body["bucket"] == "${aws_s3_bucket.assets.id}"
    ]
    assert len(lifecycle) == 1
    expiring = []
    for rule in nested(lifecycle[0], "rule"):
        prefix = one(rule["filter"]).get("prefix", "")
        if prefix.startswith("${var.storage_prefix}") and (
            "expiration" in rule or "noncurrent_version_expiration" in rule
        ):
            expiring.append(rule)
    assert expiring, "no expiring rule under the storage prefix"
    assert s3.default("storage_prefix") == "content/"
    project = module(MODULES / "project")
    assert project.calls["s3"]["storage_prefix"] == "${local.storage_prefix}"
    assert project.locals["storage_prefix"] == "content/"


def test_tiles_distribution_answers_a_missing_file_as_missing() -> None:
    """A PMTiles reader must tell a missing archive from one: no error page stands in for it
    (S3's 403/404 reach the map), and no empty tile is uploaded for one."""
    cloudfront = module(MODULES / "cloudfront")
    tiles = cloudfront.resource("aws_cloudfront_distribution", "tiles")
    assert list(nested(tiles, "custom_error_response")) == []
    behaviour = one(tiles["default_cache_behavior"])
    assert set(behaviour["allowed_methods"]) >= {"GET", "HEAD"}
    s3 = module(MODULES / "s3")
    assert ("aws_s3_object", "empty_tile") not in s3.resources
    # The distribution's root is the storage prefix, where the archives are.
    origin = one(tiles["origin"])
    assert "var.storage_prefix" in origin["origin_path"]


def test_cloudfront_reads_s3_through_origin_access_control() -> None:
    cloudfront = module(MODULES / "cloudfront")
    controls = cloudfront.of_kind("aws_cloudfront_origin_access_control")
    assert controls
    for control in controls.values():
        assert control["signing_protocol"] == "sigv4"
        assert control["signing_behavior"] == "always"
        assert control["origin_access_control_origin_type"] == "s3"
    distributions = cloudfront.of_kind("aws_cloudfront_distribution")
    assert distributions
    bucket_origins = 0
    for name, distribution in distributions.items():
        for origin in distribution["origin"]:
            if "custom_origin_config" in origin:
                continue  # the load balancer, not a bucket
            bucket_origins += 1
            control = origin.get("origin_access_control_id", "")
            assert control.startswith("${aws_cloudfront_origin_access_control."), name
        certificate = one(distribution["viewer_certificate"])
        assert certificate["minimum_protocol_version"] == "TLSv1.2_2021"
        assert certificate["acm_certificate_arn"] == "${var.certificate_arn}"
    assert bucket_origins >= 1
    project = module(MODULES / "project")
    assert project.calls["cloudfront"]["certificate_arn"].startswith("${module.acm_us_east_1.")
    assert project.calls["acm_us_east_1"]["providers"] == {"aws": "${aws.us_east_1}"}


def _data_source_name(mod: Module, expression: str) -> str:
    """``${data.<kind>.<name>.id}`` → the ``name`` argument of that data source."""
    _, kind, name, _ = ref(expression).split(".")
    return str(mod.data[(kind, name)]["name"])


def _site_behaviours() -> dict[str, dict[str, Any]]:
    """The site distribution's cache behaviours by path pattern (``*`` for the default)."""
    site = module(MODULES / "cloudfront").resource("aws_cloudfront_distribution", "site")
    behaviours = {b["path_pattern"]: b for b in site.get("ordered_cache_behavior", [])}
    behaviours["*"] = one(site["default_cache_behavior"])
    return behaviours


def test_site_distribution_sends_the_api_uncached_to_the_load_balancer() -> None:
    cloudfront = module(MODULES / "cloudfront")
    site = cloudfront.resource("aws_cloudfront_distribution", "site")
    assert site["aliases"] == "${var.site_hostnames}"
    assert site["http_version"] == "http2and3"
    origins = {origin["origin_id"]: origin for origin in site["origin"]}
    alb = origins["alb"]
    assert alb["domain_name"] == "${var.origin_hostname}"
    config = one(alb["custom_origin_config"])
    assert config["origin_protocol_policy"] == "https-only"
    assert config["origin_ssl_protocols"] == ["TLSv1.2"]

    behaviours = _site_behaviours()
    for pattern, behaviour in behaviours.items():
        assert behaviour["viewer_protocol_policy"] == "redirect-to-https", pattern
        assert behaviour["target_origin_id"] in origins, pattern
    cached = {p: _data_source_name(cloudfront, b["cache_policy_id"]) for p, b in behaviours.items()}
    # The API and the pages the API renders (meta tags per airport) are never cached; the
    # SPA's hashed files are.
    for pattern in ("/api/*", "*"):
        assert behaviours[pattern]["target_origin_id"] == "alb", pattern
        assert cached[pattern] == "Managed-CachingDisabled", pattern
        policy = ref(behaviours[pattern]["origin_request_policy_id"])
        assert policy == "aws_cloudfront_origin_request_policy.api.id", pattern
    assert {"POST", "PUT", "PATCH", "DELETE"} <= set(behaviours["/api/*"]["allowed_methods"])
    assert behaviours["/static/*"]["target_origin_id"] == "alb"
    assert cached["/static/*"] == "Managed-CachingOptimized"
    # Stored files have their own host (PIREP_ASSETS_URL), not a path on the site.
    assert "/assets/*" not in behaviours
    project = module(MODULES / "project")
    assert project.locals["static_secret"]["PIREP_ASSETS_URL"] == "${local.assets_url}"
    assert project.locals["assets_url"] == "https://${local.assets_hostname}"
    assert project.locals["assets_hostname"] != "${var.domain}"

    # The origin is the load balancer, under a name its certificate (domain and *.domain) covers.
    assert project.calls["cloudfront"]["origin_hostname"] == "${local.origin_hostname}"
    assert project.locals["origin_hostname"] == "origin.${var.domain}"
    acm = module(MODULES / "acm").resource("aws_acm_certificate", "this")
    assert acm["subject_alternative_names"] == ["*.${var.domain}"]
    route53 = module(MODULES / "route53")
    record = route53.resource("aws_route53_record", "origin")
    assert record["name"] == "${var.origin_hostname}"
    assert one(record["alias"])["name"] == "${var.alb_dns_name}"
    assert project.calls["route53"]["origin_hostname"] == "${local.origin_hostname}"
    assert project.calls["route53"]["alb_dns_name"] == "${module.load_balancer.dns_name}"


def test_the_api_gets_every_cookie_and_header_and_the_viewer_address() -> None:
    cloudfront = module(MODULES / "cloudfront")
    policy = cloudfront.resource("aws_cloudfront_origin_request_policy", "api")
    assert one(policy["cookies_config"])["cookie_behavior"] == "all"
    assert one(policy["query_strings_config"])["query_string_behavior"] == "all"
    headers = one(policy["headers_config"])
    assert headers["header_behavior"] == "allViewerAndWhitelistCloudFront"
    assert "CloudFront-Viewer-Address" in one(headers["headers"])["items"]
    # The API reads the client's address from that header, behind the trusted load balancer.
    project = module(MODULES / "project")
    settings = project.locals["settings"]
    assert settings["PIREP_CLIENT_IP_HEADER"] == "CloudFront-Viewer-Address"
    assert settings["PIREP_TRUSTED_PROXIES"] == "${jsonencode([module.vpc.cidr_block])}"
    assert project.locals["environment"].startswith("${merge(local.settings,")
    assert project.calls["ecs"]["environment"] == "${local.environment}"
    ecs = module(MODULES / "ecs")
    for task in ("web", "jobs"):
        definition = ecs.resource("aws_ecs_task_definition", task)["container_definitions"]
        assert "environment = local.environment" in definition, task


def test_load_balancer_admits_only_cloudfront() -> None:
    groups = module(MODULES / "security_groups")
    rules = [
        rule
        for rule in groups.of_kind("aws_vpc_security_group_ingress_rule").values()
        if rule["security_group_id"] == "${aws_security_group.alb.id}"
    ]
    assert rules
    for rule in rules:
        assert "cidr_ipv4" not in rule, rule
        assert "cidr_ipv6" not in rule, rule
        assert "referenced_security_group_id" not in rule, rule
        assert _data_source_name(groups, rule["prefix_list_id"]) == (
            "com.amazonaws.global.cloudfront.origin-facing"
        )
    assert any(_covers_port(rule, 443) for rule in rules)
    # Nothing anywhere is open to the whole internet any more.
    for mod, name, rule in _ingress_rules():
        assert not any(cidr in json.dumps(rule) for cidr in OPEN_TO_ALL), (mod.path, name)
    # That group is the load balancer's.
    assert groups.outputs["alb_id"]["value"] == "${aws_security_group.alb.id}"
    project = module(MODULES / "project")
    assert project.calls["load_balancer"]["security_group_id"] == "${module.security_groups.alb_id}"


def test_apex_and_www_alias_the_site_distribution() -> None:
    route53 = module(MODULES / "route53")
    for name, kind in (("site", "A"), ("site_ipv6", "AAAA")):
        record = route53.resource("aws_route53_record", name)
        assert record["for_each"] == "${toset(var.site_hostnames)}", name
        assert record["type"] == kind
        alias = one(record["alias"])
        assert alias["name"] == "${var.site_cloudfront_domain_name}", name
        assert alias["zone_id"] == "${var.site_cloudfront_zone_id}", name
    # Only origin.<domain> still names the load balancer.
    to_alb = [
        name
        for name, record in route53.of_kind("aws_route53_record").items()
        if one(record["alias"])["name"] == "${var.alb_dns_name}"
    ]
    assert to_alb == ["origin"]
    project = module(MODULES / "project")
    assert "${var.domain}" in project.locals["site_hostnames"]
    call = project.calls["route53"]
    assert call["site_hostnames"] == "${local.site_hostnames}"
    assert call["site_cloudfront_domain_name"] == "${module.cloudfront.site_domain_name}"
    assert call["site_cloudfront_zone_id"] == "${module.cloudfront.site_hosted_zone_id}"
    cloudfront = module(MODULES / "cloudfront")
    assert cloudfront.outputs["site_domain_name"]["value"] == (
        "${aws_cloudfront_distribution.site.domain_name}"
    )
    assert cloudfront.outputs["site_hosted_zone_id"]["value"] == (
        "${aws_cloudfront_distribution.site.hosted_zone_id}"
    )
    assert project.calls["cloudfront"]["site_hostnames"] == "${local.site_hostnames}"


def test_assets_bucket_lets_only_the_distribution_read() -> None:
    s3 = module(MODULES / "s3")
    policy = s3.data[("aws_iam_policy_document", "assets")]
    allows = [s for s in policy["statement"] if s.get("effect", "Allow") == "Allow"]
    assert len(allows) == 1
    assert allows[0]["actions"] == ["s3:GetObject"]
    assert one(allows[0]["principals"])["identifiers"] == ["cloudfront.amazonaws.com"]
    condition = one(allows[0]["condition"])
    assert condition["variable"] == "AWS:SourceArn"
    assert condition["values"] == ["${var.cloudfront_distribution_arn}"]


# --- Secrets -------------------------------------------------------------------------------


REQUIRED_IN_PRODUCTION = ("PIREP_TURNSTILE_SITE_KEY", "PIREP_TURNSTILE_SECRET_KEY")
OPTIONAL_CREDENTIALS = (
    "PIREP_SMTP_PASSWORD",
    "PIREP_SENTRY_DSN",
    "PIREP_FRONTEND_SENTRY_DSN",
    "PIREP_MAXMIND_LICENSE_KEY",
    "PIREP_GOOGLE_API_KEY",
)


def test_dynamic_secret_starts_with_placeholders_the_api_refuses() -> None:
    project = module(MODULES / "project")
    initial = project.locals["dynamic_secret"]
    # Required keys: a placeholder, so the tasks refuse to start until an operator fills them.
    for key in REQUIRED_IN_PRODUCTION:
        assert initial[key] == "REPLACE_ME", key
    # Optional credentials: empty, which turns them off.
    for key in OPTIONAL_CREDENTIALS:
        assert initial[key] == "", key
    # The site key lives in the secret only, not also in a plain setting or the static secret.
    for key in initial:
        assert key not in project.locals["settings"], key
        assert key not in project.locals["static_secret"], key
    assert project.calls["secretsmanager"]["dynamic_initial_values"] == "${local.dynamic_secret}"
    assert project.calls["ecs"]["dynamic_secret_keys"] == "${keys(local.dynamic_secret)}"
    # Written once, then left to the operator.
    secrets = module(MODULES / "secretsmanager")
    version = secrets.resource("aws_secretsmanager_secret_version", "dynamic")
    assert version["secret_id"] == "${aws_secretsmanager_secret.dynamic.id}"
    assert version["secret_string"] == "${jsonencode(var.dynamic_initial_values)}"
    assert "secret_string" in one(version["lifecycle"])["ignore_changes"]


# --- Database ------------------------------------------------------------------------------


def test_database_is_private_encrypted_protected_and_forces_ssl() -> None:
    rds = module(MODULES / "rds")
    db = rds.resource("aws_db_instance", "this")
    assert db["deletion_protection"] is True
    assert db["storage_encrypted"] is True
    assert db["publicly_accessible"] is False
    assert db["skip_final_snapshot"] is False
    assert db["final_snapshot_identifier"]
    assert db["copy_tags_to_snapshot"] is True
    assert db["engine"] == "postgres"
    assert str(db["engine_version"]).startswith("16")
    retention = db["backup_retention_period"]
    if retention == "${var.backup_retention_days}":
        retention = rds.default("backup_retention_days")
    assert retention >= 7
    parameters = rds.resource("aws_db_parameter_group", "this")
    assert db["parameter_group_name"] == "${aws_db_parameter_group.this.name}"
    forced = {p["name"]: str(p["value"]) for p in parameters["parameter"]}
    assert forced.get("rds.force_ssl") == "1"
    assert db["db_subnet_group_name"] == "${aws_db_subnet_group.this.name}"
    project = module(MODULES / "project")
    assert project.calls["rds"]["subnet_ids"] == "${module.vpc.private_subnet_ids}"


def test_database_can_be_recreated_from_a_snapshot() -> None:
    rds = module(MODULES / "rds")
    assert rds.resource("aws_db_instance", "this")["snapshot_identifier"] == (
        "${var.snapshot_identifier}"
    )
    assert rds.default("snapshot_identifier") is None
    project = module(MODULES / "project")
    assert project.calls["rds"]["snapshot_identifier"] == "${var.db_snapshot_identifier}"
    environment = module(ENVIRONMENT)
    assert environment.default("db_snapshot_identifier") is None
    assert environment.calls["project"]["db_snapshot_identifier"] == (
        "${var.db_snapshot_identifier}"
    )


def _ingress_rules() -> Iterator[tuple[Module, str, dict[str, Any]]]:
    for mod in all_modules():
        for name, rule in mod.of_kind("aws_vpc_security_group_ingress_rule").items():
            yield mod, name, rule
        for name, rule in mod.of_kind("aws_security_group_rule").items():
            if rule.get("type") == "ingress":
                yield mod, name, rule
        for name, group in mod.of_kind("aws_security_group").items():
            for rule in group.get("ingress", []):
                yield mod, f"{name} (inline)", rule


def _covers_port(rule: dict[str, Any], port: int) -> bool:
    if str(rule.get("ip_protocol", rule.get("protocol", ""))) in ("-1", "all"):
        return True
    low, high = rule.get("from_port"), rule.get("to_port")
    if not isinstance(low, int) or not isinstance(high, int):
        return True  # A variable: assume the worst.
    return low <= port <= high


def test_no_rule_opens_the_database_port_to_the_internet() -> None:
    rules = list(_ingress_rules())
    assert rules
    for mod, name, rule in rules:
        open_to_all = any(cidr in json.dumps(rule) for cidr in OPEN_TO_ALL)
        to_database = "aws_security_group.database" in json.dumps(rule)
        if open_to_all:
            assert not to_database, (mod.path, name)
            assert not _covers_port(rule, DATABASE_PORT), (mod.path, name)


def test_database_accepts_only_the_task_security_groups() -> None:
    groups = module(MODULES / "security_groups")
    rules = [
        rule
        for rule in groups.of_kind("aws_vpc_security_group_ingress_rule").values()
        if rule["security_group_id"] == "${aws_security_group.database.id}"
    ]
    assert len(rules) == 1
    assert "cidr_ipv4" not in rules[0]
    assert "cidr_ipv6" not in rules[0]
    assert rules[0]["referenced_security_group_id"] == "${each.value}"
    sources = rules[0]["for_each"]
    assert set(sources) == {"web", "jobs", "importer"}
    assert all(v.startswith("${aws_security_group.") for v in sources.values())
    project = module(MODULES / "project")
    assert project.calls["rds"]["security_group_id"] == "${module.security_groups.database_id}"


# --- ECS and deploys -----------------------------------------------------------------------


def test_codedeploy_terminates_blue_five_minutes_after_success() -> None:
    codesuite = module(MODULES / "codesuite")
    group = codesuite.resource("aws_codedeploy_deployment_group", "web")
    config = one(group["blue_green_deployment_config"])
    terminate = one(config["terminate_blue_instances_on_deployment_success"])
    assert terminate["action"] == "TERMINATE"
    assert terminate["termination_wait_time_in_minutes"] == 5
    rollback = one(group["auto_rollback_configuration"])
    assert rollback["enabled"] is True
    assert "DEPLOYMENT_FAILURE" in rollback["events"]
    assert one(group["deployment_style"])["deployment_type"] == "BLUE_GREEN"


def test_pipeline_builds_migrates_then_deploys() -> None:
    codesuite = module(MODULES / "codesuite")
    pipeline = codesuite.resource("aws_codepipeline", "this")
    assert [stage["name"] for stage in pipeline["stage"]] == [
        "Source",
        "Build",
        "Migrate",
        "Deploy",
    ]
    for spec in ("buildspec-build.yml", "buildspec-migrate.yml"):
        assert (MODULES / "codesuite" / spec).is_file()
    build = (MODULES / "codesuite" / "buildspec-build.yml").read_text()
    assert "Dockerfile.api" in build
    assert "Dockerfile.importer" in build
    migrate = (MODULES / "codesuite" / "buildspec-migrate.yml").read_text()
    assert '"pirep","db","upgrade"' in migrate
    assert "aws ecs run-task" in migrate


def test_web_and_jobs_services_allow_ecs_exec() -> None:
    ecs = module(MODULES / "ecs")
    services = ecs.of_kind("aws_ecs_service")
    assert set(services) == {"web", "jobs"}
    for name, service in services.items():
        assert service["enable_execute_command"] is True, name
    web = services["web"]
    assert one(web["deployment_controller"])["type"] == "CODE_DEPLOY"
    ignored = one(web["lifecycle"])["ignore_changes"]
    assert "task_definition" in ignored
    assert "load_balancer" in ignored
    assert web["name"] == "${var.name}-web"
    assert services["jobs"]["name"] == "${var.name}-jobs"


def _task_size(ecs: Module, task: str, attribute: str) -> int:
    value = ecs.resource("aws_ecs_task_definition", task)[attribute]
    if isinstance(value, str) and (match := re.fullmatch(r"\$\{var\.(\w+)\}", value)):
        value = ecs.default(match.group(1))
    return int(value)


def test_importer_task_is_bigger_than_the_web_task_and_has_disk() -> None:
    ecs = module(MODULES / "ecs")
    for attribute in ("cpu", "memory"):
        assert _task_size(ecs, "importer", attribute) > _task_size(ecs, "web", attribute)
    storage = one(ecs.resource("aws_ecs_task_definition", "importer")["ephemeral_storage"])
    size = storage["size_in_gib"]
    if isinstance(size, str):
        size = ecs.default(ref(size).split(".")[1])
    assert size >= 100


def test_containers_run_the_right_commands() -> None:
    text = (MODULES / "ecs" / "web.tf").read_text()
    assert '"pirep", "serve", "--host", "0.0.0.0", "--port"' in text
    assert "/health" in text
    assert '["pirep", "worker"]' in (MODULES / "ecs" / "jobs.tf").read_text()
    assert '["python", "-m", "importer", "run"]' in (MODULES / "ecs" / "importer.tf").read_text()


def test_schedule_starts_the_importer_with_its_own_role() -> None:
    scheduler = module(MODULES / "scheduler")
    schedule = scheduler.resource("aws_scheduler_schedule", "importer")
    target = one(schedule["target"])
    assert target["role_arn"] == "${var.role_arn}"
    assert one(target["ecs_parameters"])["task_definition_arn"] == (
        "${var.importer_task_definition_arn}"
    )
    project = module(MODULES / "project")
    call = project.calls["scheduler"]
    assert call["role_arn"] == "${module.iam.scheduler_role_arn}"
    assert call["importer_task_definition_arn"].endswith(
        ":task-definition/${module.ecs.importer_family}"
    )


# --- Modules fit together ------------------------------------------------------------------


def _calls() -> Iterator[tuple[Module, str, Path]]:
    for mod in all_modules():
        for name, call in mod.calls.items():
            yield mod, name, (mod.path / call["source"]).resolve()


def test_every_module_source_exists() -> None:
    calls = list(_calls())
    assert calls
    for mod, name, target in calls:
        assert target.is_dir(), f"{mod.path}: module {name}"
        assert any(target.glob("*.tf")), f"{mod.path}: module {name}"


def test_every_module_directory_is_used() -> None:
    used = {target for _, _, target in _calls()}
    for path in module_dirs():
        assert path.resolve() in used, f"{path.name} is called by no module"


def test_module_calls_pass_declared_and_required_variables() -> None:
    meta = {"source", "providers", "depends_on", "count", "for_each", "version"}
    for mod, name, target in _calls():
        called = module(target)
        given = set(mod.calls[name]) - meta
        unknown = given - set(called.variables)
        assert not unknown, f"{mod.path}: module {name} has no variable {unknown}"
        required = {v for v, body in called.variables.items() if "default" not in body}
        assert required <= given, f"{mod.path}: module {name} misses {required - given}"


def test_every_variable_used_is_declared() -> None:
    for mod in all_modules():
        used = set(re.findall(r"\bvar\.([A-Za-z_][A-Za-z0-9_-]*)", mod.text))
        assert used, mod.path
        missing = used - set(mod.variables)
        assert not missing, f"{mod.path}: undeclared {missing}"


def test_every_module_output_used_exists() -> None:
    for mod in all_modules():
        for name, output in set(re.findall(r"\bmodule\.(\w+)\.(\w+)", mod.text)):
            assert name in mod.calls, f"{mod.path}: no module {name}"
            target = module((mod.path / mod.calls[name]["source"]).resolve())
            assert output in target.outputs, f"{mod.path}: module {name} has no output {output}"


def test_every_variable_has_a_description() -> None:
    for mod in all_modules():
        for name, body in mod.variables.items():
            assert body.get("description"), f"{mod.path}: variable {name}"
