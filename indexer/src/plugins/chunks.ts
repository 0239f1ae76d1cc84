/** Splits rows so one statement stays well under Postgres' 65,535 bind parameters. */
export function chunks<T>(rows: T[], size = 1000): T[][] {
  const out: T[][] = []
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size))
  return out
}
