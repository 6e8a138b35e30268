#!/usr/bin/env bash
# Offline checks of the Terraform code: `terraform fmt` and checkov (see infra/README.md).
# Run from anywhere: bash infra/check.sh
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

requirements="infra/checkov-requirements.txt"
venv=".tools/checkov"
stamp="$venv/.requirements.sha256"

uv=".tools/bin/uv"
if [[ ! -x "$uv" ]]; then
    uv="$(command -v uv || true)"
fi
if [[ -z "$uv" ]]; then
    echo "infra/check.sh: uv is missing (expected .tools/bin/uv or uv on PATH)" >&2
    exit 1
fi
# Terraform comes from HashiCorp's site, which no package registry mirrors: where it is not
# installed the formatting check cannot run, and says so; checkov and tests/infra still do.
terraform_found=true
if ! command -v terraform >/dev/null 2>&1; then
    terraform_found=false
fi

# checkov has its own virtualenv: its pinned dependencies clash with the project's.
# It is rebuilt when the requirements file changes.
wanted="$(sha256sum "$requirements" | cut -d' ' -f1)"
if [[ ! -x "$venv/bin/checkov" || ! -f "$stamp" || "$(cat "$stamp")" != "$wanted" ]]; then
    echo "infra/check.sh: installing checkov into $venv"
    rm -rf "$venv"
    UV_PYTHON_DOWNLOADS=never "$uv" venv --quiet --python 3.11 "$venv"
    UV_PYTHON_DOWNLOADS=never "$uv" pip install --quiet --python "$venv/bin/python" \
        --require-hashes -r "$requirements"
    echo "$wanted" >"$stamp"
fi

if [[ "$terraform_found" == true ]]; then
    echo "infra/check.sh: terraform fmt"
    if ! terraform fmt -check -recursive -diff infra; then
        echo "infra/check.sh: run 'terraform fmt -recursive infra' to format the files above" >&2
        exit 1
    fi
else
    echo "infra/check.sh: NOT CHECKED: terraform fmt (terraform is not installed; install" \
        "Terraform 1.11 or newer from https://developer.hashicorp.com/terraform/install)" >&2
fi

echo "infra/check.sh: checkov"
# No network: no policy download, no guideline mapping, no version check, no telemetry.
export BC_SKIP_MAPPING=TRUE
export CKV_SKIP_PACKAGE_UPDATE_CHECK=true
export CHECKOV_RUN_SCA_PACKAGE_SCAN_V2=false
"$venv/bin/checkov" -d infra --framework terraform --quiet --compact \
    --skip-download --download-external-modules false --config-file infra/.checkov.yaml
echo "infra/check.sh: all checks passed"
