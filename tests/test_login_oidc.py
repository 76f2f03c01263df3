"""Sign-in against a real OpenID Connect provider (oidc-provider on 127.0.0.1), in Chromium.

The test starts the provider and `streamlit run app.py` with a generated secrets.toml, signs in
through the provider's login page, and checks role-restricted content, the audit log, sign-out,
and that tampered, forged and expired identities are refused.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from served_app import free_port, stop, wait_until_served

from procmine.audit import AuditLog

ROOT = Path(__file__).resolve().parents[1]
TOOLS = Path(__file__).parent / "oidc_provider"
TOOLS_CACHE = Path.home() / ".cache" / "procmine-oidc-provider"
ARTEFACTS = Path(__file__).resolve().parent / "artefacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
ACCOUNTS = {"anna": {"email": "anna@kommune.dk", "roles": ["tm"]},
            "kort": {"email": "kort@kommune.dk", "roles": ["tm"], "ttl": 8},
            "gaest": {"email": "gaest@kommune.dk", "roles": []}}
POLICY = "roles:\n  tm: {departments: [Teknik og Miljø], datasets: [aktindsigt, byggetilladelse]}\n"

pytestmark = [pytest.mark.browser, pytest.mark.slow,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's Chromium is not installed at "
                                 "/usr/bin/chromium (apt-get install chromium); .ci/run installs it")]


@pytest.fixture(scope="module")
def provider_tools() -> Path:
    """oidc-provider installed once with npm into a cache folder outside the repository."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("node and npm are needed for the OpenID Connect provider of the sign-in tests")
    TOOLS_CACHE.mkdir(parents=True, exist_ok=True)
    for name in ("package.json", "provider.mjs"):
        shutil.copy(TOOLS / name, TOOLS_CACHE / name)
    if not (TOOLS_CACHE / "node_modules" / "oidc-provider" / "package.json").exists():
        subprocess.run(["npm", "install", "--no-audit", "--no-fund"], cwd=TOOLS_CACHE, check=True,
                       capture_output=True, timeout=600)
    return TOOLS_CACHE


@pytest.fixture(scope="module")
def served(provider_tools, tmp_path_factory):
    """The provider and the app, both on free 127.0.0.1 ports; the app's audit log and URLs."""
    folder = tmp_path_factory.mktemp("login")
    oidc_port, app_port = free_port(), free_port()
    client_secret = secrets.token_urlsafe(24)
    app_url = f"http://127.0.0.1:{app_port}"
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    provider_log = open(ARTEFACTS / "oidc-provider.log", "w")  # noqa: SIM115  (outlives the fixture's yield; closed in its finally)
    provider = subprocess.Popen(
        ["node", "provider.mjs"], cwd=provider_tools, stdout=provider_log, stderr=subprocess.STDOUT,
        env={**os.environ, "OIDC_PORT": str(oidc_port), "OIDC_CLIENT_ID": "procmine",
             "OIDC_CLIENT_SECRET": client_secret, "OIDC_REDIRECT_URI": f"{app_url}/oauth2callback",
             "OIDC_ACCOUNTS": json.dumps(ACCOUNTS)})
    (folder / "policy.yaml").write_text(POLICY, encoding="utf-8")
    audit = f"sqlite:///{folder / 'audit.sqlite'}"
    (folder / ".streamlit").mkdir()
    (folder / ".streamlit" / "secrets.toml").write_text(f"""
[auth]
redirect_uri = "{app_url}/oauth2callback"
cookie_secret = "{secrets.token_urlsafe(32)}"
client_id = "procmine"
client_secret = "{client_secret}"
server_metadata_url = "http://127.0.0.1:{oidc_port}/.well-known/openid-configuration"
client_kwargs = {{ prompt = "login" }}   # oidc-provider has no "select_account", Streamlit's default

[procmine]
access_policy = "{folder / 'policy.yaml'}"
audit_url = "{audit}"
""", encoding="utf-8")
    app_log = open(ARTEFACTS / "login-server.log", "w")  # noqa: SIM115  (outlives the fixture's yield; closed in its finally)
    app = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true",
         "--server.address", "127.0.0.1", "--server.port", str(app_port),
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=folder, stdout=app_log, stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "PROCMINE_SAMPLES": str(ROOT / "sample_logs"),
             "PROCMINE_APP_DATASET": str(ROOT / "sample_logs" / "aktindsigt")})
    try:
        wait_until_served(app, app_port, log_hint="; see tests/artefacts/login-server.log")
        yield {"app": app_url, "provider": f"http://127.0.0.1:{oidc_port}", "audit": audit}
    finally:
        try:
            stop(app)
        finally:
            provider.terminate()
            provider.wait(timeout=20)
            app_log.close()
            provider_log.close()


@pytest.fixture(scope="module")
def browser():
    """One Chromium for the module; each test signs in from a context (cookie jar) of its own (_tab)."""
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _tab(browser):
    tab = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True).new_page()
    tab.set_default_timeout(60_000)
    return tab


def _sign_in(tab, served, login: str) -> None:
    """Through the app's sign-in button and the provider's own login and consent pages."""
    tab.goto(served["app"])
    tab.get_by_role("button", name="Sign in").click()
    tab.wait_for_url(f"{served['provider']}/**")
    tab.fill("input[name=login]", login)
    tab.fill("input[name=password]", "any password")
    tab.get_by_role("button", name="Sign-in").click()
    tab.get_by_role("button", name="Continue").click()
    tab.wait_for_url(f"{served['app']}/**")


