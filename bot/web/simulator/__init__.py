"""The local web simulator (/simulator/): a LINE-like chat to try every flow without a LINE account."""

from bot.web.simulator.views import init_simulator, simulator

__all__ = ["init_simulator", "simulator"]
