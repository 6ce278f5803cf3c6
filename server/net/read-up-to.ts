/**
 * At most `limit` bytes of a response body, and whether that was all of it. Leaving the loop
 * early ends (destroys) the body, so its connection closes: a peer that sends without end is
 * neither buffered nor drained. For upstream answers (gateway) and webhook receivers' answers.
 */
export async function readUpTo(body: AsyncIterable<Uint8Array>, limit: number): Promise<{ bytes: Uint8Array; complete: boolean }> {
  const chunks: Uint8Array[] = [];
  let length = 0;
  for await (const chunk of body) {
    if (length + chunk.byteLength > limit) {
      chunks.push(chunk.subarray(0, limit - length));
      return { bytes: Buffer.concat(chunks, limit), complete: false };
    }
    chunks.push(chunk);
    length += chunk.byteLength;
  }
  return { bytes: Buffer.concat(chunks, length), complete: true };
}
