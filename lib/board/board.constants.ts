export const BOARD_OPTIONS = Symbol('jobs:board-options');
export const BOARD_INSTANCE = Symbol('jobs:board');
