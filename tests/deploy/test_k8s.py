"""deploy/k8s/: each overlay renders with `kubectl kustomize`, every rendered object validates
against the Kubernetes schemas, and the manifests match what CareLLM really serves."""

from __future__ import annotations

import inspect
import shutil

import pytest
import yaml

from carellm.serve import app as serve_app
from carellm.serve.settings import ServeSettings
from tests.deploy.tools import (
    DEPLOY,
    POSTGRES_DEFAULT_CONNECTIONS,
    POSTGRES_RESERVED,
    api_connections,
    image_data_dir,
    make_secrets,
    run,
    setting_variables,
    tool,
)

OVERLAYS = ("single-gpu", "scale-out")
KUBECTL_HOW = (
    "Install kubectl (https://kubernetes.io/docs/tasks/tools/; Debian: the `kubectl` package from "
    "Kubernetes' or Google Cloud's apt repository); its built-in kustomize renders the overlays."
)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, tuple[list[dict], dict[str, str]]]:
    """Each overlay (and scale-out with an external database) rendered from a copy of deploy/k8s
    whose secrets/ the real make-secrets.sh filled: the objects, and the secret values."""
    kubectl = tool("kubectl", KUBECTL_HOW)
    root = tmp_path_factory.mktemp("k8s") / "k8s"
    shutil.copytree(DEPLOY / "k8s", root, ignore=shutil.ignore_patterns("secrets"))
    values = make_secrets(root / "base" / "secrets", "carellm-postgres")
    external = root / "overlays" / "external-db"
    external.mkdir()
    (external / "kustomization.yaml").write_text(
        "resources: [../scale-out]\ncomponents: [../../components/external-postgres]\n"
    )
    out = {}
    for name in (*OVERLAYS, "external-db"):
        done = run(kubectl, "kustomize", str(root / "overlays" / name))
        assert done.returncode == 0, done.stderr
        path = root / f"{name}.yaml"
        path.write_text(done.stdout)
        out[name] = ([d for d in yaml.safe_load_all(done.stdout) if d], values, path)
    return out


def objects(rendered, overlay: str, kind: str) -> dict[str, dict]:
    return {o["metadata"]["name"]: o for o in rendered[overlay][0] if o["kind"] == kind}


def container(rendered, overlay: str, deployment: str) -> dict:
    return objects(rendered, overlay, "Deployment")[deployment]["spec"]["template"]["spec"]["containers"][0]


def test_every_rendered_object_validates_against_the_kubernetes_schemas(rendered):
    validate = tool("kubernetes-validate", "It comes with the dev extra: bash scripts/install.sh --test.")
    paths = [str(path) for _, _, path in rendered.values()]
    done = run(validate, "--strict", "--quiet", *paths)
    assert done.returncode == 0, done.stdout + done.stderr


def test_overlays_size_the_engines_and_api(rendered):
    for overlay, engines, api in (("single-gpu", 1, 2), ("scale-out", 4, 10)):
        deployments = objects(rendered, overlay, "Deployment")
        assert deployments["carellm-engine"]["spec"]["replicas"] == engines
        assert deployments["carellm-api"]["spec"]["replicas"] == api
        gpu = container(rendered, overlay, "carellm-engine")["resources"]["limits"]["nvidia.com/gpu"]
        assert gpu == 1
        assert objects(rendered, overlay, "StatefulSet")["carellm-postgres"]
    assert not objects(rendered, "external-db", "StatefulSet")
    assert "carellm-postgres" not in objects(rendered, "external-db", "Service")


def test_api_probes_ask_the_real_health_endpoint_on_the_served_port(rendered):
    assert '@app.get("/health"' in inspect.getsource(serve_app.create_app)
    api = container(rendered, "scale-out", "carellm-api")
    env = {e["name"]: e.get("value") for e in api["env"]}
    ports = {p["name"]: p["containerPort"] for p in api["ports"]}
    assert ports["http"] == int(env["CARELLM_SERVE_PORT"]) == ServeSettings().port
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert api[probe]["httpGet"] == {"path": "/health", "port": "http"}
    engine = container(rendered, "scale-out", "carellm-engine")
    assert engine["readinessProbe"]["httpGet"]["path"] == "/health"
    assert engine["args"][engine["args"].index("--port") + 1] == str(engine["ports"][0]["containerPort"])


