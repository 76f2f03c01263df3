"""Deadline-breach prediction for open cases, honestly evaluated, and the drivers of long throughput.

Example: `forecast = procmine.prediction.predict(log)`; `forecast.cards` says per rule what the
risk model is worth on later cases than it learnt from, `forecast.cases` ranks the open cases.
"""

from procmine.prediction.drivers import Drivers, drivers
from procmine.prediction.radar import Forecast, Reason, predict

__all__ = ["Drivers", "Forecast", "Reason", "drivers", "predict"]
