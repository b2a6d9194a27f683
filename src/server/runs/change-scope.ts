/**
 * Who is changing a run or a project: null for the dashboard (every project), or the project of
 * the API key that was sent (a key cannot change another project, as it cannot write to one).
 */
export type ChangeScope = { projectId: number; projectName: string } | null;
