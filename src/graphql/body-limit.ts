import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';

// The request body limit, in place of yoga's maxRequestBodySize. Yoga pipes every body through
// a TransformStream to count its bytes; the pipe's clean-up aborts an AbortController, and the
// DOMException that makes costs a stack trace: about a tenth of the CPU of a read. A body with a
// valid Content-Length cannot be longer than it says (Node's parser reads exactly that many
// bytes), so only a body without one (chunked) is counted as it streams.

const CONTENT_LENGTH = /^\d+$/;

function tooLarge(): GraphQLError {
  return new GraphQLError('Request body too large', { extensions: { http: { status: 413 }, code: 'REQUEST_ENTITY_TOO_LARGE' } });
}

/** The request with its body counted as it streams, failing past `limit` bytes. */
function counted(request: Request, limit: number, fetchAPI: { Request: typeof Request; TransformStream: typeof TransformStream }): Request {
  // A native ReadableStream body needs the native TransformStream, a ponyfilled one the ponyfill.
  const Transform = request.body instanceof ReadableStream ? globalThis.TransformStream : fetchAPI.TransformStream;
  let bytes = 0;
  const body = request.body!.pipeThrough(
    new Transform<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        bytes += chunk.byteLength;
        if (bytes > limit) controller.error(tooLarge());
        else controller.enqueue(chunk);
      },
    }),
  );
  return new fetchAPI.Request(request.url, {
    method: request.method,
    headers: request.headers,
    signal: request.signal,
    body,
    // @ts-expect-error a streamed request body needs it; the DOM types do not know it yet
    duplex: 'half',
  });
}

/** 413 REQUEST_ENTITY_TOO_LARGE for a body over `limit` bytes, announced or streamed; 400 for a malformed Content-Length. */
export function useRequestBodyLimit(limit: number): Plugin {
  return {
    onRequestParse({ request, requestParser, setRequestParser, fetchAPI }) {
      const contentLength = request.headers.get('content-length');
      if (contentLength != null) {
        if (!CONTENT_LENGTH.test(contentLength)) {
          throw new GraphQLError('Content-Length header is invalid.', { extensions: { http: { status: 400 }, code: 'BAD_REQUEST' } });
        }
        if (Number(contentLength) > limit) throw tooLarge();
        return;
      }
      if (!requestParser || !request.body) return;
      setRequestParser((req) => requestParser(counted(req, limit, fetchAPI)));
    },
  };
}
