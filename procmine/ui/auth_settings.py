"""The sign-in settings (secrets.toml `[procmine]`) and who is signed in: read by the gate and the audit trail."""

from __future__ import annotations

import streamlit as st
from pydantic import BaseModel, ConfigDict

from procmine.errors import ConfigError
from procmine.validation import validated

IDENTITY_KEY = "auth_identity"


class AuthSettings(BaseModel):
    """The `[procmine]` section of secrets.toml (all optional)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    roles_claim: str = "roles"            # Entra ID puts app roles in `roles`
    user_claim: str = "preferred_username"
    person_attribute: str | None = None   # case attribute with the person's pseudonym (for who-saw);
    #                                       None: `citizen`, else `citizen_id`, whichever the dataset has
    access_policy: str | None = None      # YAML file: role -> departments / case types / datasets
    audit_url: str | None = None          # SQLAlchemy URL; default PROCMINE_AUDIT_URL or a local SQLite file
    audit_schema: str | None = None
    audit_retention_days: int = 183


def _secrets() -> dict:
    try:
        return st.secrets.to_dict()
    except (FileNotFoundError, st.errors.StreamlitSecretNotFoundError):
        return {}


def configured() -> bool:
    """True when secrets.toml configures sign-in (an `[auth]` section)."""
    return bool(_secrets().get("auth"))


def settings() -> AuthSettings:
    return validated(AuthSettings, _secrets().get("procmine", {}), ConfigError,
                     "secrets.toml [procmine] is wrong", "See README, Serving")


def identity() -> dict | None:
    """{"user", "roles"} of the signed-in user this run, or None without sign-in."""
    return st.session_state.get(IDENTITY_KEY)
