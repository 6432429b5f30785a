"""The dashboard: its levers build the scenario they say, and in a real headless browser a
changed lever changes the rate shown."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from conftest import ROOT, SCENARIOS
from model.dashboard.app import AS_IN_SCENARIO, DashboardModel, lever_overrides, model_params
from model.scenario import load_scenario

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def test_levers_default_to_the_scenario_and_override_what_they_name():
    policy = load_scenario(SCENARIOS / "policy_2019.yaml")
    assert (
        lever_overrides(policy, AS_IN_SCENARIO, AS_IN_SCENARIO, 1.0, AS_IN_SCENARIO, AS_IN_SCENARIO)
        == {}
    )
    changed = policy.override(
        lever_overrides(
            policy, "conditions: 3 years of insurance", "open", 2.0, "off", "off", 1.5, "off"
        )
    )
    assert changed.services.schooling.places_per_1000_capacity == pytest.approx(
        1.5 * policy.services.schooling.places_per_1000_capacity
    )
    assert not changed.services.public_rental_housing.poor_priority
    assert changed.settlement.rules.large_2.kind == "conditions"
    assert changed.settlement.rules.large_2.min_social_insurance_months == 36
    assert changed.settlement.rules.medium.kind == "open"
    assert changed.fiscal.reward.yuan_per_cross_province_settler == (
        2 * policy.fiscal.reward.yuan_per_cross_province_settler
    )
    assert not changed.settlement.priority_groups.poor.enabled
    assert not changed.settlement.rural_rights.protected
    # switching priority groups on in a scenario without them gives the opinion's groups
    baseline = load_scenario(SCENARIOS / "baseline.yaml")
    on = baseline.override(
        lever_overrides(baseline, AS_IN_SCENARIO, AS_IN_SCENARIO, 1.0, "on", AS_IN_SCENARIO)
    )
    assert on.settlement.priority_groups == policy.settlement.priority_groups.model_copy(
        update={
            "not_in_classes": on.settlement.priority_groups.not_in_classes,
            "not_in_cities": on.settlement.priority_groups.not_in_cities,
            "min_residence_months": on.settlement.priority_groups.min_residence_months,
        }
    )
    params = model_params()
    assert params["scenario_file"]["values"] == sorted(p.name for p in SCENARIOS.glob("*.yaml"))


def test_dashboard_model_collects_monthly_measures_beside_the_scenario_as_written():
    model = DashboardModel(migrants=5000, rural_rights="off", language="中文")
    for _ in range(3):
        model.step()
    frame = model.datacollector.get_model_vars_dataframe()
    assert len(frame) == 4  # the start and three months
    assert frame["citizenization rate, all"].iloc[-1] > 0
    assert not model.spec.settlement.rural_rights.protected
    # a lever changed: the scenario as written runs beside it on the same seed and history
    assert model.reference is not model and model.reference.spec.settlement.rural_rights.protected
    assert frame["reference rate, all"].iloc[0] == frame["citizenization rate, all"].iloc[0]
    assert model.reference.steps == model.steps == 3
    assert frame["year"].tolist() == pytest.approx([2019.0, 2019 + 1 / 12, 2019 + 2 / 12, 2019.25])
    assert model.lang == "zh"
    from model.dashboard.app import SERVICES, rates_by_class, side_by_side

    table = side_by_side(model, SERVICES, 1, "services-panel", "services")
    assert table.count("<tr>") == len(SERVICES) + 1 and "差值" in table  # in Chinese

    by_class = rates_by_class(model)
    assert len(by_class) == 7 and all(0 <= r <= 1 for r in by_class)
    # no lever changed: nothing to compare with, nothing run twice
    plain = DashboardModel(migrants=5000)
    assert plain.reference is plain


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_dashboard_in_a_real_browser(tmp_path):
    if not os.path.exists(CHROMIUM):
        message = (
            "Chromium is not installed; install Debian's package to run this test: "
            "apt-get install chromium (.ci/run does so in CI)"
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "model", "app", "--port", str(port)],
        cwd=ROOT,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail("the dashboard did not start")
                time.sleep(0.5)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM,
                args=[
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-quic",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                ],
            )
            page = browser.new_page(viewport={"width": 1400, "height": 1100})
            page.goto(f"http://127.0.0.1:{port}/", timeout=120_000)
            page.wait_for_selector(".citizenization-rate", timeout=120_000)

            def rate_after(months: int) -> float:
                for _ in range(months):
                    page.get_by_role("button", name="Step").click()
                    page.wait_for_timeout(250)
                page.wait_for_function(
                    f"document.body.innerText.includes('month {months} (')", timeout=60_000
                )
                return float(page.inner_text(".citizenization-rate"))

            # Mesa's own controls are hidden; Reset and Step are there
            assert not page.get_by_text("Render Interval").is_visible()
            assert not page.get_by_text("Use Threads").is_visible()
            assert page.get_by_role("button", name="Reset").is_visible()
            # the rate starts at the level the history before the start left
            start = float(page.inner_text(".citizenization-rate"))
            assert 0.05 < start < 0.6
            protected = rate_after(12)
            page.locator(".v-select", has_text="rural rights protected").click()
            page.locator(".v-menu__content:visible .v-list-item", has_text="off").click()
            page.get_by_role("button", name="Reset").click()
            page.wait_for_function("document.body.innerText.includes('month 0 (')", timeout=60_000)
            # a policy lever changes nothing before the start: the same history, the same rate
            assert float(page.inner_text(".citizenization-rate")) == start
            lost = rate_after(12)
            page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)
            # the scenario as written ran beside the variant on the same seed: its rate is the
            # one the first run reached, and the money panel shows both
            assert float(page.inner_text(".reference-rate")) == pytest.approx(protected)
            assert page.locator(".money-panel").count() == 1
            assert page.locator(".services-panel").count() == 1
            # a year run: the comparison can be downloaded as compare would write it
            with page.expect_download(timeout=60_000) as download:
                page.get_by_text("Download this comparison").click()
            assert download.value.suggested_filename.endswith("-comparison.zip")
            # in Chinese
            page.locator(".v-select", has_text="language").click()
            page.locator(".v-menu__content:visible .v-list-item", has_text="中文").click()
            page.get_by_role("button", name="Reset").click()
            page.wait_for_function(
                "document.body.innerText.includes('户籍市民化率')", timeout=60_000
            )
            page.screenshot(path=str(tmp_path / "dashboard_zh.png"), full_page=True)
            browser.close()
        assert protected > 0
        assert lost < protected  # rural rights lost on settling: fewer want to settle
        assert (tmp_path / "dashboard.png").stat().st_size > 20_000
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def test_a_port_in_use_gets_one_clear_line(capsys):
    from model.cli import main

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["app", "--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert "in use" in err and "--port" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc (Linux)")
def test_the_dashboard_server_stops_when_its_command_is_killed():
    """kill -9 of `citizenization app` must not leave its Solara server running."""
    from pathlib import Path

    port = _free_port()
    app = subprocess.Popen(
        [sys.executable, "-m", "model", "app", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5):
                break
        except OSError:
            assert time.monotonic() < deadline and app.poll() is None, "the dashboard did not start"
            time.sleep(0.5)
    children = [
        int(p)
        for task in Path(f"/proc/{app.pid}/task").glob("*")
        for p in (task / "children").read_text().split()
    ]
    assert children
    app.send_signal(signal.SIGKILL)
    app.wait()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and any(Path(f"/proc/{p}").exists() for p in children):
        time.sleep(0.2)

    def running(pid: int) -> bool:
        try:
            return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] not in "ZX"
        except (FileNotFoundError, ProcessLookupError, IndexError):
            return False

    assert not any(running(p) for p in children)


def test_the_dashboard_downloads_the_comparison_compare_would_write():
    import io
    import zipfile

    from model.dashboard.app import comparison_zip

    model = DashboardModel(migrants=3000, rural_rights="off")
    for _ in range(12):  # to December: a year of outcomes
        model.step()
    archive = zipfile.ZipFile(io.BytesIO(comparison_zip(model)))
    names = set(archive.namelist())
    assert {
        "comparison.parquet",
        "summary.parquet",
        "cost_effectiveness.csv",
        "comparison.png",
        "fiscal.png",
        "report.html",
        "manifest.json",
    } <= names
    report = archive.read("report.html").decode()
    assert "policy_2019-variant" in report and "Rural rights protected: yes → no" in report


def test_levers_show_their_values_as_words_that_set_them():
    from model.dashboard.app import MULTIPLES, ROWS

    params = model_params()
    assert params["reward_multiplier"]["values"] == list(MULTIPLES)
    assert params["migrants"]["values"] == list(ROWS)
    model = DashboardModel(
        migrants="5,000 agent rows",
        reward_multiplier="double (x 2)",
        school_places_multiplier="none (x 0)",
    )
    policy = load_scenario(SCENARIOS / "policy_2019.yaml")
    assert model.spec.simulation.migrants == 5000
    assert model.spec.fiscal.reward.yuan_per_cross_province_settler == (
        2 * policy.fiscal.reward.yuan_per_cross_province_settler
    )
    assert model.spec.services.schooling.places_per_1000_capacity == 0
