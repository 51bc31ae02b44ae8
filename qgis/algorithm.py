# SPDX-License-Identifier: GPL-2.0-or-later
"""One Processing algorithm per socp process: parameters rebuilt with
QgsProcessingParameters.parameterFromVariantMap from the bridge's `qgis` dicts, execution as an
asynchronous bridge job with progress, log and cancel (DELETE), outputs loaded on completion."""

import json
import os
import re
import time
import urllib.parse
import urllib.request

from qgis.core import (
    QgsProcessing,
    QgsProcessingAlgorithm,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingOutputHtml,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingOutputFile,
    QgsProcessingOutputFolder,
    QgsProcessingParameters,
    QgsProviderRegistry,
)

from . import bridge

POLL_SECONDS = 0.25


def qgis_name(process_id):
    """QGIS names: lowercase letters, digits and "_" (soil:potential → soil_potential)."""
    return re.sub(r'[^a-z0-9_]', '_', process_id.lower())


def _split_ref(value):
    bar = value.find('|')
    return (value, '') if bar < 0 else (value[:bar], value[bar:])


def _abs_ref(value):
    """An existing file path (optionally "|layername=…"), made absolute; None otherwise."""
    if not isinstance(value, str) or not value.strip():
        return None
    f, rest = _split_ref(value.strip())
    if f.startswith('file:'):
        f = urllib.request.url2pathname(urllib.parse.urlparse(f).path)
    if os.path.exists(f):
        return os.path.abspath(f) + rest
    return None


def _layer_path(name, layer):
    """The file behind a map layer, as socp takes it ("file.gpkg|layername=x")."""
    prov = layer.providerType()
    src = layer.source()
    if prov in ('ogr', 'gdal'):
        parts = QgsProviderRegistry.instance().decodeUri(prov, src)
        path = parts.get('path') or _split_ref(src)[0]
        ln = parts.get('layerName')
        return os.path.abspath(path) + ('|layername=' + ln if ln else '')
    if prov == 'delimitedtext':
        return urllib.request.url2pathname(urllib.parse.urlparse(src).path)
    raise QgsProcessingException(
        '{}: the layer "{}" is not a file ({} provider); save it as a file inside the bridge workspace first'.format(name, layer.name(), prov))


def _href_path(v):
    if isinstance(v, dict) and isinstance(v.get('href'), str) and v['href'].startswith('file:'):
        return urllib.request.url2pathname(urllib.parse.urlparse(v['href']).path)
    return v


