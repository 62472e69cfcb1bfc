/** Small wording helpers for statuses and messages. */

/** "1 device", "3 devices"; irregular plurals give `many` ("2 entries"). */
export function counted(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
