// Plain-JSON calls to tRPC procedures, the way curl and the Python client make them.
export interface Reply<T = any> {
  status: number;
  body: { result?: { data: T }; error?: { message: string; data: { code: string; httpStatus: number; issues?: { path: string; message: string }[] } } };
}

export async function mutate<T = any>(url: string, procedure: string, input: unknown, key?: string): Promise<Reply<T>> {
  const res = await fetch(`${url}/api/trpc/${procedure}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify(input),
  });
  return { status: res.status, body: await res.json() };
}

export async function query<T = any>(url: string, procedure: string, input?: unknown): Promise<Reply<T>> {
  const qs = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`;
  const res = await fetch(`${url}/api/trpc/${procedure}${qs}`);
  return { status: res.status, body: await res.json() };
}

/** The data of a successful reply; throws with the server's message otherwise. */
export function data<T>(reply: Reply<T>): T {
  if (reply.status !== 200 || !reply.body.result) throw new Error(`HTTP ${reply.status}: ${reply.body.error?.message}`);
  return reply.body.result.data;
}