def test_api_reads_only_real_settings_and_no_secret_is_written_into_a_manifest(rendered):
    known = setting_variables()
    objs, values, _ = rendered["scale-out"]
    for name in ("carellm-api", "carellm-engine"):
        for entry in container(rendered, "scale-out", name)["env"]:
            if entry["name"].startswith("CARELLM_"):
                assert entry["name"] in known, entry["name"]
            if "KEY" in entry["name"] or "PASSWORD" in entry["name"] or "DB_URL" in entry["name"]:
                assert entry["name"].endswith("_FILE") or "secretKeyRef" in entry.get("valueFrom", {})
    for obj in objs:
        if obj["kind"] != "Secret":
            text = yaml.safe_dump(obj)
            for secret, value in values.items():
                assert value not in text, f"{obj['kind']}/{obj['metadata']['name']} holds {secret}"
    # The sources in git hold no secret either: secrets/ is generated and ignored.
    for path in (DEPLOY / "k8s").rglob("*.yaml"):
        if "secrets" not in path.parts:
            assert "kind: Secret" not in path.read_text(), path


def test_images_are_pinned_by_tag(rendered):
    for overlay in OVERLAYS:
        for kind in ("Deployment", "StatefulSet"):
            for obj in objects(rendered, overlay, kind).values():
                for c in obj["spec"]["template"]["spec"]["containers"]:
                    name, _, tag = c["image"].rpartition(":")
                    assert name and tag and tag != "latest", c["image"]


def test_api_finishes_streaming_replies_before_it_is_killed(rendered):
    pod = objects(rendered, "scale-out", "Deployment")["carellm-api"]["spec"]["template"]["spec"]
    api = pod["containers"][0]
    pre_stop = api["lifecycle"]["preStop"]["exec"]["command"]
    assert pre_stop[0] == "sleep"
    timeout = {e["name"]: e.get("value") for e in api["env"]}["CARELLM_SERVE_REQUEST_TIMEOUT_S"]
    assert pod["terminationGracePeriodSeconds"] > int(pre_stop[1]) + float(timeout)


def test_autoscaler_uses_the_queue_metric_the_server_exports(rendered):
    hpa = objects(rendered, "scale-out", "HorizontalPodAutoscaler")["carellm-api"]
    metric = hpa["spec"]["metrics"][0]["pods"]["metric"]["name"]
    assert f'set_gauge("{metric}"' in inspect.getsource(serve_app.create_app)
    assert hpa["spec"]["minReplicas"] == 10 and hpa["spec"]["maxReplicas"] > 10


def test_disruption_budget_and_services_select_the_pods_they_mean(rendered):
    deployments = objects(rendered, "single-gpu", "Deployment")
    pdb = objects(rendered, "single-gpu", "PodDisruptionBudget")["carellm-api"]
    labels = deployments["carellm-api"]["spec"]["template"]["metadata"]["labels"]
    assert pdb["spec"]["selector"]["matchLabels"].items() <= labels.items()
    for name, service in objects(rendered, "single-gpu", "Service").items():
        owner = deployments.get(name) or objects(rendered, "single-gpu", "StatefulSet")[name]
        assert service["spec"]["selector"].items() <= owner["spec"]["template"]["metadata"]["labels"].items()


def test_pods_are_scraped_on_their_metrics_port(rendered):
    for name in ("carellm-api", "carellm-engine"):
        template = objects(rendered, "scale-out", "Deployment")[name]["spec"]["template"]
        notes = template["metadata"]["annotations"]
        port = template["spec"]["containers"][0]["ports"][0]["containerPort"]
        assert notes["prometheus.io/scrape"] == "true" and notes["prometheus.io/port"] == str(port)
        assert notes["prometheus.io/path"] == "/metrics"


