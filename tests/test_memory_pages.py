"""procmine.memory_pages: NumPy's huge-page advice is off inside the block and restored after it."""

import numpy as np
import pytest

from procmine import memory_pages
from procmine.memory_pages import ordinary_pages


@pytest.mark.skipif(memory_pages._set_advice is None, reason="this NumPy has no huge-page switch")
def test_the_advice_is_off_inside_and_restored_after_an_error():
    switch = memory_pages._set_advice
    before = switch(True)
    try:
        with pytest.raises(RuntimeError), ordinary_pages():
            inside = switch(False)   # returns the setting in force
            assert np.arange(1_000_000).sum() == 499_999_500_000
            raise RuntimeError("leave the block")
        assert inside is False
        assert switch(True) is True  # restored
    finally:
        switch(before)
