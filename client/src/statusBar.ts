import { type Disposable, type Event, MarkdownString, StatusBarAlignment, window } from 'vscode';
import { type LanguageClient, State } from 'vscode-languageclient/node';
import type { StatusParams } from '../../server/src/features/protocol';

/**
 * One status bar item: the indexing progress, then the Services found and the problems;
 * a click opens the Problems panel. Says so when the language server has stopped.
 */
export function createStatusBar(client: LanguageClient, statuses: Event<StatusParams>): Disposable {
  const item = window.createStatusBarItem('kubeEndpoints.status', StatusBarAlignment.Left, 0);
  item.name = 'Kube Endpoints';
  item.text = '$(sync~spin) Kube Endpoints: starting…';
  item.command = 'workbench.actions.view.problems';
  item.show();
  const listeners = [
    statuses((status) => {
      item.text = textOf(status);
      item.tooltip = tooltipOf(status);
    }),
    client.onDidChangeState(({ newState }) => {
      if (newState !== State.Stopped) return;
      item.text = '$(error) Kube Endpoints: stopped';
      item.tooltip = 'The Kube Endpoints language server stopped: see its output (View › Output › Kube Endpoints).';
    }),
  ];
  return { dispose: () => [...listeners, item].forEach((disposable) => disposable.dispose()) };
}

/** `$(sync~spin) Kube Endpoints: indexing 120 files…`, `$(check) 14 Services`, `$(warning) 14 Services · 2 warnings`. */
function textOf(status: StatusParams): string {
  if (status.state === 'indexing') return `$(sync~spin) Kube Endpoints: indexing ${plural(status.files, 'file')}…`;
  if (status.state === 'disabled') return '$(circle-slash) Kube Endpoints: off';
  const { error, warning } = status.problems;
  const icon = error > 0 ? '$(error)' : warning > 0 ? '$(warning)' : '$(check)';
  const problems = [error > 0 ? plural(error, 'error') : '', warning > 0 ? plural(warning, 'warning') : ''];
  return [`${icon} ${plural(status.services, 'Service')}`, problems.filter(Boolean).join(', ')]
    .filter(Boolean)
    .join(' · ');
}

const STATE_WORDS: Record<StatusParams['state'], string> = {
  indexing: 'indexing the workspace',
  ready: 'ready',
  disabled: 'off (`kubeEndpoints.enable` is false)',
};

function tooltipOf(status: StatusParams): MarkdownString {
  const { error, warning, information } = status.problems;
  const tooltip = new MarkdownString(
    [
      `**Kube Endpoints** — ${STATE_WORDS[status.state]}`,
      `${plural(status.files, 'YAML file')} · ${plural(status.services, 'Service')} · ` +
        `${plural(status.backends, 'Endpoints/EndpointSlice', 'Endpoints/EndpointSlices')} · ${plural(status.workloads, 'workload')}`,
      `${plural(error, 'error')} · ${plural(warning, 'warning')} · ${information} information`,
      'Click for the Problems panel · [Show Service Graph](command:kubeEndpoints.showServiceGraph)',
    ].join('\n\n'),
  );
  tooltip.isTrusted = { enabledCommands: ['kubeEndpoints.showServiceGraph'] };
  return tooltip;
}

function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}
