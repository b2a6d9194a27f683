// The snippets a first-time user copies to send a run: curl and Python, against this server.
export function curlSnippet(origin: string): string {
  return [
    `export LRSCOPE_URL=${origin}   # and LRSCOPE_API_KEY, from step 1`,
    `curl -s "$LRSCOPE_URL/api/trpc/runs.create" -H "Authorization: Bearer $LRSCOPE_API_KEY" -H 'Content-Type: application/json' \\`,
    `  -d '{"name":"my-first-run","schedule":{"name":"StepLR","params":{"step_size":30,"gamma":0.1},"interval":"epoch","baseLr":0.1},"stepsPerEpoch":100}'`,
    `# {"result":{"data":{"id":1}}}`,
    `curl -s "$LRSCOPE_URL/api/trpc/runs.log" -H "Authorization: Bearer $LRSCOPE_API_KEY" -H 'Content-Type: application/json' \\`,
    `  -d '{"runId":1,"points":[{"step":0,"epoch":0,"lr":0.1,"loss":2.31},{"step":1,"epoch":0,"lr":0.1,"loss":2.29}]}'`,
  ].join('\n');
}

export function pythonSnippet(origin: string): string {
  return [
    'import os, requests',
    '',
    `URL, KEY = "${origin}/api/trpc", os.environ["LRSCOPE_API_KEY"]`,
    'auth = {"Authorization": f"Bearer {KEY}"}',
    'run = requests.post(f"{URL}/runs.create", headers=auth, json={',
    '    "name": "my-first-run",',
    '    "schedule": {"name": "StepLR", "params": {"step_size": 30, "gamma": 0.1}, "interval": "epoch", "baseLr": 0.1},',
    '    "stepsPerEpoch": len(train_loader),',
    '}).json()["result"]["data"]["id"]',
    '',
    'for epoch in range(epochs):',
    '    for i, batch in enumerate(train_loader):',
    '        loss = train_step(batch)  # your optimizer.step()',
    '        step = epoch * len(train_loader) + i',
    '        if step % 10 == 0:',
    '            requests.post(f"{URL}/runs.log", headers=auth, json={"runId": run, "points": [',
    '                {"step": step, "epoch": epoch, "lr": optimizer.param_groups[0]["lr"], "loss": float(loss)}]})',
    '    scheduler.step()',
  ].join('\n');
}
