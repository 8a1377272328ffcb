"""Pods of busybox as the real kubectl sees them on the whole emulated cluster (docs/platform.md §5.1):
exec right after Running, the exec v5 exit status (client-go tools/remotecommand errorDecoderV4 reads
metav1.Status reason NonZeroExitCode, details.causes[ExitCode]; kubectl exec exits with it), stdin,
the container's own command (its log, its exit: kubelet kuberuntime Completed/Error, restartPolicy),
the usual applets, and `kubectl run --rm -i` through pods/attach (kubectl pkg/cmd/run/run.go)."""
from __future__ import annotations

import json
import re

from tenacity import retry, retry_if_exception_type, stop_after_delay, wait_fixed

WAIT_SECONDS = 30


class StillWaiting(AssertionError):
    pass


def wait_for(kubectl, pod: str, what: str, check) -> dict:
    """Poll the pod until check(pod) holds, for at most WAIT_SECONDS; the failure names what it waited for."""
    @retry(stop=stop_after_delay(WAIT_SECONDS), wait=wait_fixed(0.05), reraise=True,
           retry=retry_if_exception_type(StillWaiting))
    def poll() -> dict:
        seen = json.loads(kubectl("get", "pod", pod, "-o", "json").stdout)
        if not check(seen):
            raise StillWaiting(f"pod {pod} still not {what} after {WAIT_SECONDS}s: {seen.get('status')}")
        return seen
    return poll()


def run_pod(kubectl, name: str, *command: str, restart: str = "Never") -> None:
    kubectl("run", name, "--image=busybox", f"--restart={restart}", "--", *command)


def phase(pod: dict) -> str:
    return pod["status"].get("phase", "")


def state(pod: dict) -> dict:
    statuses = pod["status"].get("containerStatuses") or [{}]
    return statuses[0].get("state") or {}


def test_exec_is_accepted_as_soon_as_the_pod_is_running(kubectl):
    for index in range(6):
        name = f"quick-{index}"
        run_pod(kubectl, name, "sleep", "3600")
        wait_for(kubectl, name, "Running", lambda p: phase(p) == "Running")
        done = kubectl("exec", name, "--", "echo", "up", check=False)
        assert (done.returncode, done.stdout, done.stderr) == (0, "up\n", ""), f"exec into {name} right after Running"


def test_exit_codes_come_back_from_the_v5_status(kubectl):
    run_pod(kubectl, "codes", "sleep", "3600")
    wait_for(kubectl, "codes", "Running", lambda p: phase(p) == "Running")
    exited = kubectl("exec", "codes", "--", "sh", "-c", "exit 3", check=False)
    assert exited.returncode == 3
    assert "command terminated with exit code 3" in exited.stderr
    unknown = kubectl("exec", "codes", "--", "sh", "-c", "foo", check=False)
    assert unknown.returncode == 127
    assert "sh: foo: not found" in unknown.stderr


def test_exec_with_stdin(kubectl):
    run_pod(kubectl, "stdin", "sleep", "3600")
    wait_for(kubectl, "stdin", "Running", lambda p: phase(p) == "Running")
    echoed = kubectl("exec", "-i", "stdin", "--", "cat", stdin="one\ntwo\n", timeout=20)
    assert echoed.stdout == "one\ntwo\n"
    script = kubectl("exec", "-i", "stdin", "--", "sh", stdin="echo hi; exit 4\n", check=False, timeout=20)
    assert (script.returncode, script.stdout) == (4, "hi\n")


def test_the_pods_own_loop_writes_its_log(kubectl):
    run_pod(kubectl, "clock", "sh", "-c", "while true; do date; sleep 5; done")
    wait_for(kubectl, "clock", "Running", lambda p: phase(p) == "Running")

    @retry(stop=stop_after_delay(WAIT_SECONDS), wait=wait_fixed(0.2), reraise=True,
           retry=retry_if_exception_type(StillWaiting))
    def three_dates() -> list[str]:
        lines = kubectl("logs", "clock").stdout.splitlines()
        if len(lines) < 3:
            raise StillWaiting(f"kubectl logs clock has {len(lines)} date lines, waiting for 3: {lines}")
        return lines
    lines = three_dates()
    # date.c's default format, "%a %b %e %H:%M:%S %Z %Y"
    assert all(re.fullmatch(r"\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d UTC \d{4}", line) for line in lines), lines
    assert phase(wait_for(kubectl, "clock", "Running", lambda p: "running" in state(p))) == "Running"