class SocpAlgorithm(QgsProcessingAlgorithm):
    def __init__(self, desc):
        super().__init__()
        self._desc = desc

    # ------------------------------------------------------------------ metadata
    def name(self):
        return qgis_name(self._desc.get('qgisName') or self._desc['id'])

    def displayName(self):  # noqa: N802
        return self._desc.get('title') or self._desc['id']

    def group(self):
        return self._desc.get('group') or self._desc['id'].split(':')[0]

    def groupId(self):  # noqa: N802
        return qgis_name(self.group())

    def shortHelpString(self):  # noqa: N802
        return '{}\n\nsocp id: {}'.format(self._desc.get('description', ''), self._desc['id'])

    def tags(self):
        return ['socp', 'soil', 'carbon'] + [self._desc['id']]

    def createInstance(self):  # noqa: N802
        return SocpAlgorithm(self._desc)

    # ------------------------------------------------------------------ parameters
    def initAlgorithm(self, config=None):  # noqa: N802
        for name, inp in self._desc.get('inputs', {}).items():
            qdef = inp.get('qgis')
            p = QgsProcessingParameters.parameterFromVariantMap(qdef) if qdef else None
            if p is None:
                raise QgsProcessingException('socp: QGIS cannot rebuild parameter {} of {}'.format(name, self._desc['id']))
            self.addParameter(p)
        for name, out in self._desc.get('outputs', {}).items():
            if self.outputDefinition(name) is not None:
                continue  # created with its destination parameter
            kind = out.get('x-socp-kind')
            desc = out.get('description', name)
            if kind == 'number':
                self.addOutput(QgsProcessingOutputNumber(name, desc))
            elif kind == 'html':
                self.addOutput(QgsProcessingOutputHtml(name, desc))
            elif kind == 'folder':
                self.addOutput(QgsProcessingOutputFolder(name, desc))
            elif kind in ('raster', 'vector', 'table', 'file'):
                self.addOutput(QgsProcessingOutputFile(name, desc))
            else:
                self.addOutput(QgsProcessingOutputString(name, desc))

    def _value(self, p, parameters, context):
        """The JSON value socp expects for parameter p, or None to leave it to socp's default."""
        name = p.name()
        t = p.type()
        raw = parameters.get(name)
        if raw is None:
            return None
        if t in ('vector', 'raster'):
            direct = _abs_ref(raw)
            if direct:
                return direct
            layer = self.parameterAsLayer(parameters, name, context)
            return _layer_path(name, layer) if layer is not None else None
        if t == 'multilayer':
            items = raw if isinstance(raw, (list, tuple)) else str(raw).split(';')
            direct = [_abs_ref(x) for x in items]
            if items and all(direct):
                return direct
            return [_layer_path(name, lyr) for lyr in self.parameterAsLayerList(parameters, name, context)] or None
        if t == 'field':
            fields = self.parameterAsFields(parameters, name, context)
            if not fields:
                return None
            return fields if p.allowMultiple() else fields[0]
        if t == 'number':
            if p.dataType() == 0:
                return self.parameterAsInt(parameters, name, context)
            return self.parameterAsDouble(parameters, name, context)
        if t == 'enum':
            if p.allowMultiple():
                return self.parameterAsEnumStrings(parameters, name, context) or None
            return self.parameterAsEnumString(parameters, name, context) or None
        if t == 'boolean':
            return self.parameterAsBool(parameters, name, context)
        if t == 'file':
            return _abs_ref(self.parameterAsFile(parameters, name, context)) or self.parameterAsFile(parameters, name, context) or None
        if t in ('rasterDestination', 'vectorDestination'):
            v = self.parameterAsOutputLayer(parameters, name, context)
            return os.path.abspath(v) if v else None
        if t in ('fileDestination', 'folderDestination'):
            v = self.parameterAsFileOutput(parameters, name, context)
            return os.path.abspath(v) if v else None
        v = self.parameterAsString(parameters, name, context)
        return v if v != '' else None

    # ------------------------------------------------------------------ running
    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        try:
            client = bridge.Client()
        except bridge.BridgeError as e:
            raise QgsProcessingException(str(e))
        inputs = {}
        for p in self.parameterDefinitions():
            v = self._value(p, parameters, context)
            if v is not None:
                inputs[p.name()] = v
        for k, v in inputs.items():
            feedback.pushDebugInfo('{} = {}'.format(k, v))
        try:
            job = client.submit(self._desc['id'], inputs)
        except bridge.BridgeError as e:
            raise QgsProcessingException('socp {}: {}'.format(self._desc['id'], e))
        job_id = job['jobID']
        feedback.pushInfo('socp job {} on {}'.format(job_id, client.url))
        seen = 0
        while True:
            if feedback.isCanceled():
                client.dismiss(job_id)
                raise QgsProcessingException('socp {}: cancelled; the job was stopped and its outputs removed'.format(self._desc['id']))
            try:
                job = client.job(job_id)
            except bridge.BridgeError as e:
                if e.status == 404:
                    raise QgsProcessingException('socp {}: the job was dismissed on the bridge'.format(self._desc['id']))
                raise QgsProcessingException(str(e))
            log = job.get('log') or []
            for line in log[seen:]:
                if line.startswith('Warning:') and hasattr(feedback, 'pushWarning'):
                    feedback.pushWarning(line)
                elif line.startswith('ERROR:'):
                    feedback.reportError(line[6:].strip())
                else:
                    feedback.pushInfo(line)
            seen = len(log)
            feedback.setProgress(float(job.get('progress') or 0))
            status = job.get('status')
            if status == 'successful':
                break
            if status in ('failed', 'dismissed'):
                raise QgsProcessingException('socp {}: {}'.format(self._desc['id'], job.get('message') or status))
            time.sleep(POLL_SECONDS)
        results = {}
        for k, v in client.results(job_id).items():
            v = _href_path(v)
            if isinstance(v, (list, dict)):
                v = json.dumps(v)  # QGIS outputs hold text, numbers or paths
            results[k] = v
        self._load_tables(results, context)
        return results

    def _load_tables(self, results, context):
        """Tables written to file destinations are loaded like layer outputs (rasters and vector
        layers are loaded by QGIS itself through their destination parameters)."""
        for name, out in self._desc.get('outputs', {}).items():
            path = results.get(name)
            if out.get('x-socp-kind') not in ('table', 'vector') or not isinstance(path, str) or not os.path.exists(path):
                continue
            p = self.parameterDefinition(name)
            if p is None or p.type() != 'fileDestination':
                continue
            try:
                project = context.project()
                if project is None or context.willLoadLayerOnCompletion(path):
                    continue
                details = QgsProcessingContext.LayerDetails(os.path.splitext(os.path.basename(path))[0], project, name)
                context.addLayerToLoadOnCompletion(path, details)
            except Exception:
                pass
