/** HOBOlink data_type_id values and the names LI-COR v1 sends in data_type (reference §2.3, §8.2). */
export const HOBO_DATA_TYPES: Readonly<Record<string, string>> = Object.freeze({
  "1": "CURRENT",
  "2": "MINIMUM",
  "3": "MAXIMUM",
  "4": "AVERAGE",
  "5": "STANDARD_DEVIATION",
});

/** The data type name of a row: the v1 name when sent, else the legacy id mapped, else the id itself. */
export function dataTypeName(id: string | undefined, name?: string): string {
  if (name) return name;
  const key = String(id ?? "");
  return HOBO_DATA_TYPES[key] ?? key;
}
