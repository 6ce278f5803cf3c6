import type { ChatRequest } from '../canonical-request.js';

/**
 * The Messages API has no `response_format`: keyplane asks for the JSON as the input of a tool
 * with this name whose input_schema is the requested schema, and turns that tool call back into
 * the message's text. The name is keyplane's own, so a client's tools never collide with it.
 */
export const STRUCTURED_OUTPUT_TOOL = 'keyplane_structured_output';

type Block = Record<string, unknown>;

/** The tool (and, when the client offers no tools of its own, the forced choice) for a response_format. */
export function structuredOutputTool(request: ChatRequest): { tool: Block; forced: boolean } | null {
  const format = request.response_format;
  if (!format || format.type === 'text') return null;
  const schema = format.type === 'json_schema' ? format.json_schema.schema : undefined;
  const description =
    format.type === 'json_schema'
      ? (format.json_schema.description ?? `Answer with a ${format.json_schema.name}`)
      : 'Answer with a JSON object';
  return {
    tool: { name: STRUCTURED_OUTPUT_TOOL, description, input_schema: schema ?? { type: 'object', additionalProperties: true } },
    // With the client's own tools offered, the model may still call those: it is not forced.
    forced: !request.tools?.length,
  };
}
