# SPDX-License-Identifier: GPL-2.0-or-later
"""socp QGIS plugin: a Processing provider backed by the socp HTTP bridge (OGC API – Processes)."""


def classFactory(iface):  # noqa: N802 (QGIS API name)
    from .plugin import SocpPlugin
    return SocpPlugin(iface)
