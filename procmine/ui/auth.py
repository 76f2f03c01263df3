"""Sign-in (OpenID Connect through st.login) and the session's identity, roles and access rule.

Sign-in is on when secrets.toml has an `[auth]` section; then no page is drawn before the
user has signed in, the ID token's `exp` has not passed and a role of the token's app-role
claim gives access. Settings of procmine's own are in `[procmine]` (see README, Serving).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import streamlit as st

from procmine.access import AccessPolicy, load_policy
from procmine.access.policy import POLICY_ENV
from procmine.errors import ConfigError
from procmine.ui import state
from procmine.ui.auth_settings import (  # noqa: F401  (auth.configured,
    IDENTITY_KEY,
    _secrets,
    configured,
    identity,  # auth.identity as before)
    settings,
)
from procmine.ui.state import t


@st.cache_resource(show_spinner=False)
def _policy(path: str, stamp: float) -> AccessPolicy:
    return load_policy(path)


def policy() -> AccessPolicy | None:
    """The access policy configured in [procmine] access_policy or PROCMINE_ACCESS_POLICY, if any."""
    path = settings().access_policy or os.environ.get(POLICY_ENV)
    if not path:
        return None
    if not Path(path).is_file():
        raise ConfigError(f"The access policy {path} does not exist. Fix [procmine] access_policy "
                          f"in secrets.toml (or {POLICY_ENV}).")
    return _policy(path, Path(path).stat().st_mtime)


def gate() -> bool:
    """Sign the user in and set the session's access rule; False when the page must stop here."""
    st.session_state[state.ACCESS_KEY] = None
    st.session_state[IDENTITY_KEY] = None
    state.init_language()
    if not configured():
        return True
    user = st.user
    if not user.is_logged_in:
        _sign_in_page(None)
        return False
    if _expired(user.to_dict()):
        _sign_in_page(t("auth.expired"))
        return False
    config = settings()
    roles = _roles(user.to_dict().get(config.roles_claim))
    who = str(user.get(config.user_claim) or user.get("email") or user.get("sub"))
    st.session_state[IDENTITY_KEY] = {"user": who, "roles": roles}
    known = policy()
    rule = known.filter_for(roles) if known is not None else None
    from procmine.ui import audit_trail
    if rule is not None and not rule.grants:
        audit_trail.record_once("refused", f"refused:{who}")
        st.error(t("auth.no_access", roles=", ".join(roles) or t("auth.no_role")))
        st.button(t("auth.sign_out"), on_click=sign_out, key="auth_sign_out_refused")
        return False
    st.session_state[state.ACCESS_KEY] = rule
    audit_trail.record_once("sign_in", f"sign_in:{who}:{user.get('iat')}")
    _sidebar_identity(who, roles)
    return True


def sign_out() -> None:
    from procmine.ui import audit_trail
    audit_trail.record("sign_out")
    st.logout()


def _roles(claim) -> list[str]:
    if claim is None:
        return []
    return [str(r) for r in claim] if isinstance(claim, (list, tuple)) else [str(claim)]


def _expired(claims: dict) -> bool:
    """True when the ID token's exp has passed (Streamlit's cookie alone lasts 30 days)."""
    exp = claims.get("exp")
    if not isinstance(exp, (int, float)) or isinstance(exp, bool):
        return True
    return exp <= dt.datetime.now(dt.UTC).timestamp()


def _sign_in_page(message: str | None) -> None:
    from procmine.i18n import LANGUAGE_NAMES, LANGUAGES
    st.radio(t("app.language"), LANGUAGES, key=state.LANG_KEY, format_func=LANGUAGE_NAMES.get, horizontal=True,
             on_change=state.language_switched)
    st.title(t("auth.sign_in_title"))
    if message:
        st.warning(message)
    st.write(t("auth.sign_in_why"))
    if st.button(t("auth.sign_in"), type="primary", key="auth_sign_in"):
        st.login()


def _sidebar_identity(who: str, roles: list[str]) -> None:
    with st.sidebar:
        st.caption(t("auth.signed_in_as", user=who, roles=", ".join(roles) or t("auth.no_role")))
        st.button(t("auth.sign_out"), on_click=sign_out, key="auth_sign_out", icon=":material/logout:")


def render_access_rule() -> None:
    """The session's access rule above the filter stack: shown, never removable."""
    rule = state.access_rule()
    if rule is not None:
        st.sidebar.info(f"**{t('auth.rule')}:** {rule.describe(state.lang())}", icon=":material/lock:")


SIGN_IN_KEYS = ("redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url")


def secrets_files() -> list[Path]:
    """Where `streamlit run` looks for secrets.toml: the user's folder, then the working folder."""
    return [Path.home() / ".streamlit" / "secrets.toml", Path.cwd() / ".streamlit" / "secrets.toml"]


def sign_in_problem(files: list[Path] | None = None) -> str | None:
    """None when a secrets.toml configures sign-in completely; else what is missing, in words."""
    import tomllib
    section: dict = {}
    for file in files or secrets_files():
        if file.is_file():
            try:
                section.update(tomllib.loads(file.read_text(encoding="utf-8")).get("auth", {}))
            except (OSError, tomllib.TOMLDecodeError) as exc:
                return f"{file} cannot be read: {exc}"
    if not section:
        return "no [auth] section in " + " or ".join(str(f) for f in files or secrets_files())
    providers = [v for v in section.values() if isinstance(v, dict) and "client_id" in v]
    merged = {**section, **(providers[0] if providers else {})}
    missing = [key for key in SIGN_IN_KEYS if not merged.get(key)]
    return f"[auth] lacks {', '.join(missing)}" if missing else None
