# SPDX-License-Identifier: GPL-2.0-or-later
"""Talking to the socp bridge: settings, the HTTP client (no proxies: the bridge is local) and,
optionally, a local `socp serve` started by the plugin itself. Nothing is run through a shell."""

import json
import os
import re
import secrets
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

SETTING_URL = 'SOCP_BRIDGE_URL'
SETTING_TOKEN = 'SOCP_BRIDGE_TOKEN'
SETTING_START_LOCAL = 'SOCP_START_LOCAL'
SETTING_COMMAND = 'SOCP_COMMAND'
SETTING_WORKSPACES = 'SOCP_WORKSPACES'

_local = {'proc': None, 'url': None, 'token': None}
_lock = threading.Lock()


class BridgeError(Exception):
    """A failed request, with the bridge's problem details when it sent some."""

    def __init__(self, message, status=None, problem=None):
        super().__init__(message)
        self.status = status
        self.problem = problem or {}


def _setting(name, default=None):
    try:
        from processing.core.ProcessingConfig import ProcessingConfig
        v = ProcessingConfig.getSetting(name)
        if v not in (None, ''):
            return v
    except Exception:
        pass
    try:
        from qgis.core import QgsSettings
        v = QgsSettings().value('socp/' + name, None)
        if v not in (None, ''):
            return v
    except Exception:
        pass
    return default


def _truthy(v):
    return v is True or str(v).lower() in ('true', '1', 'yes', 'on')


def connection():
    """(url, token) of the bridge: the plugin settings, else SOCP_URL / SOCP_TOKEN, else a local
    bridge started on demand when "start a local socp serve" is on. Raises BridgeError if none."""
    url = _setting(SETTING_URL) or os.environ.get('SOCP_URL')
    token = _setting(SETTING_TOKEN) or os.environ.get('SOCP_TOKEN')
    if url:
        return url.rstrip('/'), token or ''
    if _truthy(_setting(SETTING_START_LOCAL, False)):
        return start_local_bridge()
    raise BridgeError('no socp bridge configured: set its URL and token in Processing ▸ Options ▸ Providers ▸ socp '
                      '(or the SOCP_URL and SOCP_TOKEN environment variables), or turn on "Start a local socp serve"')


def start_local_bridge():
    """Start `socp serve --port 0` (argument list, no shell) once; returns (url, token)."""
    with _lock:
        p = _local['proc']
        if p is not None and p.poll() is None:
            return _local['url'], _local['token']
        command = _setting(SETTING_COMMAND, 'socp') or 'socp'
        workspaces = [w for w in re.split(r'[;\n]', _setting(SETTING_WORKSPACES, '') or '') if w.strip()]
        if not workspaces:
            workspaces = [os.path.expanduser('~')]
        try:
            from qgis.core import QgsProcessingUtils
            workspaces.append(QgsProcessingUtils.tempFolder())  # temporary outputs of QGIS
        except Exception:
            pass
        token = secrets.token_urlsafe(32)
        args = [command, 'serve', '--port', '0']
        for w in workspaces:
            args += ['--workspace', w.strip()]
        env = dict(os.environ, SOCP_TOKEN=token)
        try:
            proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                                    env=env, shell=False, text=True)
        except OSError as e:
            raise BridgeError('cannot start "{}": {}; install socp (npm install -g socp) or set the socp command '
                              'in Processing ▸ Options ▸ Providers ▸ socp'.format(command, e))
        deadline = time.time() + 30
        url = None
        while time.time() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            m = re.search(r'listening on (http://\S+)', line)
            if m:
                url = m.group(1)
                break
        if url is None:
            proc.terminate()
            err = proc.stderr.read() if proc.stderr else ''
            raise BridgeError('the local socp serve did not start: {}'.format(err.strip()[-500:]))
        # keep draining its output so it never blocks on a full pipe
        for stream in (proc.stdout, proc.stderr):
            threading.Thread(target=lambda s=stream: [None for _ in s], daemon=True).start()
        _local.update(proc=proc, url=url, token=token)
        return url, token


def stop_local_bridge():
    with _lock:
        p = _local['proc']
        if p is not None and p.poll() is None:
            p.terminate()  # SIGTERM: the bridge cancels its jobs and exits
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
        _local.update(proc=None, url=None, token=None)


_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class Client:
    """A small JSON client of the bridge."""

    def __init__(self, url=None, token=None):
        if url is None:
            url, token = connection()
        self.url = url.rstrip('/')
        self.token = token or ''

    def request(self, method, path, body=None, headers=None, timeout=30):
        url = path if path.startswith('http') else self.url + path
        data = None
        h = {'Accept': 'application/json', 'Authorization': 'Bearer ' + self.token}
        if body is not None:
            data = json.dumps(body).encode('utf-8')
            h['Content-Type'] = 'application/json'
        h.update(headers or {})
        req = urllib.request.Request(url, data=data, method=method, headers=h)
        try:
            with _opener.open(req, timeout=timeout) as r:
                text = r.read().decode('utf-8')
                return r.status, dict(r.headers), (json.loads(text) if text else None)
        except urllib.error.HTTPError as e:
            text = e.read().decode('utf-8', 'replace')
            try:
                problem = json.loads(text)
            except ValueError:
                problem = {'detail': text}
            detail = problem.get('detail') or problem.get('title') or str(e)
            raise BridgeError(detail, e.code, problem)
        except (urllib.error.URLError, OSError) as e:
            raise BridgeError('cannot reach the socp bridge at {}: {}; is "socp serve" running?'.format(self.url, getattr(e, 'reason', e)))

    def get(self, path, timeout=30):
        return self.request('GET', path, timeout=timeout)[2]

    def processes(self):
        return self.get('/processes', timeout=10).get('processes', [])

    def process(self, pid):
        return self.get('/processes/' + urllib.parse.quote(pid, safe=''), timeout=10)

    def submit(self, pid, inputs):
        status, headers, doc = self.request('POST', '/processes/' + urllib.parse.quote(pid, safe='') + '/execution',
                                            {'inputs': inputs}, {'Prefer': 'respond-async'})
        return doc

    def job(self, job_id):
        return self.get('/jobs/' + urllib.parse.quote(job_id, safe=''))

    def results(self, job_id):
        return self.get('/jobs/' + urllib.parse.quote(job_id, safe='') + '/results')

    def dismiss(self, job_id):
        try:
            return self.request('DELETE', '/jobs/' + urllib.parse.quote(job_id, safe=''), timeout=60)[2]
        except BridgeError:
            return None
