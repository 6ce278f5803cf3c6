/**
 * Responses tools a translated upstream can call, under the one flat name each gets in the
 * canonical request: function tools keep their name, tools inside a `namespace` tool (Codex's
 * MCP servers) become `<namespace>__<name>`, and freeform `custom` tools (Codex's `apply_patch`)
 * become function tools taking one string, `input`. The renderer maps each call back.
 */

/** How a canonical tool name is called in the Responses format. */
export interface ResponsesToolName {
  name: string;
  namespace?: string;
  /** A freeform `custom` tool: its call is a `custom_tool_call` whose `input` is the `input` argument. */
  custom: boolean;
}

/** The flat canonical name of a (possibly namespaced) tool. */
export function canonicalToolName(name: string, namespace?: string | null): string {
  return namespace ? `${namespace}__${name}` : name;
}

/** The JSON schema of a custom tool's one argument. */
export const CUSTOM_TOOL_PARAMETERS = {
  type: 'object',
  properties: { input: { type: 'string', description: 'The raw input for this tool, in the format its description asks for.' } },
  required: ['input'],
  additionalProperties: false,
} as const;

function record(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

/** Canonical name → Responses name, for the tools of a raw request body (built-ins have none). */
export function responsesToolNames(raw: Readonly<Record<string, unknown>> | undefined): Map<string, ResponsesToolName> {
  const names = new Map<string, ResponsesToolName>();
  const add = (tool: Record<string, unknown> | null, namespace?: string) => {
    if (!tool || typeof tool.name !== 'string') return;
    if (tool.type !== 'function' && tool.type !== 'custom') return;
    names.set(canonicalToolName(tool.name, namespace), {
      name: tool.name,
      ...(namespace ? { namespace } : {}),
      custom: tool.type === 'custom',
    });
  };
  for (const item of Array.isArray(raw?.tools) ? raw.tools : []) {
    const tool = record(item);
    if (tool?.type === 'namespace' && typeof tool.name === 'string' && Array.isArray(tool.tools)) {
      for (const inner of tool.tools) add(record(inner), tool.name);
    } else add(tool);
  }
  return names;
}
