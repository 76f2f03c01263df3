"""Access rules: which departments, case types and datasets a role may see.

`AccessPolicy` (read from a YAML file) maps app roles to grants; `AccessPolicy.filter_for(roles)`
gives the `AccessFilter` of a user, and `restricted_log` cuts a log down to it, beneath every
filter stack, so nothing of another department is left in the view to leak.
"""

from procmine.access.grants import Grant
from procmine.access.policy import AccessPolicy, load_policy
from procmine.access.rule import AccessFilter, restricted_log

__all__ = ["AccessFilter", "AccessPolicy", "Grant", "load_policy", "restricted_log"]
