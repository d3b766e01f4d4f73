const STREAMED = new WeakSet<Response>();

/** A response whose body is made as the client reads it (an export): later plugins must not read it whole. */
export function streamedResponse(body: ReadableStream<Uint8Array>, init: ResponseInit): Response {
  const response = new Response(body, init);
  STREAMED.add(response);
  return response;
}

export const isStreamed = (response: Response): boolean => STREAMED.has(response);