def test_engine_stage_layout_fits_one_gpu(rendered):
    maps = objects(rendered, "single-gpu", "ConfigMap")
    (stages_map,) = [m for n, m in maps.items() if n.startswith("carellm-engine-stages")]
    layout = yaml.safe_load(stages_map["data"]["qwen2_5_omni_1gpu.yaml"])
    stages = layout["stage_args"]
    assert [s["engine_args"]["model_stage"] for s in stages] == ["thinker", "talker", "code2wav"]
    assert {s["runtime"]["devices"] for s in stages} == {"0"}
    assert sum(s["engine_args"]["gpu_memory_utilization"] for s in stages) < 0.9


def _max_connections(postgres: dict) -> int:
    args = postgres["spec"]["template"]["spec"]["containers"][0].get("args", [])
    settings = dict(arg.split("=", 1) for arg in args if "=" in arg)
    return int(settings.get("max_connections", POSTGRES_DEFAULT_CONNECTIONS))


def test_every_api_replica_shares_sessions_from_the_one_database(rendered):
    for overlay in (*OVERLAYS, "external-db"):
        api = objects(rendered, overlay, "Deployment")["carellm-api"]
        assert api["spec"]["replicas"] > 1, overlay  # several replicas: each must read the store
        pod = api["spec"]["template"]["spec"]
        env = {e["name"]: e for e in pod["containers"][0]["env"]}
        assert ServeSettings(shared_sessions=env["CARELLM_SERVE_SHARED_SESSIONS"]["value"]).shared_sessions
        # One database URL, encryption key and API key list for every replica: from the one Secret.
        (secrets,) = [v["secret"] for v in pod["volumes"] if "secret" in v]
        files = {item["path"] for item in secrets["items"]}
        for variable, name in (("CARELLM_DB_URL_FILE", "db_url"), ("CARELLM_SERVE_API_KEY_FILE", "api_keys")):
            assert env[variable]["value"] == f"/run/secrets/carellm/{name}" and name in files
        key = env["CARELLM_ENCRYPTION_KEY"]["valueFrom"]["secretKeyRef"]
        assert key["name"] == secrets["secretName"] and key["key"] == "encryption_key"


def test_postgresql_takes_every_connection_the_largest_api_fleet_opens(rendered):
    for overlay in OVERLAYS:
        hpa = objects(rendered, overlay, "HorizontalPodAutoscaler")["carellm-api"]
        api = container(rendered, overlay, "carellm-api")
        env = {e["name"]: e.get("value") for e in api["env"]}
        per_replica = api_connections(env["CARELLM_BASE_URL"], env.get("CARELLM_SERVE_MAX_ACTIVE"))
        needed = hpa["spec"]["maxReplicas"] * per_replica + POSTGRES_RESERVED
        postgres = objects(rendered, overlay, "StatefulSet")["carellm-postgres"]
        assert _max_connections(postgres) >= needed, (overlay, needed)


def test_scale_out_replicas_share_one_volume_for_media_and_reply_audio(rendered):
    pod = objects(rendered, "scale-out", "Deployment")["carellm-api"]["spec"]["template"]["spec"]
    env = {e["name"]: e.get("value") for e in pod["containers"][0]["env"]}
    data_dir = env.get("CARELLM_DATA_DIR") or image_data_dir()
    (claim,) = [
        v["persistentVolumeClaim"]["claimName"] for v in pod["volumes"] if "persistentVolumeClaim" in v
    ]
    (mount,) = [m for m in pod["containers"][0]["volumeMounts"] if m["mountPath"] == data_dir]
    assert {v["name"]: v for v in pod["volumes"]}[mount["name"]]["persistentVolumeClaim"][
        "claimName"
    ] == claim
    pvc = objects(rendered, "scale-out", "PersistentVolumeClaim")[claim]
    assert pvc["spec"]["accessModes"] == ["ReadWriteMany"]
