// The on-board learning bundle's entry: what require("edgefnn-learn") gives on
// a board (dist/edgefnn-learn.min.js saved in Storage as "edgefnn-learn"), on a
// Pi, and as the global edgefnnLearn of a plain script. Apart from the runtime,
// so boards that only classify do not carry it.
export { learner } from "./learner";
export type { Learner, LearnOptions } from "./learner";
export { learnCost } from "./cost";
