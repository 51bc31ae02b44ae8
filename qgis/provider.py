# SPDX-License-Identifier: GPL-2.0-or-later
"""The socp Processing provider: one algorithm per process of the bridge, built at load time."""

import os

from qgis.core import Qgis, QgsMessageLog, QgsProcessingProvider
from qgis.PyQt.QtGui import QIcon

from . import bridge
from .algorithm import SocpAlgorithm

HERE = os.path.dirname(__file__)


def _log(msg, level=Qgis.Info):
    QgsMessageLog.logMessage(msg, 'socp', level)


class SocpProvider(QgsProcessingProvider):
    def __init__(self):
        super().__init__()
        self._settings_added = False
        self.load_error = None

    def id(self):
        return 'socp'

    def name(self):
        return 'socp'

    def longName(self):  # noqa: N802
        return 'socp — soil organic carbon sequestration potential'

    def icon(self):
        p = os.path.join(HERE, 'icon.svg')
        return QIcon(p) if os.path.exists(p) else super().icon()

    def _add_settings(self):
        if self._settings_added:
            return
        try:
            from processing.core.ProcessingConfig import ProcessingConfig, Setting
            group = self.name()
            ProcessingConfig.addSetting(Setting(group, bridge.SETTING_URL, 'Bridge URL (empty: SOCP_URL, or a local bridge)', ''))
            ProcessingConfig.addSetting(Setting(group, bridge.SETTING_TOKEN, 'Bridge token (empty: SOCP_TOKEN)', ''))
            ProcessingConfig.addSetting(Setting(group, bridge.SETTING_START_LOCAL, 'Start a local socp serve when no URL is set', False))
            ProcessingConfig.addSetting(Setting(group, bridge.SETTING_COMMAND, 'socp command (for a local bridge)', 'socp'))
            ProcessingConfig.addSetting(Setting(group, bridge.SETTING_WORKSPACES, 'Workspace folders of a local bridge (separated by ;)', ''))
            ProcessingConfig.readSettings()
            self._settings_added = True
        except Exception as e:  # headless without the processing plugin: environment variables only
            _log('socp settings unavailable ({}); using SOCP_URL / SOCP_TOKEN'.format(e), Qgis.Warning)

    def load(self):
        self._add_settings()
        self.refreshAlgorithms()
        return True

    def unload(self):
        try:
            from processing.core.ProcessingConfig import ProcessingConfig
            for s in (bridge.SETTING_URL, bridge.SETTING_TOKEN, bridge.SETTING_START_LOCAL, bridge.SETTING_COMMAND, bridge.SETTING_WORKSPACES):
                ProcessingConfig.removeSetting(s)
        except Exception:
            pass

    def loadAlgorithms(self):  # noqa: N802
        self.load_error = None
        try:
            client = bridge.Client()
            summaries = client.processes()
        except bridge.BridgeError as e:
            self.load_error = str(e)
            _log('no socp algorithms: {}'.format(e), Qgis.Warning)
            return
        for s in summaries:
            try:
                desc = client.process(s['id'])
                self.addAlgorithm(SocpAlgorithm(desc))
            except Exception as e:  # one bad description must not hide the others
                _log('socp: skipped {}: {}'.format(s.get('id'), e), Qgis.Warning)
