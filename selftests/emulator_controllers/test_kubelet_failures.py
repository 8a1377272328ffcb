"""The kubelet's failure states, as a client sees them, word for word (docs/platform.md §2.7, §23):
an image the registry does not have (ErrImagePull, then ImagePullBackOff), a ConfigMap, Secret or
key the environment names that is not there (CreateContainerConfigError), a pool whose nodeSelector
does not parse (FailedCreatePodSandBox with Calico's parser error), and the event correlator.
Each recovers once the student's objects are fixed, as the real kubelet does on its next try."""
from __future__ import annotations

from emulator.apiserver.events import _TokenBucket
from selftests.emulator_controllers.lab import lab_container, wait_for

MISSING_TAG = "ifilyaninitmo/itdt-contained-frontend:main"
MISSING_REPO = "ifilyaninitmo/itdt-contained-frontent:master"
DAEMON = "rpc error: code = Unknown desc = Error response from daemon: "


def waiting(lab, name: str, reason: str, container: int = 0):
    def seen():
        statuses = lab.pod(name).status.container_statuses or []
        state = statuses[container].state.waiting if len(statuses) > container else None
        return state if state is not None and state.reason == reason else None
    return wait_for(f"{name} waiting {reason}", seen)


def messages(lab, name: str, reason: str) -> list[str]:
    return [e.message for e in lab.events(name=name, reason=reason)]


def test_a_tag_the_registry_lacks_is_err_image_pull_then_image_pull_back_off(lab):
    lab.provision_pools()
    lab.run_pod("typo", {"containers": [lab_container(image=MISSING_TAG)]})
    pulled = waiting(lab, "typo", "ErrImagePull")
    manifest = f"manifest for {MISSING_TAG} not found: manifest unknown: manifest unknown"
    assert pulled.message == DAEMON + manifest
    assert f'Failed to pull image "{MISSING_TAG}": {DAEMON}{manifest}' in messages(lab, "typo", "Failed")
    assert "Error: ErrImagePull" in messages(lab, "typo", "Failed")
    backing_off = waiting(lab, "typo", "ImagePullBackOff")
    assert backing_off.message == f'Back-off pulling image "{MISSING_TAG}": ErrImagePull: {DAEMON}{manifest}'
    assert messages(lab, "typo", "BackOff") == [f'Back-off pulling image "{MISSING_TAG}"']
    assert "Error: ImagePullBackOff" in messages(lab, "typo", "Failed")
    # the back-off ends, the kubelet pulls again, and fails again
    wait_for("a second pull", lambda: next((e.count for e in lab.events(name="typo", reason="Pulling")
                                            if e.count and e.count >= 2), None))
    assert lab.pod("typo").status.phase == "Pending" and not lab.pod("typo").status.container_statuses[0].ready


def test_a_repository_that_does_not_exist_is_pull_access_denied(lab):
    lab.provision_pools()
    lab.run_pod("repo", {"containers": [lab_container(image=MISSING_REPO)]})
    assert waiting(lab, "repo", "ErrImagePull").message == (
        f"{DAEMON}pull access denied for ifilyaninitmo/itdt-contained-frontent, repository does not exist or may "
        f"require 'docker login': denied: requested access to the resource is denied")


def test_the_lab_image_and_other_images_pull(lab):
    lab.provision_pools()
    lab.run_pod("fine", {"containers": [lab_container(), {"name": "side", "image": "nginx:1.27"}]})
    def running():
        statuses = lab.pod("fine").status.container_statuses or []
        return len(statuses) == 2 and all(s.state.running for s in statuses)
    wait_for("both containers running", running)
    assert not lab.events(name="fine", reason="Failed")


def env_from(name: str, optional: bool = False) -> dict:
    return {"envFrom": [{"configMapRef": {"name": name, **({"optional": True} if optional else {})}}]}


def key_ref(kind: str, name: str, key: str) -> dict:
    return {"env": [{"name": "REACT_APP_USERNAME", "valueFrom": {kind: {"name": name, "key": key}}}]}


def test_a_config_map_that_is_not_there_is_create_container_config_error_until_it_is(lab):
    lab.provision_pools()
    lab.run_pod("cm", {"containers": [lab_container(**env_from("react-config"))]})
    assert waiting(lab, "cm", "CreateContainerConfigError").message == 'configmap "react-config" not found'
    assert 'Error: configmap "react-config" not found' in messages(lab, "cm", "Failed")
    assert not lab.events(name="cm", reason="Created")
    lab.core.create_namespaced_config_map("default", {"metadata": {"name": "react-config"},
                                                      "data": {"REACT_APP_USERNAME": "x"}})
    wait_for("the container created on the next sync", lambda: lab.events(name="cm", reason="Created"))


def test_a_key_that_is_not_there(lab):
    lab.provision_pools()
    lab.core.create_namespaced_config_map("default", {"metadata": {"name": "react-config"}, "data": {"a": "1"}})
    lab.run_pod("key", {"containers": [lab_container(**key_ref("configMapKeyRef", "react-config", "USER"))]})
    assert waiting(lab, "key", "CreateContainerConfigError").message == \
        "couldn't find key USER in ConfigMap default/react-config"


def test_a_secret_that_is_not_there_and_an_optional_reference(lab):
    lab.provision_pools()
    lab.run_pod("secret", {"containers": [lab_container(**key_ref("secretKeyRef", "creds", "USER"))]})
    assert waiting(lab, "secret", "CreateContainerConfigError").message == 'secret "creds" not found'
    lab.run_pod("optional", {"containers": [lab_container(**env_from("nothing", optional=True))]})
    wait_for("the optional reference skipped", lambda: lab.events(name="optional", reason="Started"))


def test_a_pool_whose_selector_does_not_parse_fails_every_sandbox_with_calicos_words(lab):
    lab.wait_for_calico()
    lab.create_pool("rack-0-ippool", "192.168.0.0/24", 'rack = "0"')
    lab.create_pool("rack-1-ippool", "192.168.1.0/24", 'rack == "1"')
    lab.label_nodes()
    lab.delete_pool()
    lab.run_pod("on-rack-1", {"containers": [lab_container()], "nodeName": "lab4-m02"})
    event = wait_for("the sandbox failure", lambda: lab.events(name="on-rack-1", reason="FailedCreatePodSandBox"))[0]
    assert event.message.endswith('plugin type="calico" failed (add): expected ==')


def test_similar_events_are_combined(lab):
    """client-go's EventCorrelator: the sandbox retries differ only by the sandbox id in the message."""
    lab.wait_for_calico()
    lab.create_pool("rack-0-ippool", "192.168.0.0/24", 'rack == "0"')
    lab.label_nodes(values=("0", "9"))
    lab.delete_pool()
    lab.run_pod("stuck", {"containers": [lab_container()], "nodeName": "lab4-m02"})
    def aggregated():
        return [e for e in lab.events(name="stuck", reason="FailedCreatePodSandBox")
                if e.message.startswith("(combined from similar events): ")]
    combined = wait_for("the aggregate event", aggregated, timeout=30)
    assert len(combined) == 1 and combined[0].message.endswith("no configured Calico pools for node lab4-m02")
    plain = [e for e in lab.events(name="stuck", reason="FailedCreatePodSandBox") if e not in combined]
    assert len(plain) == 9


def test_a_source_may_write_25_events_about_an_object_then_one_per_300_s():
    bucket = _TokenBucket(now=0.0)
    assert all(bucket.take(0.0) for _ in range(25)) and not bucket.take(1.0)
    assert bucket.take(301.0) and not bucket.take(302.0)
