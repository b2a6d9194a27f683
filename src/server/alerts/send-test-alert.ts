import { AppError } from '../errors';
import type { AlertDeps } from './deps';
import { enqueueNotifications } from './enqueue-notifications';
import { findProjectId } from './find-project-id';
import type { ChangeScope } from './scope';

/** Queues a test notification to every channel of the project; returns the deliveries to watch. */
export async function sendTestAlert(deps: AlertDeps, project: string, scope: ChangeScope = null): Promise<{ queued: number; deliveryIds: number[] }> {
  const projectId = await findProjectId(deps.db.prisma, project, scope);
  const deliveryIds = await deps.db.prisma.$transaction((tx) =>
    enqueueNotifications(
      tx,
      deps,
      projectId,
      'test',
      { id: null, kind: 'flagged', cause: null, causes: [], message: 'This is a test alert from lrscope.', step: null, expected: null, actual: null },
      { id: 0, name: 'test', project },
    ),
  );
  if (deliveryIds.length === 0) throw new AppError('BAD_REQUEST', `project: "${project}" has no webhook (add one, or set LRSCOPE_WEBHOOK_URL)`);
  return { queued: deliveryIds.length, deliveryIds };
}
