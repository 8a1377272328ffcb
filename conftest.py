"""The session: options, the cluster for the run, Kubernetes access, and the report hooks.

Thin by design: each piece lives in a module of fixtures/; per-test fixtures live in tests/conftest.py.
"""
from __future__ import annotations

import gc
import logging
from typing import TYPE_CHECKING

import pytest
from pytest_metadata.plugin import metadata_key

from fixtures.cluster.leaks import leftovers
from fixtures.cluster.providers import provider_module
from fixtures.cluster.provisioning import Provisioning, provision
from fixtures.cluster.settings import Settings
from fixtures.gate import redaction
from fixtures.gate.errors import SetupError
from fixtures.gate.manifests import LabManifests, load_manifests
from fixtures.report import html_report
from fixtures.report.evidence import Evidence
from fixtures.report.options import add_ini, add_options, settings_from_config
from fixtures.report.requirements import Ledger, requirement_of

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
    if getattr(config.option, "timeout", None) is None:  # pytest-timeout reads it after this hook
        config.option.timeout = config.stash[SETTINGS].per_test_limit()
    html_report.default_to_self_contained_html(config)
    # Read once: their Secrets must be known before anything is logged, and R11 checks the same read.
    config.stash[MANIFESTS] = load_manifests(config.stash[SETTINGS].manifests)
    html_report.protect_secrets(config.stash[MANIFESTS])
    html_report.record_manifests(config, config.stash[SETTINGS].manifests)
    config.pluginmanager.register(html_report.Title(config.stash[SETTINGS]), "lab4-report-title")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        req = requirement_of(item)
        if req:  # at collection, so skipped tests carry it into JUnit XML too
            item.user_properties.append(("requirement", req))


def pytest_collection_finish(session: pytest.Session) -> None:
    """Check the tools before the first test: a missing minikube ends the run with one paragraph."""
    settings = session.config.stash[SETTINGS]
    live = any("cluster" in getattr(item, "fixturenames", ()) for item in session.items)
    if live and not session.config.option.collectonly:
        try:
            provider_module(settings.provider).preflight(settings)
        except SetupError as exc:
            pytest.exit(f"cannot run the live checks: {exc}", returncode=4)


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
def cluster(settings: Settings, tmp_path_factory: pytest.TempPathFactory):
    """The live cluster of this run, from the provider chosen with --cluster."""
    if settings.provider == "none":
        pytest.skip("--cluster=none: offline checks only, this check needs a live cluster")
    provider = provider_module(settings.provider)
    try:
        handle = provider.start(settings, tmp_path_factory.mktemp("cluster"))
    except SetupError as exc:
        pytest.exit(f"cannot set up the cluster: {exc}", returncode=4)
    yield handle
    provider.stop(handle, settings)


@pytest.fixture(scope="session")
def kube(cluster, settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Kube:
    # Imported here: the kubernetes client takes ~0.45 s to import, which would delay the cluster's
    # start (and --cluster=none never needs it); here it loads while the cluster converges.
    from fixtures.cluster.kube import Kube
    try:
        return Kube(cluster.kubeconfig, cluster.context, read_only=not settings.may_change,
                    cache_dir=tmp_path_factory.mktemp("kube"))
    except Exception as exc:  # the first request: a cluster that does not answer ends the run
        pytest.exit(f"cannot reach the cluster ({cluster.description}): {exc}", returncode=4)


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
    left = leftovers()
    if left and terminal:
        terminal.write_line(f"lab4: left running after the run: {'; '.join(left)}", red=True)
    return result


@pytest.hookimpl(tryfirst=True)
def pytest_unconfigure(config):
    """The run is over and its files are written: hide every object from the garbage collector, so
    that the collections of pytest's own unconfigure and of the interpreter's exit do not walk the
    whole heap again (the kubernetes client's thousands of classes: ~0.4 s of a student's wait)."""
    gc.freeze()
