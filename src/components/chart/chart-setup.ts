// Chart.js with only what lrscope's line charts use, registered once: named imports let the
// bundler leave out the other chart types, scales and plugins (about half of Chart.js), which a
// phone would otherwise download and evaluate before the first chart.
import { Chart, Decimation, Filler, LinearScale, LineController, LineElement, LogarithmicScale, PointElement, Tooltip } from 'chart.js';

Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale, Filler, Tooltip, Decimation);

export { Chart };
