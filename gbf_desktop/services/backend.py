"""The one object the UI talks to: every use case, bound to a unit-of-work factory.

It holds no Qt and no open connection; its methods are safe to call from a worker thread and
return plain frozen values.
"""

from __future__ import annotations

from dataclasses import dataclass

from gbf_desktop.services import auth, dashboard
from gbf_desktop.services.ports import UnitOfWorkFactory


@dataclass(frozen=True)
class Backend:
    uow_factory: UnitOfWorkFactory
    # What the status bar shows: "built-in database" or the server URL with its password masked.
    database_label: str

    def sign_in(self, email: str, password: str) -> auth.SignedInUser:
        return auth.sign_in(self.uow_factory, email, password)

    def dashboard(self, coach_id: str) -> dashboard.DashboardView:
        return dashboard.load_dashboard(self.uow_factory, coach_id)
