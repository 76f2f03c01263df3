"""The access rule and the audit record of a command-line report (`procmine report --role`)."""

from __future__ import annotations

import getpass
import os
from pathlib import Path

from procmine.access.policy import load_policy
from procmine.access.rule import AccessFilter, restricted_log
from procmine.errors import AccessError, ConfigError


def access_for(policy: Path | None, roles: list[str] | None) -> AccessFilter | None:
    """The AccessFilter of `roles` under the policy file; None when neither is given."""
    if policy is None and not roles:
        return None
    if policy is None or not roles:
        raise ConfigError("Give --access-policy FILE and --role ROLE together (the role's rule cuts "
                          "the log before the report is made).")
    rule = load_policy(policy).filter_for(list(roles))
    if not rule.grants:
        raise ConfigError(f"The access policy {policy} has no role {', '.join(roles)}; its roles are "
                          f"{', '.join(load_policy(policy).roles)}.")
    return rule


def cut(log, access: AccessFilter | None):
    """The log cut down to `access` (unchanged without a rule); AccessError for a dataset it excludes."""
    if access is None:
        return log
    name = log.dataset.path.name
    if not access.allows_dataset(name):
        raise AccessError(f"The role {', '.join(access.roles)} does not give access to the dataset {name}. "
                          "Report on a dataset the role's `datasets:` list names.")
    return restricted_log(log, access)


def record_report(dataset: Path, output: Path, stack: list, access: AccessFilter | None) -> None:
    """Append a "report" record when an audit log is configured (PROCMINE_AUDIT_URL)."""
    from procmine.audit import AuditLog
    from procmine.audit.store import URL_ENV
    if not os.environ.get(URL_ENV):
        return
    AuditLog().append(user=getpass.getuser(), role=",".join(access.roles) if access else "",
                      action="report", dataset=Path(dataset).name,
                      criterion={"file": str(output), "filters": [f.to_dict() for f in stack]})
