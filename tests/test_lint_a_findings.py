"""What the type check of the connectors and importers turned up (lint-a)."""

import pytest

from connectors.pseudonymise import Pseudonymiser
from procmine.errors import ConfigError


def test_a_pseudonymiser_without_key_refuses_to_make_pseudonyms():
    # Before: AttributeError ('NoneType' object has no attribute 'copy') from the missing key's hash state.
    off = Pseudonymiser(None)
    assert not off.enabled
    with pytest.raises(ConfigError, match="need the key"):
        off.pseudonym("case", "A-1")
