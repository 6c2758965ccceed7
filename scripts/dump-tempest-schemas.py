#!/usr/bin/python3
"""Dumps tempest's compute and volume response schemas to JSON.

Run with Debian's python (python3-tempest installed):

    /usr/bin/python3 scripts/dump-tempest-schemas.py > test/engine/fidelity/tempest-schemas.json

Tempest keeps one folder per microversion that changed a response
(`tempest/lib/api_schema/response/compute/v2_1 .. v2_79`, and for volume the
top-level modules for 3.0 plus `volume/v3_7 .. v3_69`). A schema applies from
its folder's version until a later folder overrides it. The output lists, for
each module and schema name, the versions where the schema changed:

    {"tempest": "33.0.0",
     "compute": {"servers": {"get_server": [{"from": "2.1", "schema": {...}},
                                            {"from": "2.3", "schema": {...}}, ...]}},
     "volume": {...}}

A later folder that re-exports an unchanged copy adds no entry. A schema is
any module-level dict with a `status_code` list (`response_body` optional).
"""
import importlib
import json
import os
import pkgutil
import re
import sys

import tempest
import tempest.lib.api_schema.response as response_pkg

BASE = os.path.dirname(response_pkg.__file__)


def version_folders(service):
    """[(version 'X.Y', package name)] in ascending order; the service's base folder first."""
    root = os.path.join(BASE, service)
    found = []
    if service == 'volume':
        found.append(((3, 0), 'tempest.lib.api_schema.response.volume'))
    for entry in os.listdir(root):
        match = re.fullmatch(r'v(\d+)_(\d+)', entry)
        if match and os.path.isdir(os.path.join(root, entry)):
            found.append(((int(match[1]), int(match[2])),
                          f'tempest.lib.api_schema.response.{service}.{entry}'))
    found.sort()
    return [(f'{major}.{minor}', package) for (major, minor), package in found]


def schemas_of(package):
    """{module: {name: schema}} for the schema dicts defined in `package`'s modules."""
    pkg = importlib.import_module(package)
    result = {}
    for info in pkgutil.iter_modules(pkg.__path__):
        if info.ispkg:
            continue
        module = importlib.import_module(f'{package}.{info.name}')
        for name, value in sorted(vars(module).items()):
            if name.startswith('_') or not isinstance(value, dict):
                continue
            if isinstance(value.get('status_code'), list):
                result.setdefault(info.name, {})[name] = value
    return result


def canonical(value):
    return json.dumps(value, sort_keys=True)


def dump_service(service):
    out = {}
    for version, package in version_folders(service):
        for module, names in schemas_of(package).items():
            for name, schema in names.items():
                history = out.setdefault(module, {}).setdefault(name, [])
                if history and canonical(history[-1]['schema']) == canonical(schema):
                    continue
                history.append({'from': version, 'schema': schema})
    return {module: dict(sorted(names.items())) for module, names in sorted(out.items())}


def main():
    version = getattr(tempest, '__version__', None)
    if version is None:
        try:
            from importlib.metadata import version as dist_version
            version = dist_version('tempest')
        except Exception:  # pragma: no cover
            version = 'unknown'
    data = {'tempest': version, 'compute': dump_service('compute'), 'volume': dump_service('volume')}
    sys.stdout.write(render(data))


def render(data):
    """Indented down to the history entries; each entry on one line (small, diffable)."""
    compact = lambda value: json.dumps(value, sort_keys=True, separators=(',', ':'))
    lines = ['{', f' "tempest": {compact(data["tempest"])},']
    services = ['compute', 'volume']
    for s_index, service in enumerate(services):
        lines.append(f' {compact(service)}: {{')
        modules = data[service]
        for m_index, (module, names) in enumerate(modules.items()):
            lines.append(f'  {compact(module)}: {{')
            for n_index, (name, history) in enumerate(names.items()):
                lines.append(f'   {compact(name)}: [')
                for h_index, entry in enumerate(history):
                    comma = ',' if h_index < len(history) - 1 else ''
                    lines.append(f'    {compact(entry)}{comma}')
                lines.append('   ]' + (',' if n_index < len(names) - 1 else ''))
            lines.append('  }' + (',' if m_index < len(modules) - 1 else ''))
        lines.append(' }' + (',' if s_index < len(services) - 1 else ''))
    lines.append('}')
    return '\n'.join(lines) + '\n'


if __name__ == '__main__':
    main()
