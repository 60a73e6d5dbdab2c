import { randomBytes } from 'node:crypto';

const random = () => randomBytes(18).toString('base64url');

/** Read from the environment, or made up for this run (and printed at start-up) so nothing is ever open by default. */
export const credentials = {
  adminToken: process.env.ADMIN_TOKEN || random(),
  boardUser: process.env.BOARD_USER || 'admin',
  boardPassword: process.env.BOARD_PASSWORD || random(),
};

/** Only what was made up here is printed; secrets from the environment stay out of the logs. */
export const shown = {
  adminToken: process.env.ADMIN_TOKEN ? '<ADMIN_TOKEN>' : credentials.adminToken,
  boardPassword: process.env.BOARD_PASSWORD ? '<BOARD_PASSWORD>' : credentials.boardPassword,
};