def test_a_command_that_exits_0_completes(kubectl):
    run_pod(kubectl, "done", "sh", "-c", "echo finished")
    pod = wait_for(kubectl, "done", "Succeeded", lambda p: phase(p) == "Succeeded")
    assert state(pod)["terminated"]["reason"] == "Completed"
    assert kubectl("logs", "done").stdout == "finished\n"


def test_a_failing_command_is_an_error_with_its_code(kubectl):
    run_pod(kubectl, "fails", "sh", "-c", "echo bad >&2; exit 3")
    pod = wait_for(kubectl, "fails", "Failed", lambda p: phase(p) == "Failed")
    terminated = state(pod)["terminated"]
    assert (terminated["reason"], terminated["exitCode"]) == ("Error", 3)
    assert kubectl("logs", "fails").stdout == "bad\n"


def test_on_failure_restarts_a_failing_command(kubectl):
    run_pod(kubectl, "retry", "sh", "-c", "exit 2", restart="OnFailure")
    pod = wait_for(kubectl, "retry", "restarted", lambda p: (p["status"].get("containerStatuses") or [{}])[0]
                   .get("restartCount", 0) >= 1)
    assert phase(pod) == "Running"
    assert pod["status"]["containerStatuses"][0]["lastState"]["terminated"]["exitCode"] == 2


def test_sleep_stays_running(kubectl):
    run_pod(kubectl, "sleeper", "sleep", "3600")
    pod = wait_for(kubectl, "sleeper", "Running", lambda p: phase(p) == "Running")
    # at 1/20 of the delays, an hour is three minutes: still running a second later
    kubectl("exec", "sleeper", "--", "sleep", "1")
    assert "running" in state(wait_for(kubectl, "sleeper", "Running", lambda p: phase(p) == "Running"))
    assert pod["status"]["containerStatuses"][0]["restartCount"] == 0


def test_the_usual_applets_answer(kubectl):
    run_pod(kubectl, "tools", "sleep", "3600")
    wait_for(kubectl, "tools", "Running", lambda p: phase(p) == "Running")

    def sh(script: str) -> str:
        return kubectl("exec", "tools", "--", "sh", "-c", script).stdout
    assert sh("hostname") == "tools\n"
    assert sh("seq 3") == "1\n2\n3\n"
    assert sh("seq -s , 2 2 6") == "2,4,6\n"
    assert sh("for i in a b; do echo $i; done; if true; then echo yes; fi") == "a\nb\nyes\n"
    assert sh("cat /etc/hostname") == "tools\n"
    assert "etc\n" in sh("ls /")
    assert "HOSTNAME=tools" in sh("env").splitlines()
    assert " up " in sh("uptime") and "load average:" in sh("uptime")
    assert sh("date +%Y").strip().isdigit()
    assert "scope global eth0" in sh("ip addr")
    assert sh("sleep 1; echo slept") == "slept\n"


def test_run_rm_i_prints_the_commands_output(kubectl):
    # --restart=Never: kubectl waits for the pod to end and, when the process ended before it attached,
    # prints the log (kubectl run.go). Under the default Always the container restarts at once, and an
    # attach can join the next, still silent, process on a real cluster too: that race is not a contract.
    done = kubectl("run", "--rm", "-i", "--restart=Never", "--image=busybox", "t", "--", "sh", "-c", "echo hi",
                   stdin="", timeout=40)
    assert done.stdout.splitlines()[0] == "hi"
    assert 'pod "t" deleted' in done.stdout


def test_attach_streams_the_running_process_and_its_exit_code(kubectl):
    # attach (kubelet remotecommand attach.go) joins the process while it runs; with restartPolicy Never
    # kubectl run waits for the pod and exits with the container's code
    done = kubectl("run", "--rm", "-i", "--restart=Never", "--image=busybox", "late", "--",
                   "sh", "-c", "sleep 20; echo hi; exit 3", stdin="", check=False, timeout=40)
    assert done.returncode == 3, done.stderr
    assert "couldn't attach" not in done.stderr
    assert done.stdout.splitlines()[0] == "hi"


def test_attach_feeds_stdin_to_the_process(kubectl):
    done = kubectl("run", "--rm", "-i", "--restart=Never", "--image=busybox", "echoer", "--", "cat",
                   stdin="one\ntwo\n", timeout=40)
    assert "couldn't attach" not in done.stderr
    assert done.stdout.splitlines()[:2] == ["one", "two"]
