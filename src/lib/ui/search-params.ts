// A page's searchParams prop (Next hands server pages a record) read the way useSearchParams()
// reads them in the browser: get() gives a repeated name's first value. Pure.
export function searchParamsOf(record: Record<string, string | string[] | undefined>): URLSearchParams {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(record)) {
    for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) params.append(name, v);
  }
  return params;
}
