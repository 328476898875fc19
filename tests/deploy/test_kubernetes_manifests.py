"""Kubernetes manifests validate against the official schemas and wire what the README says."""

from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

K8S_DIR = Path(__file__).resolve().parents[2] / "deploy" / "k8s"
KUBERNETES_VERSION = "1.31.0"
# CRDs have no schema in kubernetes-validate; checked structurally below.
CUSTOM_KINDS = {"ScaledObject", "Kustomization"}


def _documents() -> list[tuple[str, dict[str, Any]]]:
    docs = []
    for path in sorted(K8S_DIR.glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if doc:
                docs.append((path.name, doc))
    return docs


def _by_kind(kind: str) -> list[dict[str, Any]]:
    return [doc for _, doc in _documents() if doc["kind"] == kind]


@pytest.mark.parametrize(
    ("name", "doc"),
    [(n, d) for n, d in _documents() if d["kind"] not in CUSTOM_KINDS],
    ids=lambda v: v if isinstance(v, str) else v.get("kind", "?"),
)
def test_manifest_validates_against_kubernetes_schema(name: str, doc: dict[str, Any]) -> None:
    kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)


def test_every_file_is_listed_in_the_kustomization() -> None:
    (kustomization,) = _by_kind("Kustomization")
    listed = set(kustomization["resources"])
    present = {p.name for p in K8S_DIR.glob("*.yaml")} - {"kustomization.yaml"}
    # The Secret template is created from a secret store, never applied from the repo.
    assert listed == present - {"secret.example.yaml"}


def test_api_has_probes_and_a_cpu_autoscaler() -> None:
    api = next(d for d in _by_kind("Deployment") if d["metadata"]["name"] == "pifai-api")
    (container,) = api["spec"]["template"]["spec"]["containers"]
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert {"secretRef": {"name": "pifai-secrets"}} in container["envFrom"]
    (hpa,) = _by_kind("HorizontalPodAutoscaler")
    assert hpa["spec"]["scaleTargetRef"]["name"] == "pifai-api"
    assert hpa["spec"]["metrics"][0]["resource"]["name"] == "cpu"


def test_pods_run_as_non_root() -> None:
    for kind in ("Deployment", "Job"):
        for doc in _by_kind(kind):
            pod = doc["spec"]["template"]["spec"]
            assert pod["securityContext"]["runAsNonRoot"] is True
            for container in pod["containers"]:
                assert container["securityContext"]["allowPrivilegeEscalation"] is False


def test_migrations_run_as_a_job() -> None:
    (job,) = _by_kind("Job")
    (container,) = job["spec"]["template"]["spec"]["containers"]
    assert container["command"] == ["pifai", "migrate"]


def test_keda_scales_workers_on_every_queue_stream_pending_entries() -> None:
    from app.core.queue import GROUP, stream_name
    from app.services.tasks import Queue

    (scaled,) = _by_kind("ScaledObject")
    assert scaled["apiVersion"] == "keda.sh/v1alpha1"
    assert scaled["spec"]["scaleTargetRef"]["name"] == "pifai-worker"
    triggers = scaled["spec"]["triggers"]
    assert {t["type"] for t in triggers} == {"redis-streams"}
    assert {t["metadata"]["stream"] for t in triggers} == {stream_name(q) for q in Queue}
    for trigger in triggers:
        assert trigger["metadata"]["consumerGroup"] == GROUP
        assert int(trigger["metadata"]["pendingEntriesCount"]) > 0
    worker = next(d for d in _by_kind("Deployment") if d["metadata"]["name"] == "pifai-worker")
    assert worker["spec"]["template"]["spec"]["containers"][0]["command"] == ["pifai", "worker"]
