/**
 * `--seed`: demo stock and users so that a first look at the console is not empty. Runs on
 * every start with the flag and changes nothing that is already there.
 */
import type { LocalPorts } from './wiring';

export const demoStock: readonly { product_id: string; quantity: number }[] = [
  { product_id: 'espresso-beans-1kg', quantity: 12 },
  { product_id: 'grinder-burr', quantity: 3 },
  { product_id: 'milk-jug', quantity: 25 },
];

export const demoUsers: readonly { user_id: string; name: string; email: string }[] = [
  { user_id: 'demo-ada', name: 'Ada Lovelace', email: 'ada@example.com' },
  { user_id: 'demo-grace', name: 'Grace Hopper', email: 'grace@example.com' },
];

export async function seed(ports: LocalPorts): Promise<{ stock: number; users: number }> {
  let stock = 0;
  let users = 0;
  for (const item of demoStock) {
    if ((await ports.ledger.getStock(item.product_id)) === undefined) {
      await ports.ledger.setStock(item.product_id, item.quantity);
      stock++;
    }
  }
  const at = ports.clock.now().toISOString();
  for (const user of demoUsers) {
    if ((await ports.users.create({ ...user, created_at: at, updated_at: at, version: 1 })) === 'created') users++;
  }
  return { stock, users };
}