def test_sign_in_shows_only_the_roles_cases_and_sign_out_ends_the_session(served, browser):
    tab = _tab(browser)
    tab.goto(served["app"])
    tab.get_by_text("Sign in to procmine").wait_for()
    tab.screenshot(path=str(ARTEFACTS / "login-sign-in.png"))
    assert "AKT-" not in tab.content() and "of 800 cases" not in tab.content()
    _sign_in(tab, served, "anna")
    tab.get_by_text("305 of 305 cases").wait_for()
    tab.get_by_text("Signed in as anna@kommune.dk (tm)").wait_for()
    tab.locator('[data-testid="stMetric"]').first.wait_for()
    assert "Borgmesterens Afdeling" not in tab.inner_text("body")
    tab.screenshot(path=str(ARTEFACTS / "login-signed-in.png"))
    _download_cases_csv(tab, served)
    actions = [r.action for r in AuditLog(served["audit"]).records() if r.user == "anna@kommune.dk"]
    assert actions[:2] == ["sign_in", "page_view"]
    assert any(c["name"] == "_streamlit_user" for c in tab.context.cookies())

    tab.get_by_role("button", name="Sign out").click()
    confirm = tab.get_by_role("button", name="Yes, sign me out")
    confirm.wait_for()        # the provider's own end-session page (RP-initiated logout)
    confirm.click()
    tab.wait_for_url(f"{served['app']}/**")
    tab.get_by_text("Sign in to procmine").wait_for()
    assert not any(c["name"].startswith("_streamlit_user") for c in tab.context.cookies())
    tab.goto(served["app"])
    tab.get_by_text("Sign in to procmine").wait_for()
    assert "305 of 305 cases" not in tab.inner_text("body")
    assert "sign_out" in [r.action for r in AuditLog(served["audit"]).records() if r.user == "anna@kommune.dk"]


def _download_cases_csv(tab, served) -> None:
    """The cases page's CSV holds the role's cases only, and the export is in the audit log."""
    tab.locator("[data-testid='stSidebar'] label").filter(has_text=re.compile(r"Cases\s*$")).click()
    button = tab.locator("[data-testid='stDownloadButton'] button").filter(has_text="Download CSV").first
    button.wait_for()
    with tab.expect_download() as download:
        button.click()
    rows = Path(download.value.path()).read_text(encoding="utf-8-sig").splitlines()
    assert len(rows) == 1 + 305
    assert "Borgmesterens Afdeling" not in "\n".join(rows)
    exports = [r for r in AuditLog(served["audit"]).records() if r.action == "export"]
    assert exports and json.loads(exports[-1].criterion)["file"] == "cases.csv"
    assert [r.action for r in AuditLog(served["audit"]).records()].count("case_view") >= 1


def test_a_tampered_or_forged_identity_cookie_is_refused(served, browser):
    from streamlit.web.server.starlette.starlette_app_utils import create_signed_value
    tab = _tab(browser)
    _sign_in(tab, served, "anna")
    tab.get_by_text("305 of 305 cases").wait_for()
    cookie = next(c for c in tab.context.cookies() if c["name"] == "_streamlit_user")
    value = cookie["value"]
    middle = len(value) // 3
    tampered = value[:middle] + ("A" if value[middle] != "A" else "B") + value[middle + 1:]
    forged_claims = {"is_logged_in": True, "origin": served["app"], "provider": "default", "sub": "mallory",
                     "email": "mallory@example.org", "roles": ["tm"], "exp": int(time.time()) + 3600}
    forged = create_signed_value("a-secret-that-is-not-the-apps-secret", "_streamlit_user",
                                 json.dumps(forged_claims)).decode()
    for label, bad in (("genuine", value), ("tampered", tampered), ("forged", forged)):
        other = _tab(browser)
        other.context.add_cookies([{**{k: cookie[k] for k in ("name", "domain", "path")}, "value": bad}])
        other.goto(served["app"])
        if label == "genuine":   # the cookie moves between browsers: so the refusals below mean something
            other.get_by_text("305 of 305 cases").wait_for()
        else:
            other.get_by_text("Sign in to procmine").wait_for()
            assert "of 305 cases" not in other.inner_text("body"), label
        other.context.close()


def test_an_expired_id_token_ends_the_session(served, browser):
    tab = _tab(browser)
    _sign_in(tab, served, "kort")       # the provider issues kort's ID token for 8 seconds
    issued_by = time.monotonic()        # back on the app: the token was issued before this moment
    tab.get_by_text("305 of 305 cases").wait_for()
    time.sleep(max(0.0, issued_by + 9 - time.monotonic()))   # a second past its expiry, whatever the page took
    tab.reload()
    tab.get_by_text("Your sign-in has expired").wait_for()
    assert "305 of 305 cases" not in tab.inner_text("body")


def test_a_user_without_an_app_role_sees_no_data(served, browser):
    tab = _tab(browser)
    _sign_in(tab, served, "gaest")
    tab.get_by_text("no role that gives access").wait_for()
    assert "AKT-" not in tab.inner_text("body") and "of 305 cases" not in tab.inner_text("body")
    assert "refused" in [r.action for r in AuditLog(served["audit"]).records() if r.user == "gaest@kommune.dk"]
