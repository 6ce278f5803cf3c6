import { RequestTranslationError } from '../adapter.js';
import { type ChatMessage, type ChatRequest, contentText, type ParsedChatRequest } from '../canonical-request.js';

type Part = Record<string, unknown>;
interface Content {
  role: 'user' | 'model';
  parts: Part[];
}

function userParts(content: Extract<ChatMessage, { role: 'user' }>['content']): Part[] {
  if (typeof content === 'string') return content ? [{ text: content }] : [];
  return content.flatMap((part): Part[] => {
    if (part.type === 'text' && typeof part.text === 'string') return part.text ? [{ text: part.text }] : [];
    if (part.type === 'image_url') {
      const url = (part as { image_url: { url: string } }).image_url.url;
      const data = /^data:([^;,]+);base64,(.*)$/s.exec(url);
      if (data) return [{ inlineData: { mimeType: data[1], data: data[2] } }];
      throw new RequestTranslationError('Gemini models take images as base64 data URLs, not remote URLs');
    }
    throw new RequestTranslationError(`Content part type "${part.type}" is not supported for Gemini models`);
  });
}

function parseArgs(args: string, name: string): unknown {
  if (args.trim() === '') return {};
  try {
    return JSON.parse(args) as unknown;
  } catch {
    throw new RequestTranslationError(`tool_calls arguments for "${name}" are not valid JSON`);
  }
}

// functionResponse.response must be an object; plain text is wrapped.
function toolResponse(text: string): unknown {
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value;
  } catch {
    // not JSON: wrap the text below
  }
  return { content: text };
}

/** Gemini `contents` and `systemInstruction` from Chat Completions messages. */
function convertContents(messages: readonly ChatMessage[]): { system: string; contents: Content[] } {
  const system: string[] = [];
  const contents: Content[] = [];
  // Gemini matches function responses by name, OpenAI by id: remember which id named which function.
  const toolNames = new Map<string, string>();
  for (const message of messages) {
    let role: Content['role'] = 'user';
    let parts: Part[];
    switch (message.role) {
      case 'system':
      case 'developer':
        system.push(contentText(message.content));
        continue;
      case 'user':
        parts = userParts(message.content);
        break;
      case 'assistant': {
        role = 'model';
        const text = contentText(message.content);
        parts = text ? [{ text }] : [];
        for (const call of message.tool_calls ?? []) {
          toolNames.set(call.id, call.function.name);
          parts.push({ functionCall: { name: call.function.name, args: parseArgs(call.function.arguments, call.function.name) } });
        }
        break;
      }
      case 'tool': {
        const name = toolNames.get(message.tool_call_id);
        if (!name) throw new RequestTranslationError(`tool message refers to unknown tool_call_id "${message.tool_call_id}"`);
        parts = [{ functionResponse: { name, response: toolResponse(contentText(message.content)) } }];
        break;
      }
    }
    const last = contents[contents.length - 1];
    if (last && last.role === role) last.parts.push(...parts);
    else contents.push({ role, parts });
  }
  return { system: system.filter(Boolean).join('\n\n'), contents };
}

function toolConfig(choice: ChatRequest['tool_choice']): Record<string, unknown> | undefined {
  if (choice === undefined) return undefined;
  if (choice === 'auto') return { functionCallingConfig: { mode: 'AUTO' } };
  if (choice === 'none') return { functionCallingConfig: { mode: 'NONE' } };
  if (choice === 'required') return { functionCallingConfig: { mode: 'ANY' } };
  return { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [choice.function.name] } };
}

function generationConfig(request: ChatRequest, extra: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  const set = (key: string, value: unknown) => {
    if (value !== undefined && value !== null) config[key] = value;
  };
  set('temperature', request.temperature);
  set('topP', request.top_p);
  set('topK', extra.top_k);
  set('maxOutputTokens', request.max_completion_tokens ?? request.max_tokens);
  set('stopSequences', typeof request.stop === 'string' ? [request.stop] : request.stop);
  set('seed', request.seed);
  set('presencePenalty', request.presence_penalty);
  set('frequencyPenalty', request.frequency_penalty);
  const format = request.response_format;
  if (format?.type === 'json_object') set('responseMimeType', 'application/json');
  if (format?.type === 'json_schema') {
    set('responseMimeType', 'application/json');
    set('responseJsonSchema', format.json_schema.schema);
  }
  return config;
}

/** The generateContent body for an OpenAI-shaped request. */
export function buildGenerateBody(parsed: ParsedChatRequest): Record<string, unknown> {
  const { request, extra } = parsed;
  const { system, contents } = convertContents(request.messages);
  const body: Record<string, unknown> = { contents };
  if (system) body.systemInstruction = { parts: [{ text: system }] };
  if (request.tools?.length) {
    body.tools = [
      {
        functionDeclarations: request.tools.map((tool) => ({
          name: tool.function.name,
          ...(tool.function.description ? { description: tool.function.description } : {}),
          ...(tool.function.parameters ? { parametersJsonSchema: tool.function.parameters } : {}),
        })),
      },
    ];
  }
  const tools = toolConfig(request.tool_choice);
  if (tools) body.toolConfig = tools;
  const config = generationConfig(request, extra);
  if (Object.keys(config).length > 0) body.generationConfig = config;
  return body;
}
