import re

from emulator.base.faults import APP_NEVER_LISTENS, CROSS_NODE_DROP
from selftests.emulator_runtime.cluster_data import COMPANY, USER
from selftests.emulator_runtime.execs import run

PLACEHOLDER = "(\u208c \u1d55\u0323\u0323\u0323\u0323\u0323 \u11bd \u1d55\u0323\u0323\u0323\u0323\u0323\u208c)"


def test_app_refuses_until_its_build_finishes(cluster):
    before = run(cluster.api, "react-a", ["wget", "-qO-", "http://192-168-1-2.default.pod.cluster.local:3000/"])
    assert before.returncode == 1
    assert before.stderr == "wget: can't connect to remote host (192.168.1.2): Connection refused\n"
    cluster.finish_builds()
    after = run(cluster.api, "react-a", ["wget", "-qO-", "http://192-168-1-2.default.pod.cluster.local:3000/"])
    assert after.returncode == 0, after
    assert "<title>React App</title>" in after.stdout


def test_every_path_is_the_shell_page_and_the_bundle_inlines_the_pod(cluster):
    cluster.finish_builds()
    page = run(cluster.api, "react-a", ["wget", "-qO-", "http://192.168.1.2:3000/any/route"]).stdout
    bundle_path = re.search(r'src="(/static/js/main\.[0-9a-f]{8}\.js)"', page).group(1)
    bundle = run(cluster.api, "react-a", ["wget", "-qO-", f"http://192.168.1.2:3000{bundle_path}"]).stdout
    assert '"Container name is: ","react-b"' in bundle
    assert '"Container was started with IP: ","192.168.1.2"' in bundle
    assert f'"Container was started by user: ","{USER}"' in bundle
    # react-b has no REACT_APP_COMPANY_NAME: the app shows its placeholder
    # non-ASCII, so escaped: what terser 5.51.4 prints for it with react-scripts' options (docs/platform.md §8.1)
    assert ('"Container was started by company: ","(\\u208c \\u1d55\\u0323\\u0323\\u0323\\u0323\\u0323 \\u11bd '
            '\\u1d55\\u0323\\u0323\\u0323\\u0323\\u0323\\u208c)"') in bundle
    own_page = run(cluster.api, "react-a", ["wget", "-qO-", "http://127.0.0.1:3000/"]).stdout
    own_bundle = re.search(r'src="(/static/js/main\.[0-9a-f]{8}\.js)"', own_page).group(1)
    assert own_bundle != bundle_path
    own = run(cluster.api, "react-a", ["wget", "-qO-", f"http://localhost:3000{own_bundle}"]).stdout
    assert f'"{COMPANY}"' in own and '"react-a"' in own


def test_service_name_reaches_an_app_pod(cluster):
    cluster.finish_builds()
    result = run(cluster.api, "react-a", ["wget", "-q", "-O", "-", "http://react-service:3000/"])
    assert result.returncode == 0
    assert "React App" in result.stdout


def test_logs_follow_the_build(cluster):
    pod = cluster.view.app_a
    assert cluster.runtime.logs(pod, None) == "Builing frontend\n"
    cluster.finish_builds()
    assert cluster.runtime.logs(pod, "app") == "Builing frontend\nbuild finished\nServer started on port 3000\n"
    # kubernetes 36 returns str(bytes) for a non-JSON log body: read the raw response instead
    raw = cluster.api.read_namespaced_pod_log("react-a", "default", _preload_content=False)
    assert raw.data.decode().endswith("Server started on port 3000\n")
    assert cluster.runtime.logs(cluster.view.toolbox, None) == ""


def test_app_never_listens(cluster):
    cluster.view.faults.add(APP_NEVER_LISTENS)
    cluster.finish_builds()
    result = run(cluster.api, "react-b", ["wget", "-qO-", "http://192.168.1.2:3000/"])
    assert result.returncode == 1
    assert "Connection refused" in result.stderr
    assert cluster.runtime.logs(cluster.view.app_b, None) == "Builing frontend\n"


def test_cross_node_drop_times_out_tcp(cluster):
    cluster.finish_builds()
    cluster.view.faults.add(CROSS_NODE_DROP)
    result = run(cluster.api, "react-a", ["wget", "-T", "2", "-qO-", "http://192.168.1.2:3000/"])
    assert result.returncode == 1
    assert result.stderr == "wget: download timed out\n"
