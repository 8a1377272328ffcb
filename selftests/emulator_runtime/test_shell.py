from selftests.emulator_runtime.cluster_data import COMPANY, USER
from selftests.emulator_runtime.execs import run


def test_exit_codes_of_the_shell(cluster):
    assert run(cluster.api, "react-a", ["true"]).returncode == 0
    assert run(cluster.api, "react-a", ["false"]).returncode == 1
    assert run(cluster.api, "react-a", ["sh", "-c", "exit 3"]).returncode == 3
    assert run(cluster.api, "react-a", ["sh", "-c", "false || echo recovered"]).stdout == "recovered\n"
    assert run(cluster.api, "react-a", ["sh", "-c", "false && echo never; echo $?"]).stdout == "1\n"


def test_unknown_command_in_sh_is_not_found_127(cluster):
    result = run(cluster.api, "react-a", ["sh", "-c", "curl http://react-service:3000"])
    assert result.returncode == 127
    assert result.stderr == "sh: curl: not found\n"


def test_missing_executable_is_the_oci_error_126(cluster):
    result = run(cluster.api, "react-a", ["bash", "-c", "true"])
    assert result.returncode == 126
    assert result.stdout == ('OCI runtime exec failed: exec failed: unable to start container process: '
                             'exec: "bash": executable file not found in $PATH: unknown\r\n')


def test_coredns_has_no_shell(cluster):
    result = run(cluster.api, "coredns-7c65d6cfc9-x2x4k", ["sh", "-c", "true"], namespace="kube-system")
    assert result.returncode == 126
    assert 'exec: "sh": executable file not found in $PATH' in result.stdout


def test_quoting_pipes_and_redirections(cluster):
    script = "echo 'single $HOSTNAME' \"double $HOSTNAME\" > /tmp/x; cat /tmp/x | grep double; echo err >&2 2>/dev/null"
    result = run(cluster.api, "react-b", ["sh", "-c", script])
    assert result.stdout == "single $HOSTNAME double react-b\n"
    assert result.stderr == "err\n"


def test_hostname_and_environment(cluster):
    assert run(cluster.api, "react-b", ["hostname"]).stdout == "react-b\n"
    env = dict(line.split("=", 1) for line in run(cluster.api, "react-a", ["env"]).stdout.splitlines())
    assert env["REACT_APP_USERNAME"] == USER and env["REACT_APP_COMPANY_NAME"] == COMPANY  # envFrom ConfigMap
    assert env["HOSTNAME"] == "react-a"
    assert env["KUBERNETES_SERVICE_HOST"] == "10.96.0.1"
    assert env["REACT_SERVICE_PORT"] == "tcp://10.100.0.50:3000"
    missing = run(cluster.api, "react-b", ["printenv", "REACT_APP_COMPANY_NAME"])
    assert missing.returncode == 1 and missing.stdout == ""


def test_stdin_reaches_the_command_and_v5_closes_it(cluster):
    result = run(cluster.api, "react-a", ["cat"], stdin="hello through stdin\n", timeout=10)
    assert result.protocol == "v5.channel.k8s.io"
    assert result.returncode == 0
    assert result.stdout == "hello through stdin\n"


def test_sleep_honours_time(cluster):
    import time

    started = time.monotonic()
    assert run(cluster.api, "react-a", ["sleep", "30"]).returncode == 0
    assert time.monotonic() - started >= 30 * 0.01


def test_command_substitution_as_ash_expands_it(cluster):
    """POSIX Shell Command Language §2.6.3 (trailing newlines removed) and §2.6.5 (an unquoted result is
    split into fields, a quoted one is not; an assignment's value is never split; §2.9.1: a command of
    only assignments has the last substitution's status), as BusyBox ash does. The emulator's sh ran
    `$(...)` as the literal text."""
    def out(script: str) -> str:
        return run(cluster.api, "react-b", ["sh", "-c", script]).stdout
    assert out("echo Pod $(hostname) at $(cat /etc/hostname)") == "Pod react-b at react-b\n"
    assert out('for n in $(seq 1 3); do echo "n=$n"; done') == "n=1\nn=2\nn=3\n"
    assert out('X=$(echo a    b); echo "[$X]"; echo "[$(echo a    b)]" [`echo c`]') == "[a b]\n[a b] [c]\n"
    assert out("X=$(false); echo $?; echo $(echo $(echo nested))") == "1\nnested\n"
    result = run(cluster.api, "react-b", ["sh", "-c", "echo [$(nope)]"])
    assert result.stdout == "[]\n" and result.stderr == "sh: nope: not found\n"


def test_counting_loops_with_test_and_arithmetic(cluster):
    """ash's `[`/`test` builtin (mirror/busybox coreutils/test.c: oexpr/aexpr/nexpr/primary, getn) and
    arithmetic expansion (shell/math.c; POSIX §2.6.4): the loop students write to ping a few times. Both
    were "not found" / literal text in the emulator."""
    def sh(script: str):
        return run(cluster.api, "react-b", ["sh", "-c", script])
    assert sh('i=0; while [ $i -lt 3 ]; do echo "i=$i"; i=$((i + 1)); done').stdout == "i=0\ni=1\ni=2\n"
    assert sh("echo $(( (2 + 3) * 4 - 7 / 2 )) $((-7 % 3)) $((1 < 2 && 3 >= 4)) $((!0))").stdout == "17 -1 0 1\n"
    assert sh('[ -z "" ] && [ -n x ] && [ abc = abc ] && [ ! 1 -eq 2 ] && test -e /etc/hostname -a -d /tmp'
              ' && echo ok').stdout == "ok\n"
    assert sh("[ -f /etc/nothing ] || [ 2 -gt 1 -o x = y ] && echo yes").stdout == "yes\n"
    missing = sh("[ 1 -eq 1")
    assert (missing.returncode, missing.stderr) == (2, "sh: missing ]\n")
    bad = sh("[ abc -lt 1 ]")
    assert (bad.returncode, bad.stderr) == (2, "sh: abc: bad number\n")
    division = sh("echo $((1 / 0)); echo never")
    assert (division.returncode, division.stdout, division.stderr) == (2, "", "sh: divide by zero\n")
