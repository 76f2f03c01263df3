"""The generic SQL connector: a checked YAML config becomes an extraction job."""

from __future__ import annotations

import datetime as dt
import os

from connectors.config import ExtractConfig, SbsysConfig, load_config
from connectors.pseudonymise import load_pseudonymiser
from connectors.runner import Extraction
from connectors.sbsys import SbsysOptions, sbsys_extraction
from connectors.sql import plans_from_config


def config_extraction(config: ExtractConfig) -> Extraction:
    """The extraction job a config describes; a missing pseudonym key is a ConfigError."""
    rules = config.pseudonymise
    pseudonyms = load_pseudonymiser(bool(rules), rules.key_env if rules else "",
                                    rules.key_id if rules else None)
    plans, cases = plans_from_config(config)
    return Extraction(
        url=config.url, plans=plans, cases=cases, output=config.output, pseudonyms=pseudonyms,
        timezone=config.timezone, lookback=dt.timedelta(hours=config.incremental.lookback_hours),
        chunk_size=config.chunk_size, source_info={"connector": config.source_label})


def load_extraction(path: str | os.PathLike) -> Extraction:
    """Read a config file (generic or `preset: sbsys`) and build its extraction job."""
    config = load_config(path)
    if isinstance(config, SbsysConfig):
        return preset_extraction(config)
    return config_extraction(config)


def preset_extraction(config: SbsysConfig) -> Extraction:
    """The extraction job of an SBSYS preset config."""
    rules = config.pseudonymise
    options = SbsysOptions(
        schema=config.database_schema, include_protected=config.include_protected,
        pseudonymise=bool(rules), key_env=rules.key_env if rules else "",
        key_id=rules.key_id if rules else None, timezone=config.timezone,
        lookback_hours=config.incremental.lookback_hours, chunk_size=config.chunk_size,
        person_part_type=config.person_part_type, company_part_type=config.company_part_type)
    return sbsys_extraction(config.url, config.output, options)
