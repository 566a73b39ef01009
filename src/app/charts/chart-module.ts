// Chart.js, loaded on demand (this module is imported dynamically by lab-chart.ts, so its ~70 KiB stay out of
// the first paint). Registers only the pieces the lab's panels use, which is what keeps the chunk small.
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  ScatterController,
  Tooltip,
} from 'chart.js';
import { MatrixController, MatrixElement } from 'chartjs-chart-matrix';

Chart.register(
  BarController, BarElement, CategoryScale, Filler, Legend, LinearScale, LineController, LineElement,
  PointElement, ScatterController, Tooltip, MatrixController, MatrixElement,
);

// Large enough to read on a projector from the back of a room.
Chart.defaults.font.size = 14;
Chart.defaults.font.family = 'system-ui, sans-serif';
Chart.defaults.color = '#222';
Chart.defaults.animation = false;

export { Chart };
