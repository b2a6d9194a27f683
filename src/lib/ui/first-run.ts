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
    '# pip install ./clients/python   (from the lrscope checkout; standard library only)',
    `# export LRSCOPE_URL=${origin} LRSCOPE_API_KEY=lrs_...`,
    'import lrscope, lrscope.torch',
    '',
    'run = lrscope.init(name="my-first-run", steps_per_epoch=len(train_loader))',
    '# Logs the LR of every optimizer step and reads the schedule from the scheduler itself.',
    'lrscope.torch.watch(optimizer, scheduler)',
    '',
    'for epoch in range(epochs):',
    '    for batch in train_loader:',
    '        loss = train_step(batch)  # your optimizer.step()',
    '        run.log(loss=loss)',
    '    scheduler.step()',
    'run.finish()',
  ].join('\n');
}
