"""Fixtures for the coexistence tests: the demo platform, seeded as the web would hold it.

Each test in this folder states one rule by which the web app reads a row (with the web file the
rule comes from), writes the row through the desktop's services, and checks the rule on the row
the database then holds.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine

from tests.conftest import DemoLoader
from tests.demo_platform import DemoPlatform, demo_platform

TODAY = date(2026, 3, 9)


# The name the tests in this folder import it by.
Platform = DemoPlatform


@pytest.fixture
def platform(demo_data: DemoLoader, engine: Engine) -> Platform:
    return demo_platform(demo_data, engine, TODAY)
