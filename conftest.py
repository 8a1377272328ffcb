"""The session: options, the cluster for the run, Kubernetes access, and the report hooks.

Thin by design: each piece lives in a module of fixtures/; per-test fixtures live in tests/conftest.py.
"""
from __future__ import annotations

# First of all: on Python < 3.10 the run ends here, in one line, before an import that would fail.
import fixtures.gate.python_version  # noqa: F401

# isort: split
import contextlib
import gc
import logging
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from pytest_metadata.plugin import metadata_key

from fixtures.cluster.leaks import leftovers
from fixtures.cluster.providers import provider_module
from fixtures.cluster.provisioning import Provisioning, provision
from fixtures.cluster.settings import Settings
from fixtures.gate import redaction
from fixtures.gate.errors import SetupError, describe_error
from fixtures.gate.findings import Finding
from fixtures.gate.helm_charts import helm_on_path
from fixtures.gate.manifest_gate import SUITE_BUG
from fixtures.gate.manifests import LabManifests, load_manifests
from fixtures.report import console, html_report
from fixtures.report.evidence import Evidence
from fixtures.report.options import add_ini, add_options, settings_from_config
from fixtures.report.requirements import Ledger, requirement_of
from fixtures.report.termination import TERMINATION, Termination

if TYPE_CHECKING:
    from fixtures.cluster.kube import Kube

LEDGER = pytest.StashKey[Ledger]()
SETTINGS = pytest.StashKey[Settings]()
MANIFESTS = pytest.StashKey[LabManifests]()
logging.getLogger("kubernetes").setLevel(logging.WARNING)


def pytest_addoption(parser: pytest.Parser) -> None:
    add_options(parser)
    add_ini(parser)


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    config.stash[SETTINGS] = settings_from_config(config)
    config.stash[LEDGER] = Ledger()
    # SIGTERM (a CI job's timeout or cancel) ends the run like Ctrl-C: teardown, then both files.
    config.stash[TERMINATION] = Termination(config.stash[LEDGER])
    config.pluginmanager.register(config.stash[TERMINATION], "lab4-termination")
    html_report.default_to_self_contained_html(config)
    # Read once: their Secrets must be known before anything is logged, and R11 checks the same read.
    config.stash[MANIFESTS] = read_manifests(config.stash[SETTINGS])
    html_report.protect_secrets(config.stash[MANIFESTS])
    html_report.record_manifests(config, config.stash[MANIFESTS])
    config.pluginmanager.register(html_report.Title(config.stash[SETTINGS]), "lab4-report-title")
    config.pluginmanager.register(console.Console(config.stash[SETTINGS]), "lab4-console")


def read_manifests(settings: Settings) -> LabManifests:
    """--manifests as R11 reads it (Helm charts rendered when helm is on PATH); should the reading itself
    trip over something, R11 says so in one finding instead of an INTERNALERROR."""
    try:
        return load_manifests(settings.manifests, helm=helm_on_path(), kubernetes_version=settings.kubernetes_version)
    except Exception as exc:
        return LabManifests(Path(settings.manifests), [], [], [Finding.error(
            f"the manifests could not be read ({type(exc).__name__}: {exc}); {SUITE_BUG}")])


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    console.limit_each_test(config, items, config.stash[SETTINGS].per_test_limit())
    for item in items:
        req = requirement_of(item)
        if req:  # at collection, so skipped tests carry it into JUnit XML too
            item.user_properties.append(("requirement", req))


@pytest.hookimpl(tryfirst=True)
def pytest_runtestloop(session: pytest.Session) -> bool | None:
    """Check the tools before the first test: a missing minikube ends the run with one paragraph, and no test
    runs (True ends the loop before it starts)."""
    settings = session.config.stash[SETTINGS]
    live = any("cluster" in getattr(item, "fixturenames", ()) for item in session.items)
    if live and not session.config.option.collectonly:
        try:
            provider_module(settings.provider).preflight(settings)
        except SetupError as exc:
            console.report_setup_failure(session.config, f"cannot run the live checks: {exc}")
            return True
    return None


def pytest_runtest_setup(item: pytest.Item) -> None:
    blocker = item.config.stash[LEDGER].blocker(item)
    if blocker:
        item.stash[html_report.BLOCKED_BY] = blocker
        pytest.skip(f"not checked because {blocker}")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call):
    rep = yield
    redaction.redact_report(rep)
    rep.requirement = requirement_of(item)
    rep.lab4_blocked_by = item.stash.get(html_report.BLOCKED_BY, None)
    item.config.stash[LEDGER].record(item, rep)
    return rep


# -- session fixtures ---------------------------------------------------------------------------

@pytest.fixture(scope="session")
def settings(pytestconfig: pytest.Config) -> Settings:
    return pytestconfig.stash[SETTINGS]


