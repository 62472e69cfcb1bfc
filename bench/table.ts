/** One line of the bench's table: times in ms, ratios to the service's limit. */
export interface Line {
  job: string;
  ours: number;
  theirs: number;
  limit: number;
  oursDetail: string;
  theirsDetail: string;
}

const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** A Markdown table, so the README can quote a run as it is printed. */
export function table(lines: Line[]): string {
  const rows = [
    "| job | this pack | x limit | peer | x limit | limit |",
    "|---|---|---|---|---|---|",
    ...lines.map(
      (l) =>
        `| ${l.job} | ${sec(l.ours)} (${l.oursDetail}) | ${(l.ours / l.limit).toFixed(2)} | ${sec(l.theirs)} (${l.theirsDetail}) | ${(l.theirs / l.limit).toFixed(2)} | ${sec(l.limit)} |`,
    ),
  ];
  return rows.join("\n");
}
