# SPDX-License-Identifier: GPL-2.0-or-later
"""Plugin entry: registers the socp Processing provider (also headless, for qgis_process)."""

from qgis.core import QgsApplication

from .provider import SocpProvider
from . import bridge


class SocpPlugin:
    def __init__(self, iface):
        self.iface = iface
        self.provider = None
        self.action = None

    def initProcessing(self):  # noqa: N802 (QGIS API name)
        if self.provider is None:
            self.provider = SocpProvider()
            QgsApplication.processingRegistry().addProvider(self.provider)

    def initGui(self):  # noqa: N802
        self.initProcessing()
        if self.iface is None:
            return
        try:
            from qgis.PyQt.QtWidgets import QAction
            self.action = QAction('Reload socp algorithms from the bridge', self.iface.mainWindow())
            self.action.triggered.connect(self.reload)
            self.iface.addPluginToMenu('&socp', self.action)
        except Exception:  # pragma: no cover - GUI only
            self.action = None

    def reload(self):
        if self.provider is not None:
            self.provider.refreshAlgorithms()

    def unload(self):
        if self.action is not None and self.iface is not None:
            self.iface.removePluginMenu('&socp', self.action)
            self.action = None
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
        bridge.stop_local_bridge()
