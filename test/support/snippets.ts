/**
 * A small reader of VS Code snippet syntax, the subset snippets/ and snippet edits
 * use: tab stops `$1` and `${1}`, placeholders `${1:text}` (nested ones too), choices
 * `${1|a,b|}`, and the escapes `\$`, `\}` and `\\`. Variables are refused, since a
 * test cannot know what the editor would put there.
 */

type SnippetNode = { text: string } | { stop: number; placeholder?: SnippetNode[]; choices?: string[] };

/** A tab stop as the user meets it: its number, its default text and its choices. */
export type TabStop = { stop: number; defaultText: string; choices?: string[]; occurrences: number };

/** The text a snippet inserts when the user types `values[n]` at tab stop n and keeps every other default. */
export function expandSnippet(body: string, values: Readonly<Record<number, string>> = {}): string {
  const nodes = parseSnippet(body);
  const defaults = defaultsOf(nodes);
  const render = (list: SnippetNode[]): string =>
    list
      .map((node) => {
        if ('text' in node) return node.text;
        if (node.stop === 0) return '';
        return values[node.stop] ?? defaults.get(node.stop) ?? '';
      })
      .join('');
  return render(nodes);
}

/** Every tab stop of a snippet, in order of number; `$0` (the final cursor) left out. */
export function tabStopsOf(body: string): TabStop[] {
  const nodes = parseSnippet(body);
  const defaults = defaultsOf(nodes);
  const stops = new Map<number, TabStop>();
  const visit = (list: SnippetNode[]) => {
    for (const node of list) {
      if ('text' in node || node.stop === 0) continue;
      const stop = stops.get(node.stop) ?? {
        stop: node.stop,
        defaultText: defaults.get(node.stop) ?? '',
        occurrences: 0,
      };
      stop.occurrences++;
      if (node.choices && !stop.choices) stop.choices = node.choices;
      stops.set(node.stop, stop);
      if (node.placeholder) visit(node.placeholder);
    }
  };
  visit(nodes);
  return [...stops.values()].sort((a, b) => a.stop - b.stop);
}

/** The default of each tab stop: that of its first placeholder or choice, as VS Code takes it. */
function defaultsOf(nodes: SnippetNode[]): Map<number, string> {
  const defaults = new Map<number, string>();
  const render = (list: SnippetNode[]): string =>
    list
      .map((node) => {
        if ('text' in node) return node.text;
        if (!defaults.has(node.stop)) {
          if (node.placeholder) defaults.set(node.stop, render(node.placeholder));
          else if (node.choices) defaults.set(node.stop, node.choices[0]);
        }
        return defaults.get(node.stop) ?? '';
      })
      .join('');
  render(nodes);
  return defaults;
}

function parseSnippet(body: string): SnippetNode[] {
  let i = 0;
  const parseNodes = (nested: boolean): SnippetNode[] => {
    const nodes: SnippetNode[] = [];
    let text = '';
    const flush = () => {
      if (text) nodes.push({ text });
      text = '';
    };
    while (i < body.length) {
      const char = body[i];
      if (char === '\\' && '$}\\'.includes(body[i + 1] ?? '')) {
        text += body[i + 1];
        i += 2;
        continue;
      }
      if (nested && char === '}') {
        flush();
        return nodes;
      }
      const simple = /^\$([0-9]+)/.exec(body.slice(i));
      const braced = /^\$\{([0-9]+)([:|}])/.exec(body.slice(i));
      if (simple) {
        flush();
        nodes.push({ stop: Number(simple[1]) });
        i += simple[0].length;
      } else if (braced) {
        flush();
        const stop = Number(braced[1]);
        i += braced[0].length;
        if (braced[2] === '}') nodes.push({ stop });
        else if (braced[2] === ':') {
          const placeholder = parseNodes(true);
          if (body[i] !== '}') throw new Error(`unclosed placeholder \${${stop}: in ${JSON.stringify(body)}`);
          i++;
          nodes.push({ stop, placeholder });
        } else nodes.push({ stop, choices: parseChoices() });
      } else if (/^\$(\{[A-Za-z_]|[A-Za-z_])/.test(body.slice(i))) {
        throw new Error(`snippet variables are not expected: ${body.slice(i, i + 20)}`);
      } else {
        text += char;
        i++;
      }
    }
    if (nested) throw new Error(`unclosed \${ in ${JSON.stringify(body)}`);
    flush();
    return nodes;
  };
  const parseChoices = (): string[] => {
    const choices: string[] = [];
    let current = '';
    while (i < body.length) {
      const char = body[i];
      if (char === '\\' && ',|\\'.includes(body[i + 1] ?? '')) {
        current += body[i + 1];
        i += 2;
      } else if (char === ',') {
        choices.push(current);
        current = '';
        i++;
      } else if (char === '|' && body[i + 1] === '}') {
        choices.push(current);
        i += 2;
        return choices;
      } else {
        current += char;
        i++;
      }
    }
    throw new Error(`unclosed choice in ${JSON.stringify(body)}`);
  };
  return parseNodes(false);
}
