// Every stage panel filled with seeded sample data, for screenshots and layout checks.
import '../../../src/app/panels/knowledge-map-panel.ts';
import '../../../src/app/panels/probe-panel.ts';
import '../../../src/app/panels/sampling-panel.ts';
import '../../../src/app/panels/pairs-panel.ts';
import '../../../src/app/panels/training-panel.ts';
import '../../../src/app/panels/evaluation-panel.ts';
import '../../../src/app/panels/compare-panel.ts';
import { sampleData } from './sample-data.ts';

const data = sampleData();
const set = (selector: string, value: unknown) => Object.assign(document.querySelector(selector)!, { data: value });
set('knowledge-map-panel', data.map);
set('probe-panel', data.probe);
set('sampling-panel', data.sampling);
set('pairs-panel', data.pairs);
set('training-panel', data.training);
set('evaluation-panel', data.evaluation);
set('compare-panel', data.compare);
