// The lab page's entry point: registers the components; index.html places <sai-lab>.
import './sai-lab.ts';
