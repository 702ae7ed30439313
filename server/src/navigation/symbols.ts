import { containerPortProtocolOf } from '../index/selection';
import type { WorkspaceIndex } from '../index/workspaceIndex';
import { protocolOf } from '../model/semantics';
import type { KubeObject, Located, ServicePort, SourceRange } from '../model/types';
import { isRouter } from '../model/types';
import { addressesOf, portsOf } from './links';
import type { SourceLocation } from './locate';

/** What a symbol stands for; the LSP adapter picks an icon per type. */
export type SymbolType =
  | 'service'
  | 'backend'
  | 'workload'
  | 'router'
  | 'grant'
  | 'monitor'
  | 'kustomization'
  | 'port'
  | 'address'
  | 'reference';

/** An entry of a file's outline. */
export type OutlineSymbol = {
  name: string;
  detail?: string;
  type: SymbolType;
  /** The whole object or item. */
  range: SourceRange;
  /** What to reveal: its name, within `range`. */
  selectionRange: SourceRange;
  children: OutlineSymbol[];
};

/** A symbol of the workspace, for "go to symbol in workspace". */
export type WorkspaceSymbol = { name: string; type: SymbolType; containerName?: string; location: SourceLocation };

/** How many workspace symbols a query returns at most. */
const MAX_WORKSPACE_SYMBOLS = 1000;

/**
 * The outline of a file: one entry per modelled object (`Service default/web`), in
 * file order, with its ports, addresses or the Services it names as children.
 */
export function documentSymbols(index: WorkspaceIndex, uri: string): OutlineSymbol[] {
  return (index.file(uri)?.objects ?? []).map((object) => ({
    name: labelOf(index, object),
    detail: detailOf(object),
    type: typeOf(object),
    range: object.range,
    selectionRange: (object.name ?? object).range,
    children: childrenOf(object),
  }));
}

/** The named objects of the workspace whose label holds the query's characters in order (case-insensitive). */
export function workspaceSymbols(index: WorkspaceIndex, query: string): WorkspaceSymbol[] {
  const wanted = query.replace(/\s+/g, '').toLowerCase();
  const symbols: WorkspaceSymbol[] = [];
  for (const object of index.objects()) {
    if (!object.name || object.kind === 'Kustomization') continue;
    const name = labelOf(index, object);
    if (!isSubsequence(wanted, name.toLowerCase())) continue;
    symbols.push({ name, type: typeOf(object), location: { uri: object.uri, range: object.name.range } });
    if (symbols.length >= MAX_WORKSPACE_SYMBOLS) break;
  }
  return symbols;
}

/** `Service default/web`. */
function labelOf(index: WorkspaceIndex, object: KubeObject): string {
  if (object.kind === 'Kustomization') return 'Kustomization';
  return `${object.kind} ${index.namespaceOf(object)}/${object.name?.value ?? '(unnamed)'}`;
}

function typeOf(object: KubeObject): SymbolType {
  switch (object.kind) {
    case 'Service':
      return 'service';
    case 'Endpoints':
    case 'EndpointSlice':
      return 'backend';
    case 'Kustomization':
      return 'kustomization';
    case 'ReferenceGrant':
      return 'grant';
    case 'ServiceMonitor':
      return 'monitor';
    default:
      return isRouter(object) ? 'router' : 'workload';
  }
}

function detailOf(object: KubeObject): string | undefined {
  switch (object.kind) {
    case 'Service':
      return object.type?.value ?? (object.selector ? 'selector' : 'no selector');
    case 'Endpoints':
    case 'EndpointSlice': {
      const count = addressesOf(object).length;
      return `${count} address${count === 1 ? '' : 'es'}`;
    }
    default:
      return undefined;
  }
}

function childrenOf(object: KubeObject): OutlineSymbol[] {
  switch (object.kind) {
    case 'Service':
      return object.ports.map((port) => portSymbol(port, port.port, servicePortDetail(port)));
    case 'Endpoints':
    case 'EndpointSlice':
      return [
        ...portsOf(object).map((port) => portSymbol(port, port.port, `${port.port?.value ?? '?'}/${protocolOf(port)}`)),
        ...addressesOf(object).map(({ ip, ready }) => leaf(ip, 'address', ready ? undefined : 'not ready')),
      ];
    case 'Kustomization':
    case 'ReferenceGrant':
      return [];
    case 'ServiceMonitor':
      return object.endpointPorts.map((port) => leaf(port, 'reference', 'port'));
    default:
      if (isRouter(object)) return object.backends.map(({ serviceName }) => leaf(serviceName, 'reference', 'Service'));
      return [
        ...(object.serviceName ? [leaf(object.serviceName, 'reference', 'serviceName')] : []),
        ...object.containerPorts.map((port) =>
          portSymbol(port, port.containerPort, `${port.containerPort?.value ?? '?'}/${containerPortProtocolOf(port)}`),
        ),
      ];
  }
}

function servicePortDetail(port: ServicePort): string {
  const target = port.targetPort ? ` → ${port.targetPort.value}` : '';
  return `${port.port?.value ?? '?'}${target}/${protocolOf(port)}`;
}

function portSymbol(
  port: { range: SourceRange; name?: Located<string> },
  number: Located<number> | undefined,
  detail: string,
): OutlineSymbol {
  const name = port.name ?? number;
  return {
    name: String(name?.value ?? '(port)'),
    detail,
    type: 'port',
    range: port.range,
    selectionRange: (name ?? port).range,
    children: [],
  };
}

function leaf(located: Located<string>, type: SymbolType, detail: string | undefined): OutlineSymbol {
  return { name: located.value, detail, type, range: located.range, selectionRange: located.range, children: [] };
}

function isSubsequence(needle: string, haystack: string): boolean {
  let at = 0;
  for (const char of haystack) if (char === needle[at]) at++;
  return at >= needle.length;
}
