/**
 * What the simulator answers to a request, read from its body in each wire format:
 * structured output (a JSON text matching the requested schema), a forced tool call (input
 * matching that tool's schema), the end of a tool loop (text once the last message is a tool
 * result), or the recorded text/tools fixture.
 */
import type { AnswerKind, Wire } from './fixture-store.js';
import { schemaExample } from './schema-example.js';

/** The answer to render: a recorded fixture as is, or one rewritten with new text or a new tool call. */
export type Reply =
  | { kind: 'fixture'; answer: AnswerKind }
  | { kind: 'text'; text: string }
  /** `silent`: no words before the call (Anthropic writes none when tool_choice forces a tool). */
  | { kind: 'tool-call'; name: string; input: unknown; silent?: boolean };

type Body = Record<string, unknown>;

const SUMMARY_LENGTH = 120;

function record(value: unknown): Body {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Body) : {};
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** Text of a tool result however it was given: a string, text parts, or any JSON. */
function resultText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content.map((part) => (typeof record(part).text === 'string' ? String(record(part).text) : resultText(part))).join(' ');
  }
  return JSON.stringify(content ?? null);
}

function done(result: unknown): Reply {
  const text = resultText(result).replace(/\s+/g, ' ').trim();
  const summary = text.length > SUMMARY_LENGTH ? `${text.slice(0, SUMMARY_LENGTH)}…` : text;
  return { kind: 'text', text: `Done: ${summary}` };
}

const json = (schema: unknown): Reply => ({ kind: 'text', text: JSON.stringify(schemaExample(schema)) });

function openAiReply(body: Body): Reply | undefined {
  const format = record(body.response_format);
  if (format.type === 'json_schema') return json(record(format.json_schema).schema);
  if (format.type === 'json_object') return { kind: 'text', text: '{}' };
  const choice = record(body.tool_choice);
  const forced = choice.type === 'function' ? record(choice.function).name : undefined;
  const tool = list(body.tools)
    .map((t) => record(record(t).function))
    .find((fn) => fn.name === forced);
  if (tool) return { kind: 'tool-call', name: String(tool.name), input: schemaExample(tool.parameters) };
  const last = record(list(body.messages).at(-1));
  if (last.role === 'tool' || last.role === 'function') return done(last.content);
  return undefined;
}

function anthropicReply(body: Body): Reply | undefined {
  // Structured outputs: `output_format` in the beta, `output_config.format` since.
  const format = record(body.output_format ?? record(body.output_config).format);
  if (format.type === 'json_schema') return json(format.schema);
  const choice = record(body.tool_choice);
  const tools = list(body.tools).map(record);
  const tool = choice.type === 'tool' ? tools.find((t) => t.name === choice.name) : choice.type === 'any' ? tools[0] : undefined;
  if (tool) return { kind: 'tool-call', name: String(tool.name), input: schemaExample(tool.input_schema), silent: true };
  const last = record(list(body.messages).at(-1));
  const result = list(last.content)
    .map(record)
    .findLast((block) => block.type === 'tool_result');
  if (last.role === 'user' && result) return done(result.content);
  // Extended thinking without tools: the recorded answer with a signed thinking block.
  if (record(body.thinking).type === 'enabled' && tools.length === 0) return { kind: 'fixture', answer: 'thinking' };
  return undefined;
}

function googleReply(body: Body): Reply | undefined {
  const config = record(body.generationConfig);
  if (config.responseMimeType === 'application/json') return json(config.responseJsonSchema ?? config.responseSchema ?? {});
  const calling = record(record(body.toolConfig).functionCallingConfig);
  const declarations = list(body.tools).flatMap((t) => list(record(t).functionDeclarations).map(record));
  const allowed = list(calling.allowedFunctionNames);
  const tool = calling.mode === 'ANY' ? declarations.find((d) => allowed.length === 0 || allowed.includes(d.name)) : undefined;
  if (tool) return { kind: 'tool-call', name: String(tool.name), input: schemaExample(tool.parametersJsonSchema ?? tool.parameters) };
  const last = record(list(body.contents).at(-1));
  const response = list(last.parts)
    .map(record)
    .findLast((part) => part.functionResponse !== undefined);
  if (response) return done(record(response.functionResponse).response);
  return undefined;
}

function responsesReply(body: Body): Reply | undefined {
  const format = record(record(body.text).format);
  if (format.type === 'json_schema') return json(format.schema);
  if (format.type === 'json_object') return { kind: 'text', text: '{}' };
  const choice = record(body.tool_choice);
  const tool =
    choice.type === 'function'
      ? list(body.tools)
          .map(record)
          .find((t) => t.name === choice.name)
      : undefined;
  if (tool) return { kind: 'tool-call', name: String(tool.name), input: schemaExample(tool.parameters) };
  const last = record(list(body.input).at(-1));
  if (last.type === 'function_call_output') return done(last.output);
  return undefined;
}

const BY_WIRE: Record<Wire, (body: Body) => Reply | undefined> = {
  'openai-compatible': openAiReply,
  'openai-responses': responsesReply,
  anthropic: anthropicReply,
  google: googleReply,
};

/**
 * The reply for a parsed request body. Structured output and a forced tool come first (a
 * client asking for them after a tool result still needs them); then a trailing tool result
 * ends the loop in text; otherwise the tools fixture when tools were offered, else the text one.
 */
export function planReply(wire: Wire, body: unknown): Reply {
  const request = record(body);
  const planned = BY_WIRE[wire](request);
  if (planned) return planned;
  const offersTools = list(request.tools).length > 0;
  return { kind: 'fixture', answer: offersTools ? 'tools' : 'text' };
}
