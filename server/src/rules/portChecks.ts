import {
  FieldError,
  inclusiveRangeError,
  isDns1123Label,
  isQualifiedName,
  isValidPortNum,
  SUPPORTED_PORT_PROTOCOLS,
} from '../model/k8sValidation';
import type { EndpointPort, Located, ServicePort, SourceRange } from '../model/types';

/**
 * The checks every kind of port shares (validateServicePort, validateEndpointPort and
 * the EndpointSlice validatePorts of kubernetes/kubernetes): a DNS-1123 label `name`, a
 * supported `protocol` and a qualified-name `appProtocol`. Each returns the findings'
 * anchors and messages for the port at `path`.
 */
export type PortProblem = { range: SourceRange; message: string };

/** The name, when written and not empty, must be a DNS-1123 label. */
export function portNameProblems(path: string, name: Located<string> | undefined): PortProblem[] {
  if (!name || name.value === '') return [];
  return isDns1123Label(name.value).map((problem) => ({
    range: name.range,
    message: FieldError.invalid(`${path}.name`, name.value, problem),
  }));
}

/** A written protocol must be TCP, UDP or SCTP, in upper case; `allowEmpty` when the API server defaults "" to TCP. */
export function protocolProblems(
  path: string,
  protocol: Located<string> | undefined,
  allowEmpty: boolean,
): PortProblem[] {
  if (!protocol || SUPPORTED_PORT_PROTOCOLS.includes(protocol.value) || (allowEmpty && protocol.value === ''))
    return [];
  const upper = protocol.value.toUpperCase();
  const advice = SUPPORTED_PORT_PROTOCOLS.includes(upper) ? `. Protocols are upper case: write ${upper}.` : '';
  return [
    {
      range: protocol.range,
      message: FieldError.notSupported(`${path}.protocol`, protocol.value, SUPPORTED_PORT_PROTOCOLS) + advice,
    },
  ];
}

/** An `appProtocol` must be a qualified name (`http`, `kubernetes.io/h2c`). */
export function appProtocolProblems(path: string, port: ServicePort | EndpointPort): PortProblem[] {
  const appProtocol = port.appProtocol;
  if (!appProtocol) return [];
  return isQualifiedName(appProtocol.value).map((problem) => ({
    range: appProtocol.range,
    message: FieldError.invalid(`${path}.appProtocol`, appProtocol.value, problem),
  }));
}

/**
 * The port number must be 1 to 65535; a missing one reads as 0 and fails the same way.
 * A `port` of another type (`"80"`) is left alone: the API server cannot even decode it.
 */
export function portNumberProblems(path: string, port: ServicePort | EndpointPort): PortProblem[] {
  if (port.port) {
    return isValidPortNum(port.port.value).map((problem) => ({
      range: port.port!.range,
      message: FieldError.invalid(`${path}.port`, port.port!.value, problem),
    }));
  }
  if (port.portKeyWritten) return [];
  return [
    {
      range: (port.name ?? port).range,
      message: `${FieldError.invalid(`${path}.port`, 0, inclusiveRangeError(1, 65535))}. The port number is required.`,
    },
  ];
}
