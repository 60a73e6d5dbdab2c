/** Bounds on the shape of a value the module takes from outside; see `inputShapeProblem`. */
export interface InputLimits {
  /** Levels of nested objects and arrays, the value itself being level 1. Default 32. */
  depth: number;
  /** Keys of any one object. Default 1,000. */
  keys: number;
  /** Items of any one array. Default 10,000. */
  items: number;
}
