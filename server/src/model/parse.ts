import { Composer, Parser, parseAllDocuments, isAlias, isMap, isScalar, isSeq } from 'yaml';
import type { Document, Node, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import type {
  ContainerPort,
  EndpointAddress,
  EndpointPort,
  EndpointSlice,
  Endpoints,
  EndpointSubset,
  Ingress,
  ReferenceGrant,
  ServiceMonitor,
  Route,
  RouteKind,
  ServiceBackendRef,
  KubeObject,
  Kustomization,
  LocatedList,
  NonStringEntry,
  ObjectBase,
  ScalarFields,
  Service,
  ServicePort,
  SliceEndpoint,
  SourceRange,
  SelectorRequirement,
  TraefikRouter,
  TraefikKind,
  Workload,
  WorkloadKind,
  WorkloadSelector,
} from './types';
import {
  GATEWAY_API_GROUP,
  IGNORE_ANNOTATION,
  IGNORE_COMMENT_MARKER,
  Located,
  refersToService,
  SERVICE_NAME_LABEL,
  TRAEFIK_GROUPS,
  isGatewayRouteKind,
  isTraefikKind,
  isTraefikServiceOfKubernetes,
  WORKLOAD_KINDS,
  isOperatorWorkloadKind,
  type OperatorWorkloadKind,
  PROMETHEUS_OPERATOR_GROUP,
  WORKLOAD_PATHS,
} from './types';
import { Yaml11 } from './yaml11';
import {
  DocumentReuse,
  type DocumentSpan,
  type FileEdit,
  mayHoldModelledObject,
  moveRanges,
  splitDocuments,
  type TextChange,
  type TextSlice,
} from './documents';
import { compact, compactList } from './compact';
import { parseSimpleDocument } from './fastYaml';
import { nestsTooDeep } from './nesting';

/** The modelled objects of one file, and whether anything could not be read. */
export type ParsedFile = {
  objects: readonly KubeObject[];
  /**
   * The documents skipped because they do not parse as YAML (a template, a syntax error), from
   * their content's start to their end; documents the pre-scan rules out are not among them.
   */
  brokenDocuments: readonly SourceRange[];
  /**
   * Set when the previous version's unchanged documents were reused: the part of it that changed,
   * and the previous objects read again there (the others are among `objects`, moved in place).
   */
  reused?: { edit: FileEdit; replaced: readonly KubeObject[] };
  /**
   * Whether the text may hold a `# kube-endpoints-ignore` comment: false only when it holds none,
   * so that suppressions need not read a file that has none.
   */
  mayHoldIgnoreComments: boolean;
  /**
   * The documents of the text, for the next edit, kept only when this was an edit that could reuse
   * documents (not a kustomization file's): splitting a file again at its first edit takes a few
   * milliseconds, while keeping the documents of every file a scan reads made the 50k workspace's
   * cold start about 4% longer.
   */
  spans?: DocumentSpan[];
};

/**
 * Reads every YAML document of a file and yields the objects the analysis models.
 *
 * Documents that do not parse, are not mappings, or lack a string `kind` and
 * `apiVersion` yield nothing; nothing here throws. Items of `kind: List` are
 * yielded one by one. Aliases are followed one level for scalars only, so an
 * alias bomb costs nothing. Documents nested deeper than `MAX_NESTING_DEPTH` are
 * broken documents, never given to the recursive parser.
 *
 * The file is split on document boundaries; documents of kinds the model does not read are
 * skipped unparsed, the common YAML subset goes through a fast reader, and the rest through
 * `yaml`. With `previous` (the same file's earlier text and objects), unchanged documents
 * are not parsed again: their objects become the new version's, moved in place, so `previous`
 * must not be used again. `change` and `slice` say how the text changed and read it (see
 * `DocumentReuse`).
 */
export function parseFile(
  uri: string,
  text: string,
  previous?: {
    text: string;
    objects: readonly KubeObject[];
    brokenDocuments: readonly SourceRange[];
    mayHoldIgnoreComments: boolean;
    spans?: DocumentSpan[];
  },
  change?: TextChange,
  slice?: TextSlice,
): ParsedFile {
  const kustomizationFile = isKustomizationFileName(uri);
  // A kustomization file's first document is read differently, so its documents cannot move.
  const reuse =
    previous && !kustomizationFile
      ? new DocumentReuse(previous.text, previous.objects, previous.spans, text, change, slice)
      : undefined;
  const spans = reuse?.spans ?? splitDocuments(text);
  if (!spans) return parseWholeFile(uri, text);
  // The documents not reused are read from the region that changed, or from the whole text.
  const source = reuse?.spans ? reuse.region : { text, base: 0 };
  const objects: KubeObject[] = [];
  const brokenDocuments: SourceRange[] = [];
  const previouslyBroken = new Set(previous?.brokenDocuments.map((range) => range.start));
  for (let docIndex = 0; docIndex < spans.length; docIndex++) {
    const span = spans[docIndex];
    const contentRange = { start: span.contentStart, end: span.end };
    if (reuse?.spans && reuse.addObjects(docIndex, objects)) {
      if (previouslyBroken.has(reuse.previousContentStart(docIndex)!)) brokenDocuments.push(contentRange);
      continue;
    }
    const asKustomization = kustomizationFile && docIndex === 0;
    const local = {
      start: span.start - source.base,
      contentStart: span.contentStart - source.base,
      end: span.end - source.base,
    };
    if (!asKustomization && !mayHoldModelledObject(source.text, local)) continue;
    const document = parseSpan(source.text, local);
    if (!document) return parseWholeFile(uri, text);
    const read = readDocument(uri, source.text, document, docIndex, asKustomization);
    if (!read) {
      brokenDocuments.push(contentRange);
      continue;
    }
    // Read from the region's text: fresh objects, moved to the file's offsets in place.
    for (const object of read) {
      if (source.base !== 0) moveRanges(object, source.base);
      objects.push(object);
    }
  }
  if (reuse?.spans) reuse.moveObjects();
  const kept = compactList(objects);
  const mayHoldIgnoreComments =
    reuse?.spans && previous
      ? previous.mayHoldIgnoreComments || source.text.includes(IGNORE_COMMENT_MARKER)
      : text.includes(IGNORE_COMMENT_MARKER);
  const reused = reuse?.spans && { edit: reuse.edit(), replaced: reuse.replaced() };
  return {
    objects: kept,
    brokenDocuments: compactList(brokenDocuments),
    ...(reused && { reused }),
    mayHoldIgnoreComments,
    ...(reuse && { spans }),
  };
}

/** The objects of one parsed document; undefined when it is broken. */
function readDocument(
  uri: string,
  text: string,
  document: Document.Parsed,
  docIndex: number,
  asKustomization: boolean,
): KubeObject[] | undefined {
  if (document.errors.length > 0) return undefined;
  try {
    return new DocumentReader(uri, text, document, docIndex).objects(asKustomization);
  } catch {
    // A document shaped in a way the reader did not foresee is skipped, never fatal.
    return undefined;
  }
}

/**
 * One document: through the fast reader when it can, else through `yaml` on the document's
 * text alone with offsets moved to the file's; undefined if `yaml` sees other than one document.
 */
function parseSpan(text: string, span: DocumentSpan): Document.Parsed | undefined {
  const simple = parseSimpleDocument(text, span.contentStart, span.end);
  if (simple) return { contents: simple.contents, errors: [] } as unknown as Document.Parsed;
  if (nestsTooDeep(text, span.start, span.end)) return TOO_DEEP;
  let documents: Document.Parsed[];
  try {
    const tokens = [...new Parser().parse(text.slice(span.start, span.end))];
    moveTokens(tokens, span.start);
    documents = [...new Composer(PARSE_OPTIONS).compose(tokens)] as unknown as Document.Parsed[];
  } catch {
    return undefined;
  }
  return documents.length === 1 ? documents[0] : undefined;
}

const PARSE_OPTIONS = { uniqueKeys: false, prettyErrors: false } as const;

/** A document nested too deeply to give to `yaml` (see `MAX_NESTING_DEPTH`): read as broken. */
const TOO_DEEP = { contents: null, errors: [{ message: 'nested too deeply' }] } as unknown as Document.Parsed;

/**
 * The whole file through `yaml`, document by document, with no pre-scan and no fast reader:
 * used when the file cannot be split safely, and by tests as the reference.
 */
export function parseWholeFile(uri: string, text: string): ParsedFile {
  const mayHoldIgnoreComments = text.includes(IGNORE_COMMENT_MARKER);
  const wholeFileBroken = { objects: [], brokenDocuments: [{ start: 0, end: text.length }], mayHoldIgnoreComments };
  if (nestsTooDeep(text)) return wholeFileBroken;
  let documents: Document.Parsed[];
  try {
    documents = parseAllDocuments(text, PARSE_OPTIONS) as Document.Parsed[];
  } catch {
    return wholeFileBroken;
  }
  const objects: KubeObject[] = [];
  const brokenDocuments: SourceRange[] = [];
  const kustomizationFile = isKustomizationFileName(uri);
  documents.forEach((document, docIndex) => {
    const read = readDocument(uri, text, document, docIndex, kustomizationFile && docIndex === 0);
    if (read) objects.push(...read);
    else brokenDocuments.push({ start: document.range[0], end: document.range[2] });
  });
  return { objects: compactList(objects), brokenDocuments: compactList(brokenDocuments), mayHoldIgnoreComments };
}

/** Adds `delta` to every offset of a CST, so that nodes composed from it carry file offsets. */
function moveTokens(tokens: unknown, delta: number): void {
  if (Array.isArray(tokens)) {
    for (const token of tokens) moveTokens(token, delta);
  } else if (typeof tokens === 'object' && tokens !== null) {
    const record = tokens as Record<string, unknown>;
    if (typeof record.offset === 'number') record.offset += delta;
    for (const key in record) {
      const value = record[key];
      if (typeof value === 'object' && value !== null) moveTokens(value, delta);
    }
  }
}

/** Whether kustomize would read this file as a kustomization (its `kind` is optional there). */
export function isKustomizationFileName(uri: string): boolean {
  const base = uri.slice(uri.lastIndexOf('/') + 1);
  return base === 'kustomization.yaml' || base === 'kustomization.yml' || base === 'Kustomization';
}

/** Walks one parsed document; every accessor tolerates any shape. */
class DocumentReader {
  private readonly documentRange: SourceRange;

  constructor(
    private readonly uri: string,
    /** The text the document's offsets point into. */
    private readonly text: string,
    private readonly document: Document.Parsed,
    private readonly docIndex: number,
  ) {
    const contents = document.contents;
    this.documentRange = contents?.range ? { start: contents.range[0], end: contents.range[1] } : { start: 0, end: 0 };
  }

  objects(isKustomizationFile: boolean): KubeObject[] {
    const root = this.document.contents;
    if (!isMap(root)) return [];
    if (isKustomizationFile) return [this.kustomization(root)];
    const kind = this.string(root, 'kind')?.value;
    if (kind === 'List' || (kind?.endsWith('List') && isSeq(this.get(root, 'items')))) {
      const items = this.get(root, 'items');
      if (!isSeq(items)) return [];
      const objects: KubeObject[] = [];
      items.items.forEach((item, itemIndex) => {
        const object = isMap(item) ? this.object(item, itemIndex) : undefined;
        if (object) objects.push(object);
      });
      return objects;
    }
    const object = this.object(root);
    return object ? [object] : [];
  }

  private object(map: YAMLMap, itemIndex?: number): KubeObject | undefined {
    const kind = this.string(map, 'kind')?.value;
    const apiVersion = this.string(map, 'apiVersion')?.value;
    if (kind === undefined || apiVersion === undefined) return undefined;
    if (kind === 'Kustomization') return this.kustomization(map);
    // A kustomize patch (`$patch: delete`, `replace`) changes an object defined elsewhere; it is not one.
    if (this.pair(map, '$patch')) return undefined;
    const base = this.base(map, apiVersion, itemIndex);
    switch (kind) {
      case 'Service':
        return this.service(map, base);
      case 'Endpoints':
        return this.endpoints(map, base);
      case 'EndpointSlice':
        return this.endpointSlice(map, base);
      case 'Ingress':
        return this.ingress(map, base);
      case 'ReferenceGrant':
        return isGatewayApi(apiVersion) ? this.referenceGrant(map, base) : undefined;
      case 'ServiceMonitor':
        return isPrometheusOperator(apiVersion) ? this.serviceMonitor(map, base) : undefined;
      default:
        // Other groups may have kinds of these names; only prometheus-operator's run pods.
        if (isOperatorWorkloadKind(kind) && !isPrometheusOperator(apiVersion)) return undefined;
        if ((WORKLOAD_KINDS as readonly string[]).includes(kind)) return this.workload(map, base, kind as WorkloadKind);
        // Other groups may have kinds of these names; only the Gateway API's are routes.
        if (isGatewayRouteKind(kind) && isGatewayApi(apiVersion)) return this.route(map, base, kind);
        if (isTraefikKind(kind) && isTraefik(apiVersion)) return this.traefikRouter(map, base, kind);
        return undefined;
    }
  }

  /**
   * The fields every kind shares. Each kind's literal spreads them last: V8 gave an object
   * literal that opens with a spread and adds properties a hidden class of its own per object
   * (2,950 for 2,959 Services): every read of a field in a rule missed V8's inline caches,
   * and the command line checked the 50k benchmark workspace in 5.4–6.0 s instead of 3.9–4.2 s.
   */
  private base(map: YAMLMap, apiVersion: string, itemIndex?: number): ObjectBase {
    const metadata = this.map(map, 'metadata');
    const annotations = metadata && this.map(metadata, 'annotations');
    const nonStrings: NonStringEntry[] = [];
    return {
      uri: this.uri,
      docIndex: this.docIndex,
      itemIndex,
      apiVersion,
      kindRange: this.string(map, 'kind')?.range,
      range: rangeOf(map),
      // A copy for each item of a List: the model is a tree, so that an edit can move it in place.
      documentRange: { ...this.documentRange },
      name: metadata && this.string(metadata, 'name'),
      namespace: metadata && this.string(metadata, 'namespace'),
      metadataRange: metadata && rangeOf(metadata),
      labels: this.stringMap(metadata && this.map(metadata, 'labels'), { map: 'metadata.labels', into: nonStrings }),
      annotations: this.stringMap(annotations, { map: 'metadata.annotations', into: nonStrings }),
      annotationsRange: annotations && rangeOf(annotations),
      namespaceKeyWritten: metadata !== undefined && this.has(metadata, 'namespace'),
      annotationsKeyWritten: metadata !== undefined && this.has(metadata, 'annotations'),
      ignoreAnnotationKeyWritten: annotations !== undefined && this.has(annotations, IGNORE_ANNOTATION),
      nonStringEntries: nonStrings.length > 0 ? nonStrings : undefined,
    };
  }

  private service(map: YAMLMap, base: ObjectBase): Service {
    const spec = this.map(map, 'spec');
    const selector = spec && this.map(spec, 'selector');
    const endpointsPair = spec && this.pair(spec, 'endpoints');
    const affinityConfig = spec && this.map(spec, 'sessionAffinityConfig');
    const clientIpAffinity = affinityConfig && this.map(affinityConfig, 'clientIP');
    const selectorNonStrings: NonStringEntry[] = [];
    const selectorLabels = selector && this.stringMap(selector, { map: 'spec.selector', into: selectorNonStrings });
    // Before the spread below, which gives every Service the same fields in the same order.
    if (selectorNonStrings.length > 0)
      base.nonStringEntries = [...(base.nonStringEntries ?? []), ...selectorNonStrings];
    return {
      kind: 'Service',
      selector:
        selector && selector.items.length > 0 ? { range: rangeOf(selector), labels: selectorLabels! } : undefined,
      type: spec && this.string(spec, 'type'),
      externalName: spec && this.string(spec, 'externalName'),
      clusterIP: spec && this.string(spec, 'clusterIP'),
      clusterIPs: spec && this.stringList(spec, 'clusterIPs'),
      ipFamilies: spec && this.stringList(spec, 'ipFamilies'),
      ipFamilyPolicy: spec && this.string(spec, 'ipFamilyPolicy'),
      externalIPs: spec && this.stringList(spec, 'externalIPs'),
      sessionAffinity: spec && this.string(spec, 'sessionAffinity'),
      sessionAffinityTimeout: clientIpAffinity && this.integer(clientIpAffinity, 'timeoutSeconds'),
      externalTrafficPolicy: spec && this.string(spec, 'externalTrafficPolicy'),
      internalTrafficPolicy: spec && this.string(spec, 'internalTrafficPolicy'),
      healthCheckNodePort: spec && this.integer(spec, 'healthCheckNodePort'),
      trafficDistribution: spec && this.string(spec, 'trafficDistribution'),
      allocateLoadBalancerNodePorts: spec && this.boolean(spec, 'allocateLoadBalancerNodePorts'),
      loadBalancerClass: spec && this.string(spec, 'loadBalancerClass'),
      loadBalancerSourceRanges: spec && this.stringList(spec, 'loadBalancerSourceRanges'),
      specRange: spec && rangeOf(spec),
      ports: this.maps(spec, 'ports').map((port): ServicePort => ({
        range: rangeOf(port),
        name: this.string(port, 'name'),
        port: this.integer(port, 'port'),
        targetPort: this.integer(port, 'targetPort') ?? this.string(port, 'targetPort'),
        protocol: this.string(port, 'protocol'),
        nodePort: this.integer(port, 'nodePort'),
        appProtocol: this.string(port, 'appProtocol'),
        portKeyWritten: this.has(port, 'port'),
      })),
      specEndpointsKey: endpointsPair && isScalar(endpointsPair.key) ? rangeOf(endpointsPair.key) : undefined,
      ...base,
    };
  }

  private endpoints(map: YAMLMap, base: ObjectBase): Endpoints {
    return {
      kind: 'Endpoints',
      subsets: this.maps(map, 'subsets').map((subset): EndpointSubset => ({
        range: rangeOf(subset),
        // `concat` makes an array of the exact length (a spread would leave room to grow).
        addresses: this.maps(subset, 'addresses')
          .map((address, i) => this.address(address, true, i))
          .concat(this.maps(subset, 'notReadyAddresses').map((address, i) => this.address(address, false, i))),
        ports: this.maps(subset, 'ports').map((port) => this.endpointPort(port)),
      })),
      ...base,
    };
  }

  private address(map: YAMLMap, ready: boolean, indexInList: number): EndpointAddress {
    return {
      range: rangeOf(map),
      ip: this.string(map, 'ip'),
      hostname: this.string(map, 'hostname'),
      nodeName: this.string(map, 'nodeName'),
      targetRef: this.scalarFields(this.map(map, 'targetRef')),
      ready,
      indexInList,
    };
  }

  private endpointPort(map: YAMLMap): EndpointPort {
    return {
      range: rangeOf(map),
      name: this.string(map, 'name'),
      port: this.integer(map, 'port'),
      protocol: this.string(map, 'protocol'),
      appProtocol: this.string(map, 'appProtocol'),
      portKeyWritten: this.has(map, 'port'),
      nameKeyWritten: this.has(map, 'name'),
    };
  }

  private endpointSlice(map: YAMLMap, base: ObjectBase): EndpointSlice {
    // v1 renamed v1beta1's `topology` to `deprecatedTopology`.
    const topologyField = base.apiVersion.endsWith('/v1beta1') ? 'topology' : 'deprecatedTopology';
    return {
      kind: 'EndpointSlice',
      addressType: this.string(map, 'addressType'),
      // A copy of the label's: the model is a tree (see `moveRanges` in documents.ts).
      serviceName: base.labels[SERVICE_NAME_LABEL]?.copy(),
      endpoints: this.maps(map, 'endpoints').map((endpoint): SliceEndpoint => {
        const conditions = this.map(endpoint, 'conditions');
        const hints = this.map(endpoint, 'hints');
        const topologyPair = this.pair(endpoint, topologyField);
        const topology = this.map(endpoint, topologyField);
        return {
          range: rangeOf(endpoint),
          addresses: this.strings(endpoint, 'addresses'),
          ready: conditions && this.boolean(conditions, 'ready'),
          hostname: this.string(endpoint, 'hostname'),
          nodeName: this.string(endpoint, 'nodeName'),
          zone: this.string(endpoint, 'zone'),
          hints: hints && {
            forZones: this.namesList(hints, 'forZones'),
          },
          topology:
            topology && topologyPair && isScalar(topologyPair.key)
              ? { field: topologyField, keyRange: rangeOf(topologyPair.key), labels: this.stringMap(topology) }
              : undefined,
        };
      }),
      ports: this.maps(map, 'ports').map((port) => this.endpointPort(port)),
      ...base,
    };
  }

  private workload(map: YAMLMap, base: ObjectBase, kind: WorkloadKind): Workload {
    const paths = WORKLOAD_PATHS[kind];
    const podMetadata = this.mapAt(map, paths.podMetadata);
    const podSpec = this.mapAt(map, paths.podSpec);
    const containers = [...this.maps(podSpec, 'initContainers'), ...this.maps(podSpec, 'containers')];
    const spec = this.map(map, 'spec');
    const controllerSpec = paths.spec && this.mapAt(map, paths.spec);
    const podLabelsMap = podMetadata && this.map(podMetadata, 'labels');
    // A Pod's own labels and annotations are its pods': `base` has read them.
    const ownPods = kind === 'Pod';
    const nonStrings: NonStringEntry[] = [];
    const stringsOf = (strings: YAMLMap | undefined, path: string) =>
      strings && this.stringMap(strings, { map: path, into: nonStrings });
    const podLabels = ownPods ? this.stringMap(podLabelsMap) : (stringsOf(podLabelsMap, paths.podLabels) ?? {});
    const podAnnotations = ownPods
      ? undefined
      : stringsOf(podMetadata && this.map(podMetadata, 'annotations'), paths.podAnnotations);
    const selector = this.selector(controllerSpec, paths.labelSelector, (labels) =>
      stringsOf(labels, paths.selectorLabels!),
    );
    const ordinals = kind === 'StatefulSet' && spec ? this.map(spec, 'ordinals') : undefined;
    // Before the spread below, which gives every workload the same fields in the same order.
    if (nonStrings.length > 0) base.nonStringEntries = [...(base.nonStringEntries ?? []), ...nonStrings];
    return {
      kind,
      podLabels,
      podLabelsRange: podLabelsMap && rangeOf(podLabelsMap),
      podLabelsUnread: this.unread(podMetadata, 'labels', podLabelsMap, podLabels),
      podAnnotations,
      specRange: controllerSpec && rangeOf(controllerSpec),
      selector,
      selectorKeyWritten: controllerSpec !== undefined && this.has(controllerSpec, 'selector'),
      containerPorts: compact([
        ...containers.flatMap((container) =>
          this.maps(container, 'ports').map((port): ContainerPort => ({
            range: rangeOf(port),
            name: this.string(port, 'name'),
            containerPort: this.integer(port, 'containerPort'),
            protocol: this.string(port, 'protocol'),
          })),
        ),
        ...(isOperatorWorkloadKind(kind) ? this.operatorPorts(kind, spec, base.kindRange ?? base.range) : []),
      ]),
      replicas: spec && this.integer(spec, 'replicas'),
      serviceName: kind === 'StatefulSet' && spec ? this.string(spec, 'serviceName') : undefined,
      ordinalsStart: ordinals && this.integer(ordinals, 'start'),
      shards: kind === 'Prometheus' && spec ? this.integer(spec, 'shards') : undefined,
      manualSelector:
        kind === 'Job' && spec
          ? this.scalar(spec, 'manualSelector', (value): value is unknown => value !== undefined)
          : undefined,
      ...base,
    };
  }

  /**
   * The container ports prometheus-operator gives the pods of a Prometheus or an Alertmanager
   * (pkg/prometheus/server/statefulset.go, pkg/alertmanager/statefulset.go, and the config
   * reloader's in pkg/operator/config_reloader.go): the server's `spec.portName` ("web"; 9090,
   * 9093) and the config reloader's `reloader-web` 8080 unless `listenLocal`, Alertmanager's
   * cluster ports `mesh-tcp` and `mesh-udp` 9094, and the Thanos sidecar's `http` 10902 and `grpc`
   * 10901 when `spec.thanos` is written. They sit on `portName` when it is written, else on `at`.
   */
  private operatorPorts(kind: OperatorWorkloadKind, spec: YAMLMap | undefined, at: SourceRange): ContainerPort[] {
    const portName = spec && this.string(spec, 'portName');
    // Listening on localhost only, neither the server nor the reloader declares a port.
    const listensLocally = spec !== undefined && this.boolean(spec, 'listenLocal')?.value === true;
    const ports: [name: string, number: number, protocol?: string][] = listensLocally
      ? []
      : [
          [portName?.value || 'web', kind === 'Prometheus' ? 9090 : 9093],
          ['reloader-web', 8080],
        ];
    if (kind === 'Alertmanager') ports.push(['mesh-tcp', 9094, 'TCP'], ['mesh-udp', 9094, 'UDP']);
    if (kind === 'Prometheus' && spec && this.has(spec, 'thanos')) ports.push(['http', 10902], ['grpc', 10901]);
    const range = portName?.range ?? at;
    return ports.map(([name, number, protocol]) => ({
      range: { ...range },
      name: Located.at(name, range),
      containerPort: Located.at(number, range),
      protocol: protocol === undefined ? undefined : Located.at(protocol, range),
    }));
  }

  private ingress(map: YAMLMap, base: ObjectBase): Ingress {
    const spec = this.map(map, 'spec');
    const backends: [YAMLMap | undefined, string][] = [
      [spec && this.map(spec, 'defaultBackend'), 'spec.defaultBackend'],
      [spec && this.map(spec, 'backend'), 'spec.backend'],
    ];
    for (const [rule, i] of this.indexedMaps(spec, 'rules')) {
      for (const [path, j] of this.indexedMaps(this.map(rule, 'http'), 'paths'))
        backends.push([this.map(path, 'backend'), `spec.rules[${i}].http.paths[${j}].backend`]);
    }
    return {
      kind: 'Ingress',
      backends: compact(
        backends
          .flatMap(([backend, path]): ServiceBackendRef[] => {
            if (!backend) return [];
            const service = this.map(backend, 'service');
            if (service) {
              const serviceName = this.string(service, 'name');
              if (!serviceName) return [];
              // Both a number and a name are refused: neither is the port then.
              const port = this.map(service, 'port');
              const number = port && this.integer(port, 'number');
              const name = port && this.string(port, 'name');
              // As the API server counts them: a zero number or an empty name is none (validateIngressBackend).
              const numberSet = port !== undefined && this.has(port, 'number') && number?.value !== 0;
              const nameSet = port !== undefined && this.has(port, 'name') && name?.value !== '';
              const portKeyCount = Number(numberSet) + Number(nameSet);
              const portKey = this.pair(service, 'port')?.key as Node | undefined;
              return [
                {
                  serviceName,
                  port: number && name ? undefined : (number ?? name),
                  range: rangeOf(service),
                  path,
                  portKeyCount,
                  portKeyRange: portKey ? rangeOf(portKey) : undefined,
                  mirror: false,
                },
              ];
            }
            const serviceName = this.string(backend, 'serviceName');
            if (!serviceName) return [];
            const port = this.integer(backend, 'servicePort') ?? this.string(backend, 'servicePort');
            const portKey = this.pair(backend, 'servicePort')?.key as Node | undefined;
            return [
              {
                serviceName,
                port,
                range: rangeOf(backend),
                path,
                portKeyCount: portKey ? 1 : 0,
                portKeyRange: portKey && rangeOf(portKey),
                mirror: false,
              },
            ];
          })
          .sort((a, b) => a.serviceName.range.start - b.serviceName.range.start),
      ),
      ...base,
    };
  }

  private route(map: YAMLMap, base: ObjectBase, kind: RouteKind): Route {
    const spec = this.map(map, 'spec');
    const backends: ServiceBackendRef[] = [];
    const add = (reference: YAMLMap, path: string, mirror: boolean) => {
      const serviceName = this.string(reference, 'name');
      const group = this.string(reference, 'group')?.value;
      if (!serviceName || !refersToService(group, this.string(reference, 'kind')?.value)) return;
      backends.push(this.namedReference(reference, serviceName, this.integer(reference, 'port'), path, mirror));
    };
    // The backendRef of a requestMirror filter, of a rule or of one of its backendRefs (HTTPRoute, GRPCRoute).
    const addMirrors = (holder: YAMLMap, path: string) => {
      for (const [filter, k] of this.indexedMaps(holder, 'filters')) {
        const mirror = this.map(filter, 'requestMirror');
        const reference = mirror && this.map(mirror, 'backendRef');
        if (reference) add(reference, `${path}.filters[${k}].requestMirror.backendRef`, true);
      }
    };
    for (const [rule, i] of this.indexedMaps(spec, 'rules')) {
      addMirrors(rule, `spec.rules[${i}]`);
      for (const [reference, j] of this.indexedMaps(rule, 'backendRefs')) {
        add(reference, `spec.rules[${i}].backendRefs[${j}]`, false);
        addMirrors(reference, `spec.rules[${i}].backendRefs[${j}]`);
      }
    }
    // In the order they are written: a rule's filters may come before or after its backendRefs.
    return { kind, backends: compact(backends.sort((a, b) => a.range.start - b.range.start)), ...base };
  }

  /**
   * The services of a Traefik route or TraefikService that name a Kubernetes Service (each a
   * LoadBalancerSpec, or the ServiceTCP and ServiceUDP of IngressRouteTCP and IngressRouteUDP): a
   * Kubernetes Service unless `kind` says otherwise (TraefikService) or the name carries a
   * provider (`name@file`), in `namespace` or the object's, `port` its number or name. A route's
   * are `spec.routes[].services[]`; a TraefikService's its weighted and highest-random-weight
   * services, its mirroring's service and mirrors, its failover's service and fallback; a
   * Middleware's the service of its `errors` middleware, which serves the error pages.
   */
  private traefikRouter(map: YAMLMap, base: ObjectBase, kind: TraefikKind): TraefikRouter {
    const spec = this.map(map, 'spec');
    const backends: ServiceBackendRef[] = [];
    const add = (service: YAMLMap | undefined, path: string, mirror = false) => {
      const serviceName = service && this.string(service, 'name');
      if (!service || !serviceName || serviceName.value.includes('@')) return;
      if (!isTraefikServiceOfKubernetes(this.string(service, 'kind')?.value)) return;
      const port = this.integer(service, 'port') ?? this.string(service, 'port');
      const reference = this.namedReference(service, serviceName, port, path, mirror);
      // Traefik counts a zero or an empty port as none ("ingressRoute service port not defined").
      if (port?.value === 0 || port?.value === '') reference.portKeyCount = 0;
      backends.push(reference);
    };
    if (kind === 'Middleware') {
      const errors = spec && this.map(spec, 'errors');
      add(errors && this.map(errors, 'service'), 'spec.errors.service');
      return { kind, backends: compact(backends), ...base };
    }
    if (kind !== 'TraefikService') {
      for (const [route, i] of this.indexedMaps(spec, 'routes'))
        for (const [service, j] of this.indexedMaps(route, 'services'))
          add(service, `spec.routes[${i}].services[${j}]`);
      return { kind, backends: compact(backends), ...base };
    }
    for (const balancer of ['weighted', 'highestRandomWeight'])
      for (const [service, j] of this.indexedMaps(spec && this.map(spec, balancer), 'services'))
        add(service, `spec.${balancer}.services[${j}]`);
    const mirroring = spec && this.map(spec, 'mirroring');
    add(mirroring, 'spec.mirroring');
    for (const [mirror, j] of this.indexedMaps(mirroring, 'mirrors')) add(mirror, `spec.mirroring.mirrors[${j}]`, true);
    const failover = spec && this.map(spec, 'failover');
    for (const role of ['service', 'fallback']) add(failover && this.map(failover, role), `spec.failover.${role}`);
    return { kind, backends: compact(backends.sort((a, b) => a.range.start - b.range.start)), ...base };
  }

  /**
   * A backend that names its Service in a mapping of its own, as a route's backendRef and a Traefik
   * service do: `name`, `namespace` and `port` side by side.
   */
  private namedReference(
    reference: YAMLMap,
    serviceName: Located<string>,
    port: Located<number | string> | undefined,
    path: string,
    mirror: boolean,
  ): ServiceBackendRef {
    const portKey = this.pair(reference, 'port')?.key as Node | undefined;
    return {
      serviceName,
      namespace: this.string(reference, 'namespace'),
      port,
      range: rangeOf(reference),
      path,
      portKeyCount: portKey ? 1 : 0,
      portKeyRange: portKey && rangeOf(portKey),
      mirror,
    };
  }

  private referenceGrant(map: YAMLMap, base: ObjectBase): ReferenceGrant {
    const spec = this.map(map, 'spec');
    // An entry without its required fields grants nothing: the API server refuses it.
    const field = (entry: YAMLMap, key: string) => this.string(entry, key)?.value;
    return {
      kind: 'ReferenceGrant',
      from: this.maps(spec, 'from').flatMap((entry) => {
        const [group, kind, namespace] = [field(entry, 'group'), field(entry, 'kind'), field(entry, 'namespace')];
        return group !== undefined && kind !== undefined && namespace !== undefined ? [{ group, kind, namespace }] : [];
      }),
      to: this.maps(spec, 'to').flatMap((entry) => {
        const [group, kind, name] = [field(entry, 'group'), field(entry, 'kind'), field(entry, 'name')];
        return group !== undefined && kind !== undefined ? [{ group, kind, ...(name !== undefined && { name }) }] : [];
      }),
      ...base,
    };
  }

  private serviceMonitor(map: YAMLMap, base: ObjectBase): ServiceMonitor {
    const spec = this.map(map, 'spec');
    const namespaceSelector = spec && this.get(spec, 'namespaceSelector');
    const namespaceMap = spec && this.map(spec, 'namespaceSelector');
    return {
      kind: 'ServiceMonitor',
      selector: this.selector(spec, true, (labels) => labels && this.stringMap(labels)),
      namespaceSelector:
        namespaceSelector && !namespaceMap
          ? undefined
          : {
              any: (namespaceMap && this.boolean(namespaceMap, 'any')?.value) === true,
              matchNames: namespaceMap ? this.strings(namespaceMap, 'matchNames') : [],
            },
      endpointPorts: compact(this.maps(spec, 'endpoints').flatMap((endpoint) => this.string(endpoint, 'port') ?? [])),
      ...base,
    };
  }

  private kustomization(map: YAMLMap): Kustomization {
    return {
      kind: 'Kustomization',
      targetNamespace: this.string(map, 'namespace'),
      resources: this.strings(map, 'resources').concat(this.strings(map, 'bases')),
      ...this.base(map, this.string(map, 'apiVersion')?.value ?? ''),
    };
  }

  // Shape-tolerant accessors: each returns undefined (or empty) for anything unexpected.

  private pair(map: YAMLMap, key: string): Pair | undefined {
    for (const item of map.items) {
      const itemKey = this.resolve(item.key as Node | null);
      if (isScalar(itemKey) && itemKey.value === key) return item as Pair;
    }
    return undefined;
  }

  /** Whether `map` has the key `key`, whatever its value. */
  private has(map: YAMLMap, key: string): boolean {
    return this.pair(map, key) !== undefined;
  }

  private get(map: YAMLMap, key: string): Node | undefined {
    return this.resolve(this.pair(map, key)?.value as Node | null);
  }

  private map(map: YAMLMap, key: string): YAMLMap | undefined {
    const value = this.get(map, key);
    return isMap(value) ? value : undefined;
  }

  /**
   * Whether `holder`'s `key` is written but not all read into `read` from `written`, the mapping it
   * holds: an entry whose value is no scalar (a template's `{name}` is a mapping to YAML), or a
   * value that is no mapping.
   */
  private unread(
    holder: YAMLMap | undefined,
    key: string,
    written: YAMLMap | undefined,
    read: Record<string, unknown>,
  ): boolean {
    if (!holder || !this.has(holder, key)) return false;
    return !written || Object.keys(read).length < written.items.length;
  }

  /** A scalar's text as written. */
  private writtenText(scalar: Scalar): string {
    const range = rangeOf(scalar);
    return this.text.slice(range.start, range.end);
  }

  /**
   * The `selector` of `holder`, when a mapping: a LabelSelector (`matchLabels`, `matchExpressions`),
   * or, not `labelSelector` (a ReplicationController's), the map of labels itself. `readLabels`
   * reads the labels' map (undefined when not written).
   */
  private selector(
    holder: YAMLMap | undefined,
    labelSelector: boolean,
    readLabels: (labels: YAMLMap | undefined) => Record<string, Located<string>> | undefined,
  ): WorkloadSelector | undefined {
    const selectorPair = holder && this.pair(holder, 'selector');
    const selectorMap = holder && this.map(holder, 'selector');
    if (!selectorPair || !selectorMap) return undefined;
    const matchLabelsMap = labelSelector ? this.map(selectorMap, 'matchLabels') : selectorMap;
    const matchLabels = readLabels(matchLabelsMap) ?? {};
    return {
      keyRange: rangeOf(selectorPair.key as Node),
      valueRange: rangeOf(selectorMap),
      matchLabels,
      matchLabelsUnread: labelSelector
        ? this.unread(selectorMap, 'matchLabels', matchLabelsMap, matchLabels)
        : this.unread(holder, 'selector', selectorMap, matchLabels),
      matchExpressions: labelSelector ? this.requirements(selectorMap) : [],
    };
  }

  /** A LabelSelector's `matchExpressions`: none when absent, undefined when not a list of mappings. */
  private requirements(selector: YAMLMap): SelectorRequirement[] | undefined {
    const written = this.get(selector, 'matchExpressions');
    if (!written) return [];
    if (!isSeq(written) || (written as YAMLSeq).items.some((item) => !isMap(this.resolve(item as Node))))
      return undefined;
    const requirements: SelectorRequirement[] = [];
    for (const requirement of this.maps(selector, 'matchExpressions')) {
      const values = this.strings(requirement, 'values');
      const writtenValues = this.get(requirement, 'values');
      // Values of other kinds (`[1]`, a mapping) are dropped by `strings`: such a requirement is not read
      // (`values:` left empty is none, as Go decodes a null list).
      const readable = isSeq(writtenValues)
        ? (writtenValues as YAMLSeq).items.length === values.length
        : !writtenValues || (isScalar(writtenValues) && writtenValues.value === null);
      if (!readable) return undefined;
      requirements.push({
        range: rangeOf(requirement),
        key: this.string(requirement, 'key'),
        operator: this.string(requirement, 'operator'),
        values,
      });
    }
    return compact(requirements);
  }

  /** The mapping at `path` below `map` (`map` itself for an empty path). */
  private mapAt(map: YAMLMap, path: readonly string[]): YAMLMap | undefined {
    let found: YAMLMap | undefined = map;
    for (let i = 0; i < path.length && found; i++) found = this.map(found, path[i]);
    return found;
  }

  /** The mappings of a sequence with their indexes in it, which field paths give. */
  private indexedMaps(map: YAMLMap | undefined, key: string): [YAMLMap, number][] {
    const value = map && this.get(map, key);
    if (!isSeq(value)) return [];
    const items: [YAMLMap, number][] = [];
    (value as YAMLSeq).items.forEach((item, index) => {
      const resolved = this.resolve(item as Node);
      if (isMap(resolved)) items.push([resolved, index]);
    });
    return items;
  }

  private maps(map: YAMLMap | undefined, key: string): YAMLMap[] {
    const value = map && this.get(map, key);
    return isSeq(value) ? (value as YAMLSeq).items.map((item) => this.resolve(item as Node)).filter(isMap) : [];
  }

  private scalar<T>(map: YAMLMap, key: string, accept: (value: unknown) => value is T): Located<T> | undefined {
    const pair = this.pair(map, key);
    const value = this.resolve(pair?.value as Node | null);
    if (!pair || !isScalar(value) || !accept(value.value)) return undefined;
    // The range is that of the written node: an alias is reported where it stands.
    const written = pair.value as Scalar;
    return locatedAt(value.value, written, isScalar(pair.key) ? pair.key : undefined);
  }

  private string(map: YAMLMap, key: string): Located<string> | undefined {
    return this.scalar(map, key, (value): value is string => typeof value === 'string');
  }

  private integer(map: YAMLMap, key: string): Located<number> | undefined {
    return this.scalar(map, key, (value): value is number => typeof value === 'number' && Number.isInteger(value));
  }

  private boolean(map: YAMLMap, key: string): Located<boolean> | undefined {
    return this.scalar(map, key, (value): value is boolean => typeof value === 'boolean');
  }

  private strings(map: YAMLMap, key: string): Located<string>[] {
    const value = this.get(map, key);
    if (!isSeq(value)) return [];
    return compact(
      (value as YAMLSeq).items.flatMap((item) => {
        const node = this.resolve(item as Node);
        return isScalar(node) && typeof node.value === 'string' ? [locatedAt(node.value, item as Node)] : [];
      }),
    );
  }

  /** A sequence of strings with its ranges; undefined when the key is absent or not a sequence. */
  private stringList(map: YAMLMap, key: string): LocatedList<string> | undefined {
    const pair = this.pair(map, key);
    const value = this.get(map, key);
    if (!pair || !isSeq(value)) return undefined;
    return {
      items: this.strings(map, key),
      range: rangeOf(pair.value as Node),
      keyRange: isScalar(pair.key) ? rangeOf(pair.key) : undefined,
    };
  }

  /** The `name` of each mapping in a sequence (`forZones: [{name: a}]`), as a list; entries without one are left out. */
  private namesList(map: YAMLMap, key: string): LocatedList<string> | undefined {
    const pair = this.pair(map, key);
    const value = this.get(map, key);
    if (!pair || !isSeq(value)) return undefined;
    return {
      items: compact(this.maps(map, key).flatMap((item) => this.string(item, 'name') ?? [])),
      range: rangeOf(pair.value as Node),
      keyRange: isScalar(pair.key) ? rangeOf(pair.key) : undefined,
    };
  }

  /**
   * The entries of a map of strings (labels, annotations, a selector). Those kubectl reads as a
   * number or a boolean (`Yaml11`) are kept as written (`version: 1.10` as "1.10": what the user
   * means, and what quoting them gives), and also go `into` the list given, as entries of `map`.
   */
  private stringMap(
    map: YAMLMap | undefined,
    nonStrings?: { map: NonStringEntry['map']; into: NonStringEntry[] },
  ): Record<string, Located<string>> {
    const result: Record<string, Located<string>> = {};
    if (!map) return result;
    for (const item of map.items) {
      const key = this.resolve(item.key as Node | null);
      const value = this.resolve(item.value as Node | null);
      if (!isScalar(key) || !isScalar(value)) continue;
      const name = String(key.value);
      const read = value.value;
      // An empty value (`app:`, `~`, `null`) is the empty string: Go decodes a JSON null in a map of strings so.
      if (read !== null && typeof read !== 'string' && !isNumberOrBoolean(read)) continue;
      // As written where the value (or, through an alias, its anchor) stands, but for an empty value.
      const text = read === null ? '' : typeof read === 'string' ? read : this.writtenText(value);
      const located = locatedAt(text, item.value as Node, item.key as Node);
      // Only an untagged plain scalar is resolved by its spelling (most values are no candidate at all).
      const readAs = read === null ? undefined : Yaml11.typeOf(text);
      if (readAs && !value.tag && !PLAIN_SCALAR_NEVER_STARTS.includes(this.text[rangeOf(value).start])) {
        const written = locatedAt(text, item.value as Node);
        nonStrings?.into.push({
          map: nonStrings.map,
          key: name,
          value: written,
          readAs,
          readSoByYaml12: typeof read !== 'string',
        });
      }
      // Assigning a `__proto__` key would set the map's prototype instead (defining every key is slower).
      if (name === '__proto__')
        Object.defineProperty(result, name, { value: located, enumerable: true, writable: true });
      else result[name] = located;
    }
    return result;
  }

  private scalarFields(map: YAMLMap | undefined): ScalarFields | undefined {
    if (!map) return undefined;
    const fields: ScalarFields['fields'] = [];
    for (const item of map.items) {
      const key = this.resolve(item.key as Node | null);
      const value = this.resolve(item.value as Node | null);
      if (isScalar(key) && isScalar(value) && value.value !== null) {
        fields.push({ key: String(key.value), value: locatedAt(value.value, item.value as Node) });
      }
    }
    return { range: rangeOf(map), fields: compact(fields) };
  }

  /** Follows an alias to its anchor, once; anything else is returned as it is. */
  private resolve(node: Node | null | undefined): Node | undefined {
    if (!node) return undefined;
    if (!isAlias(node)) return node;
    const target = node.resolve(this.document);
    return isAlias(target) ? undefined : (target ?? undefined);
  }
}

/** Whether an apiVersion is one of the Gateway API's. */
function isGatewayApi(apiVersion: string): boolean {
  return apiVersion.startsWith(`${GATEWAY_API_GROUP}/`);
}

function isTraefik(apiVersion: string): boolean {
  return TRAEFIK_GROUPS.some((group) => apiVersion.startsWith(`${group}/`));
}

function isPrometheusOperator(apiVersion: string): boolean {
  return apiVersion.startsWith(`${PROMETHEUS_OPERATOR_GROUP}/`);
}

function rangeOf(node: Node): SourceRange {
  const range = node.range;
  return range ? { start: range[0], end: range[1] } : { start: 0, end: 0 };
}

/** The characters that open a quoted or block scalar. */
const PLAIN_SCALAR_NEVER_STARTS = ['"', "'", '|', '>'];

/** Whether a scalar's value is one YAML reads as a number or a boolean, where a string is due. */
function isNumberOrBoolean(value: unknown): value is number | boolean {
  return typeof value === 'number' || typeof value === 'boolean';
}

/** `value` where `node` is written, held by the mapping key `key` if given. */
function locatedAt<T>(value: T, node: Node, key?: Node): Located<T> {
  const range = node.range;
  const keyRange = key?.range;
  const start = range ? range[0] : 0;
  const end = range ? range[1] : 0;
  return keyRange ? new Located(value, start, end, keyRange[0], keyRange[1]) : new Located(value, start, end);
}