@pytest.fixture(scope="session")
def cluster(pytestconfig: pytest.Config, settings: Settings, tmp_path_factory: pytest.TempPathFactory):
    """The live cluster of this run, from the provider chosen with --cluster. A run ended early keeps a
    cluster it created (deleting one takes minutes that a cancelled CI job does not have) and says so."""
    if settings.provider == "none":
        pytest.skip("--cluster=none: offline checks only, this check needs a live cluster")
    provider = provider_module(settings.provider)
    try:
        handle = provider.start(settings, tmp_path_factory.mktemp("cluster"))
    except SetupError as exc:
        console.stop_run(pytestconfig, f"cannot set up the cluster: {exc}")
    except KeyboardInterrupt as exc:     # ended while the cluster was being made: say what is left
        notice = getattr(exc, "left_behind", None)
        if notice:
            pytestconfig.stash[TERMINATION].kept.append(notice)
            _say(pytestconfig, notice)
        raise
    yield handle
    termination = pytestconfig.stash[TERMINATION]
    if termination.reason and handle.created and hasattr(provider, "keep"):
        termination.kept.append(provider.keep(handle, settings, termination.reason))
        _say(pytestconfig, termination.kept[-1])
    else:
        provider.stop(handle, settings)


@pytest.fixture(scope="session")
def kube(pytestconfig: pytest.Config, cluster, settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Kube:
    # Imported here: the kubernetes client takes ~0.45 s to import, which would delay the cluster's
    # start (and --cluster=none never needs it); here it loads while the cluster converges.
    from fixtures.cluster.kube import Kube
    from fixtures.cluster.server_trust import explain
    try:
        return Kube(cluster.kubeconfig, cluster.context, read_only=not settings.may_change,
                    cache_dir=tmp_path_factory.mktemp("kube"))
    except Exception as exc:  # the first request: a cluster that does not answer ends the run
        why = explain(exc, cluster.kubeconfig, cluster.context, settings.profile) or describe_error(exc)
        console.stop_run(pytestconfig, f"cannot reach the cluster ({cluster.description}): {why}")


@pytest.fixture(scope="session")
def lab_manifests(pytestconfig: pytest.Config) -> LabManifests:
    """The lab's manifests from --manifests; bad files become findings of R11, never a crash."""
    return pytestconfig.stash[MANIFESTS]


@pytest.fixture(scope="session")
def provisioned(kube, settings: Settings, lab_manifests) -> Provisioning:
    """The provisioning record: the lab done on the cluster (unless audited), what changed, step by step."""
    if not settings.may_change:
        return Provisioning(skipped_reason="audit mode: the cluster is checked as it is, nothing is changed")
    return provision(kube, settings, lab_manifests)


@pytest.fixture
def evidence(extras) -> Evidence:
    return Evidence(extras)


# -- the report ---------------------------------------------------------------------------------

def pytest_metadata(metadata, config):
    metadata.update(html_report.run_metadata(config.stash[SETTINGS]))


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(fixturedef, request):
    """The cluster's identity goes into the report as soon as the session first reaches a cluster."""
    value = yield
    if fixturedef.argname == "kube":
        html_report.record_identity(request.config, request.config.stash[metadata_key], value,
                               request.getfixturevalue("cluster"))
    return value


def pytest_html_results_table_header(cells):
    cells.insert(1, "<th>Requirement</th>")


def pytest_html_results_table_row(report, cells):
    cells.insert(1, f"<td>{getattr(report, 'requirement', None) or ''}</td>")


def pytest_html_results_summary(prefix, summary, postfix, session):
    config = session.config
    prefix.append(html_report.summary_block(config, config.stash[LEDGER], config.stash[SETTINGS],
                                            config.stash[metadata_key]))


@pytest.hookimpl(wrapper=True)
def pytest_sessionfinish(session):
    """After pytest-html and JUnit XML have written their files: the final scan for secrets, and
    what the run left running (a leak is a bug of the suite: say it where the student and CI see it)."""
    result = yield
    terminal = session.config.pluginmanager.get_plugin("terminalreporter")
    for path, count in html_report.scrub_written_files(session.config).items():
        if terminal:
            terminal.write_line(f"redacted {count} form(s) of secret data that had reached {path}", yellow=True)
    # After an interrupt, workers abandoned mid-wait are daemon threads that end with the process.
    left = leftovers(threads=not session.config.stash[TERMINATION].reason)
    if left and terminal:
        terminal.write_line(f"lab4: left running after the run: {'; '.join(left)}", red=True)
    return result


def _say(config: pytest.Config, line: str) -> None:
    """A line for the terminal even while a fixture's output is being captured."""
    terminal = config.pluginmanager.get_plugin("terminalreporter")
    capture = config.pluginmanager.get_plugin("capturemanager")
    if terminal:
        with capture.global_and_fixture_disabled() if capture else contextlib.nullcontext():
            terminal.write_line(f"lab4: {line}", yellow=True)


@pytest.hookimpl(tryfirst=True)
def pytest_unconfigure(config):
    """The run is over and its files are written: hide every object from the garbage collector, so
    that the collections of pytest's own unconfigure and of the interpreter's exit do not walk the
    whole heap again (the kubernetes client's thousands of classes: ~0.4 s of a student's wait)."""
    gc.freeze()
