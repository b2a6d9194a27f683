// Browser tests run against the production server, which serves `next build` output.
import { ensureNextBuild } from '../helpers/next-build';

export default async function setup() {
  await ensureNextBuild();
}
