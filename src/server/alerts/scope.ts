import { AppError } from '../errors';

/**
 * Who is changing alert settings, a run or a project: null for the dashboard (every project), or the project of the
 * API key that was sent (a key cannot change another project, as it cannot write to one).
 */
export type ChangeScope = { projectId: number; projectName: string } | null;

export function checkScope(scope: ChangeScope, projectId: number, field: string): void {
  if (scope && scope.projectId !== projectId) throw new AppError('FORBIDDEN', `${field}: this API key belongs to project "${scope.projectName}" and cannot change another project`);
}
